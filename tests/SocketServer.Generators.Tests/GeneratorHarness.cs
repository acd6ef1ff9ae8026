using System.Collections.Immutable;
using Basic.Reference.Assemblies;

namespace SocketServer.Generators.Tests;

/// <summary>Builds compilations against .NET 10 and the runtime, and runs the generator on them.</summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> References =
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(SocketServer.BaseServer).Assembly.Location)];

    public const string Usings = """
        using SocketServer;
        using static SocketServer.Transport;
        using static SocketServer.Concurrency;

        """;

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "Consumer",
        sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Input{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new SocketServerGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once and returns what it produced and the compilation with its output.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources)
    {
        CSharpCompilation input = Compile(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>
    /// Every error in the compilation, and every warning in generated code (documentation warnings included,
    /// as a consumer with TreatWarningsAsErrors and GenerateDocumentationFile would see them).
    /// </summary>
    public static IEnumerable<Diagnostic> Problems(Compilation output, GeneratorDriverRunResult result)
    {
        var generated = result.GeneratedTrees.ToHashSet();
        return output.GetDiagnostics().Where(d =>
            d.Severity == DiagnosticSeverity.Error
            || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generated.Contains(tree)));
    }

    /// <summary>The generator must never fail: Roslyn reports a throwing generator as CS8785 and keeps its exception.</summary>
    public static void AssertDidNotThrow(GeneratorDriverRunResult result)
    {
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8784" or "CS8785");
    }
}
