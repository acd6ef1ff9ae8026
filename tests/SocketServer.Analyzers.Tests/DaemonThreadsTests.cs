using System.Collections.Immutable;
using System.Reflection;
using SocketServer.Analyzers.CodeFixes;
using SocketServer.Analyzers.Rules;
using SocketServer.Analyzers.Tests.Fuzzing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace SocketServer.Analyzers.Tests;

/// <summary>SSA005 (Info): a Threading server that never decides DaemonThreads.</summary>
public class DaemonThreadsTests
{
    private static DiagnosticResult Info(int marker) => new DiagnosticResult("SSA005", DiagnosticSeverity.Info).WithLocation(marker);

    /// <summary>What the fix declares: a settable property with the decision as its initial value.</summary>
    private static string Declared(string value) => $"public bool DaemonThreads {{ get; set; }} = {value};";

    [Fact]
    public Task A_Threading_server_that_never_decides() =>
        Verify.AnalyzerAsync<DaemonThreadsAnalyzer>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class {|#0:S|};
            """,
            Info(0).WithArguments("S"));

    [Fact]
    public Task Not_when_the_class_declares_it_or_code_assigns_it_or_the_server_is_not_Threading() =>
        Verify.AnalyzerAsync<DaemonThreadsAnalyzer>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class Declared { public bool DaemonThreads => true; }

            [SocketServer(Udp, Threading)]
            public partial class SetAtTheCallSite;

            [SocketServer(UnixStream, Threading)]
            public partial class SetLater;

            [SocketServer(Tcp)]
            public partial class Synchronous;

            public static class Program
            {
                public static void Main()
                {
                    using var a = new SetAtTheCallSite(new IPEndPoint(IPAddress.Loopback, 0), () => new Packets(), false) { DaemonThreads = true };
                    using var b = new SetLater("/tmp/s.sock", () => new Lines(), false);
                    b.DaemonThreads = false;
                }
            }

            public sealed class Lines : StreamRequestHandler { }

            public sealed class Packets : DatagramRequestHandler { }
            """);

    [Fact]
    public Task A_pragma_suppresses_it() =>
        Verify.AnalyzerAsync<DaemonThreadsAnalyzer>(
            """
            #pragma warning disable SSA005
            [SocketServer(Tcp, Threading)]
            public partial class S;
            #pragma warning restore SSA005
            """);

    [Theory]
    [InlineData(DeclareDaemonThreadsCodeFixProvider.WaitKey, "false")]
    [InlineData(DeclareDaemonThreadsCodeFixProvider.DoNotWaitKey, "true")]
    public Task The_fix_declares_the_decision_and_fixes_all(string key, string value) =>
        Verify.CodeFixAsync<DaemonThreadsAnalyzer, DeclareDaemonThreadsCodeFixProvider>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class {|#0:First|};

            [SocketServer(Udp, Threading)]
            public partial class {|#1:Second|}
            {
                public int Requests { get; set; }
            }
            """,
            $$"""
            [SocketServer(Tcp, Threading)]
            public partial class First
            {
                {{Declared(value)}}
            }

            [SocketServer(Udp, Threading)]
            public partial class Second
            {
                public int Requests { get; set; }

                {{Declared(value)}}
            }
            """,
            key,
            Info(0).WithArguments("First"),
            Info(1).WithArguments("Second"));

    /// <summary>The typo that makes a null mix-in list: the generator composes nothing, SSA005 and its fix still work.</summary>
    [Fact]
    public Task The_fix_works_on_a_declaration_the_generator_refuses() =>
        Verify.CodeFixAsync<DaemonThreadsAnalyzer, DeclareDaemonThreadsCodeFixProvider>(
            """
            [SocketServer(UnixStream, Threading {|CS1003:null|} {|CS1026:]|}
            public partial class {|#0:S|};
            """,
            """
            [SocketServer(UnixStream, Threading {|CS1003:null|} {|CS1026:]|}
            public partial class S
            {
                public bool DaemonThreads { get; set; } = false;
            }
            """,
            DeclareDaemonThreadsCodeFixProvider.WaitKey,
            Info(0).WithArguments("S"));

    /// <summary>
    /// The fix's declaration raises no CA1822 ("can be marked static") with the rule on, as the expression body
    /// '=> true' it used to write does (the control row: the check sees CA1822 where it is).
    /// </summary>
    [Theory]
    [InlineData("true", false)]
    [InlineData("false", false)]
    [InlineData(null, true)]
    public async Task What_the_fix_declares_raises_no_CA1822(string? value, bool raises)
    {
        string member = value is null ? "public bool DaemonThreads => true;" : Declared(value);
        Compilation compilation = CompilerPlugins.Compose(Verify.Usings + $$"""
            [SocketServer(Tcp, Threading)]
            public partial class S
            {
                {{member}}
            }
            """);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([new("CA1822", ReportDiagnostic.Warn)]));
        ImmutableArray<Diagnostic> found = await compilation.WithAnalyzers(NetAnalyzers("CA1822")).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(raises, found.Any(d => d.Id == "CA1822" && d.Location.SourceTree == compilation.SyntaxTrees.First()));
    }

    /// <summary>The analyzers of the Microsoft.CodeAnalysis.NetAnalyzers package that report <paramref name="id"/>.</summary>
    private static ImmutableArray<DiagnosticAnalyzer> NetAnalyzers(string id)
    {
        string package = typeof(DaemonThreadsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NetAnalyzers").Value!;
        string folder = Path.Combine(package, "analyzers", "dotnet", "cs");
        var loader = new LoadFromLoader();
        ImmutableArray<DiagnosticAnalyzer> analyzers =
        [
            .. Directory.GetFiles(folder, "*.dll")
                .SelectMany(path => new AnalyzerFileReference(path, loader).GetAnalyzers(LanguageNames.CSharp))
                .Where(a => a.SupportedDiagnostics.Any(d => d.Id == id)),
        ];
        Assert.NotEmpty(analyzers);
        return analyzers;
    }

    private sealed class LoadFromLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
