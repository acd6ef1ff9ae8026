using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SocketServer.Samples.Tests.Documentation;

/// <summary>
/// What a reader copies must work: every C# block of README.md and docs/ compiles as written, warnings as errors, in a
/// fresh project (the console template's settings) that references the packed packages, nothing else added (and xunit
/// for a block that tests with it).
/// </summary>
/// <remarks>
/// The README's whole servers (a program that prints <c>listening on</c> and serves forever) are also run, on a free
/// port instead of 9999 (the one change made to them), and answered by a client: each must be in <see cref="Conversations"/>.
/// A block opts out only by saying so in its first line: <c>// fragment: why</c> (a piece of a larger program, kept
/// few), or it is the generator's output (<c>// &lt;auto-generated/&gt;</c>, which the generator's snapshot test keeps
/// equal to the real output). A block that shows a mistake says which diagnostic it raises in its first line,
/// <c>// expect: SSA001</c>: it must compile with that warning and no other (an expected error is lowered to a warning
/// for its block's project).
/// </remarks>
[Collection(nameof(ReleaseBuilds))]
public class DocumentationExamplesTests
{
    /// <summary>The most fragments the documentation may hold: examples are whole programs, with few exceptions.</summary>
    private const int MaxFragments = 6;

    /// <summary>How to talk to each runnable README server, by the name of the server type it declares.</summary>
    private static readonly Dictionary<string, Action<int>> Conversations = new()
    {
        ["UpperCaseServer"] = port =>
        {
            var (exit, output, errors) = ChildProcess.Run(ChildProcess.Python(DocsExamplesTests.DocsClientOn("tcp_client.py", port), "hello", "world"));
            Assert.True(exit == 0, errors);
            // The reply keeps its '\n', so the client's print ends with an empty line.
            Assert.Equal(["Sent:     hello world", "Received: HELLO WORLD", ""], output);
        },
        ["GuardedEchoServer"] = EchoesLines,
        ["EchoServer"] = EchoesLines,
    };

    [Fact]
    public void Every_csharp_example_compiles_as_written_in_a_fresh_project_with_the_packed_packages()
    {
        IReadOnlyList<Example> examples = Examples();
        Assert.NotEmpty(examples);

        using var workspace = new PackageWorkspace();
        workspace.Pack(Path.Combine("src", "Runtime", "SocketServer.Runtime.csproj"), "SocketServer.Generators");
        workspace.Pack(Path.Combine("src", "Hosting", "SocketServer.Hosting.csproj"), "SocketServer.Hosting");
        workspace.Pack(Path.Combine("src", "Testing", "SocketServer.Testing.csproj"), "SocketServer.Testing");

        string root = workspace.Folder("examples");
        workspace.WriteNuGetConfig(root);
        foreach (Example example in examples)
        {
            example.Write(root, workspace);
        }

        // The runnable servers once more, on a free port, to be run after the build.
        Example[] runnable = [.. examples.Where(e => e.IsRunnableServer).Select(e => e.OnFreePort())];
        foreach (Example example in runnable)
        {
            example.Write(root, workspace);
        }

        examples = [.. examples, .. runnable];

        // One build of every example: one restore, and the compiler's server shared between them.
        File.WriteAllText(Path.Combine(root, "All.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
                <RestorePackagesPath>{workspace.PackagesPath}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                {string.Join("\n    ", examples.Select(e => $"""<ProjectReference Include="{e.Folder}/{e.Folder}.csproj" ReferenceOutputAssembly="false" />"""))}
              </ItemGroup>
            </Project>
            """);
        var (exit, log, errors) = ChildProcess.Run(ChildProcess.Start(ChildProcess.DotNet, "build", Path.Combine(root, "All.csproj"), "-nologo", "-clp:NoSummary"));

        var failures = new List<string>();
        foreach (Example example in examples)
        {
            string[] own = [.. log.Where(line => line.Contains($"/{example.Folder}/", StringComparison.Ordinal)).Distinct()];
            string[] problems = [.. own.Where(line => line.Contains(": error ", StringComparison.Ordinal) || line.Contains(": warning ", StringComparison.Ordinal))];
            string[] expected = [.. problems.Where(line => example.Expected.Any(id => line.Contains($": warning {id}:", StringComparison.Ordinal)))];
            string[] unexpected = [.. problems.Except(expected)];
            string[] missing = [.. example.Expected.Where(id => !expected.Any(line => line.Contains($" {id}:", StringComparison.Ordinal)))];
            if (unexpected.Length > 0 || missing.Length > 0)
            {
                failures.Add(
                    $"{example.Block.Location} (built in {example.Folder}):" +
                    string.Concat(unexpected.Select(line => "\n    " + line)) +
                    string.Concat(missing.Select(id => $"\n    expected {id}, which the block's first line promises, but the build did not report it")));
            }
        }

        Assert.True(failures.Count == 0 && exit == 0, failures.Count > 0
            ? "Documentation examples that do not compile as written:\n" + string.Join("\n", failures)
            : $"The build of the examples failed:\n{string.Join("\n", log.Where(line => line.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct())}\n{errors}");

        Assert.NotEmpty(runnable);
        foreach (Example example in runnable)
        {
            string server = example.ServerTypeName;
            Assert.True(Conversations.TryGetValue(server, out Action<int>? converse), $"{example.Block.Location} runs {server}, which the test does not know how to talk to: add it to Conversations.");
            using ChildProcess process = ChildProcess.Start(ChildProcess.DotNet, Path.Combine(root, example.Folder, "bin", "Debug", "net10.0", example.Folder + ".dll"));
            string listening = process.ReadLine();
            Assert.Matches(@"^listening on 127\.0\.0\.1:\d+$", listening);
            converse(int.Parse(listening[(listening.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Fragments_are_few_and_say_why()
    {
        MarkdownCodeBlock[] fragments = [.. CSharpBlocks().Where(b => b.FragmentReason is not null)];
        Assert.All(fragments, f => Assert.False(string.IsNullOrWhiteSpace(f.FragmentReason), $"{f.Location}: '// fragment:' says why it is not a whole program."));
        Assert.True(
            fragments.Length <= MaxFragments,
            $"{fragments.Length} C# blocks are fragments (at most {MaxFragments}): {string.Join(", ", fragments.Select(f => f.Location))}. Make them whole programs.");
    }

    [Fact]
    public void The_extractor_reads_blocks_with_their_lines_and_markers()
    {
        string[] page =
        [
            "# Title",
            "```csharp",
            "// fragment: a step of a server",
            "server.ServeForever();",
            "```",
            "text",
            "  ```cs",
            "  // expect: SSA001",
            "  class C { }",
            "  ```",
            "```sh",
            "dotnet test",
            "```",
        ];
        MarkdownCodeBlock[] blocks = [.. MarkdownCodeBlock.Parse("page.md", page)];
        Assert.Equal(["csharp", "cs", "sh"], blocks.Select(b => b.Language));
        Assert.Equal([2, 7, 11], blocks.Select(b => b.Line));
        Assert.Equal("a step of a server", blocks[0].FragmentReason);
        Assert.Equal("// expect: SSA001\nclass C { }\n", blocks[1].Code);
        Assert.Equal(["SSA001"], Example.From(blocks[1]).Expected);
        Assert.Null(blocks[1].FragmentReason);
    }

    private static void EchoesLines(int port)
    {
        using System.Net.Sockets.Socket client = StreamClients.Connect(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        Assert.Equal("hello\n", StreamClients.Echo(client, "hello\n"));
        Assert.Equal("world\n", StreamClients.Echo(client, "world\n"));
    }

    private static IEnumerable<MarkdownCodeBlock> CSharpBlocks() =>
        MarkdownCodeBlock.InDocumentation().Where(b => b.Language is "csharp" or "cs" or "c#");

    /// <summary>The blocks that must compile: every C# block except fragments and generated output.</summary>
    private static IReadOnlyList<Example> Examples() =>
        [.. CSharpBlocks()
            .Where(b => b.FragmentReason is null && !b.Code.StartsWith("// <auto-generated/>", StringComparison.Ordinal))
            .Select(Example.From)];

    /// <summary>One documentation block as a project of its own.</summary>
    internal sealed record Example(MarkdownCodeBlock Block, string Folder, bool IsProgram, string[] Expected)
    {
        /// <summary>A README program that serves: it prints <c>listening on</c> and calls <c>ServeForever</c>.</summary>
        public bool IsRunnableServer =>
            IsProgram && Block.Page == "README.md" && Block.Code.Contains("listening on", StringComparison.Ordinal)
            && Block.Code.Contains("ServeForever", StringComparison.Ordinal);

        /// <summary>The name of the first <c>[SocketServer]</c> type the block declares.</summary>
        public string ServerTypeName =>
            System.Text.RegularExpressions.Regex.Match(Block.Code, @"\[SocketServer\([^\n]*\]\s*(?://[^\n]*\s*)*public (?:sealed )?partial class (\w+)").Groups[1].Value;

        /// <summary>The same program on a free port: 9999 becomes 0, the only change.</summary>
        public Example OnFreePort()
        {
            Assert.Contains("\"localhost\", 9999", Block.Code);
            return this with { Folder = Folder + "_run", Block = Block with { Code = Block.Code.Replace("\"localhost\", 9999", "\"localhost\", 0", StringComparison.Ordinal) } };
        }

        public static Example From(MarkdownCodeBlock block)
        {
            string first = block.Code.Split('\n', 2)[0].Trim();
            string[] expected = first.StartsWith("// expect:", StringComparison.Ordinal)
                ? first["// expect:".Length..].Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)
                : [];
            bool isProgram = CSharpSyntaxTree.ParseText(block.Code).GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any();
            string folder = $"{Path.GetFileNameWithoutExtension(block.Page)}_{string.Concat(Path.GetDirectoryName(block.Page)!.Select(c => char.IsLetterOrDigit(c) ? c : '_'))}_L{block.Line}".Replace("__", "_", StringComparison.Ordinal);
            return new Example(block, folder, isProgram, expected);
        }

        /// <summary>Writes the project: the console template's settings, warnings as errors, the packages the code uses.</summary>
        public void Write(string root, PackageWorkspace workspace)
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, Folder)).FullName;
            var references = new List<string> { $"""<PackageReference Include="SocketServer.Generators" Version="{workspace.Version}" />""" };
            if (Block.Code.Contains("Microsoft.Extensions.", StringComparison.Ordinal) || Block.Code.Contains("SocketServer.Hosting", StringComparison.Ordinal))
            {
                references.Add($"""<PackageReference Include="SocketServer.Hosting" Version="{workspace.Version}" />""");
                references.Add($"""<PackageReference Include="Microsoft.Extensions.Hosting" Version="{PackageWorkspace.CentralVersion("Microsoft.Extensions.Hosting")}" />""");
            }

            if (Block.Code.Contains("SocketServer.Testing", StringComparison.Ordinal))
            {
                references.Add($"""<PackageReference Include="SocketServer.Testing" Version="{workspace.Version}" />""");
            }

            if (Block.Code.Contains("using Xunit;", StringComparison.Ordinal))
            {
                references.Add($"""<PackageReference Include="xunit" Version="{PackageWorkspace.CentralVersion("xunit")}" />""");
            }

            File.WriteAllText(Path.Combine(folder, Folder + ".csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <!-- {Block.Location} -->
                  <PropertyGroup>
                    <OutputType>{(IsProgram ? "Exe" : "Library")}</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <WarningsNotAsErrors>{string.Join(';', Expected)}</WarningsNotAsErrors>
                    <RestorePackagesPath>{workspace.PackagesPath}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    {string.Join("\n    ", references)}
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(folder, "Program.cs"), Block.Code);

            // An expected error (SSA008 shows a declaration the generator cannot compose) is reported as a warning here,
            // so the block's project builds and the test sees it as the warning the block promises.
            if (Expected.Length > 0)
            {
                File.WriteAllText(
                    Path.Combine(folder, ".editorconfig"),
                    "[*.cs]\n" + string.Concat(Expected.Select(id => $"dotnet_diagnostic.{id}.severity = warning\n")));
            }
        }
    }
}
