using System.Collections;
using System.Reflection;

namespace SocketServer.Generators.Tests;

/// <summary>The pipeline caches its models: edits that do not touch a declaration do not re-run or re-emit it.</summary>
public class IncrementalityTests
{
    private static readonly string[] TrackedSteps = ["Parsed", "Composable"];

    private const string Server = GeneratorHarness.Usings + """
        namespace Shop;

        [SocketServer(Tcp, Threading, Handler = typeof(EchoHandler))]
        public partial class EchoServer;

        public sealed class EchoHandler : StreamRequestHandler
        {
            public override void Handle() => WFile.Write(RFile.ReadLine());
        }
        """;

    private const string Elsewhere = """
        namespace Shop;

        public static class Unrelated
        {
            public static int Answer() => 42;
        }
        """;

    [Fact]
    public void An_edit_in_another_file_leaves_every_step_cached()
    {
        var (first, second) = RunTwice(Server, Elsewhere, edit: (c, trees) => c.ReplaceSyntaxTree(
            trees[1], trees[1].WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Elsewhere.Replace("42", "43"), System.Text.Encoding.UTF8))));

        // A new compilation re-runs the semantic transform; its equal model stops the change there.
        AssertOutputs(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(second.Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.Equal(first.GeneratedTrees.Single().ToString(), second.GeneratedTrees.Single().ToString());
    }

    [Fact]
    public void An_unrelated_edit_in_the_same_file_reparses_but_changes_nothing()
    {
        string edited = Server + "\npublic static class AddedLater { }\n";
        var (_, second) = RunTwice(Server, Elsewhere, edit: (c, trees) => c.ReplaceSyntaxTree(
            trees[0], trees[0].WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited, System.Text.Encoding.UTF8))));

        AssertOutputs(second, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        Assert.All(second.Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_the_attribute_reruns_the_declaration()
    {
        string edited = Server.Replace("[SocketServer(Tcp, Threading,", "[SocketServer(Tcp, Sync,");
        var (first, second) = RunTwice(Server, Elsewhere, edit: (c, trees) => c.ReplaceSyntaxTree(
            trees[0], trees[0].WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited, System.Text.Encoding.UTF8))));

        Assert.Contains(
            second.Results.Single().TrackedSteps["Composable"].SelectMany(s => s.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.NotEqual(first.GeneratedTrees.Single().ToString(), second.GeneratedTrees.Single().ToString());
        Assert.DoesNotContain("DaemonThreads", second.GeneratedTrees.Single().ToString());
    }

    [Fact]
    public void No_cached_value_holds_a_roslyn_object()
    {
        var (result, _) = GeneratorHarness.Run(Server, Elsewhere);
        object[] values = result.Results.Single().TrackedSteps
            .Where(step => TrackedSteps.Contains(step.Key))
            .SelectMany(step => step.Value)
            .SelectMany(run => run.Outputs)
            .Select(output => output.Value)
            .ToArray();

        Assert.NotEmpty(values);
        foreach (object value in values)
        {
            AssertPlainData(value, path: value.GetType().Name, visited: new HashSet<object>(ReferenceEqualityComparer.Instance));
        }
    }

    private static void AssertPlainData(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or Location or Compilation or SemanticModel or SyntaxToken or AttributeData,
            $"{path} holds a {value.GetType().Name}, which would keep a compilation alive and defeat caching.");
        if (!value.GetType().IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (object? item in sequence)
            {
                AssertPlainData(item, $"{path}[{i++}]", visited);
            }
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertPlainData(field.GetValue(value), $"{path}.{field.Name}", visited);
        }
    }

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(
        string server, string elsewhere, Func<CSharpCompilation, SyntaxTree[], CSharpCompilation> edit)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(server, elsewhere);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult first = driver.GetRunResult();
        CSharpCompilation edited = edit(compilation, [.. compilation.SyntaxTrees]);
        GeneratorDriverRunResult second = driver.RunGenerators(edited).GetRunResult();
        GeneratorHarness.AssertDidNotThrow(second);
        return (first, second);
    }

    private static void AssertOutputs(GeneratorDriverRunResult result, params IncrementalStepRunReason[] allowed)
    {
        var steps = result.Results.Single().TrackedSteps;
        foreach (string name in TrackedSteps)
        {
            Assert.True(steps.ContainsKey(name), $"The step '{name}' is not tracked.");
            foreach (var output in steps[name].SelectMany(run => run.Outputs))
            {
                Assert.True(allowed.Contains(output.Reason), $"{name} output was {output.Reason}; expected {string.Join(" or ", allowed)}.");
            }
        }
    }
}
