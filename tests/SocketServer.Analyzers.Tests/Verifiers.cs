using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using SocketServer.Generators;

namespace SocketServer.Analyzers.Tests;

/// <summary>
/// Runs an analyzer (and a code fix) on test code compiled against .NET 10 and the runtime, with the generator
/// running too, as in a real project. Compiler errors in the test code fail the test unless expected.
/// </summary>
public static class Verify
{
    public const string Usings = """
        using System;
        using System.Net;
        using System.Threading;
        using System.Threading.Tasks;
        using SocketServer;
        using static SocketServer.Concurrency;
        using static SocketServer.Transport;

        """;

    /// <summary>.NET 10 and the runtime: what a project using SocketServer compiles against.</summary>
    public static readonly ImmutableArray<MetadataReference> References =
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(BaseServer).Assembly.Location)];

    public static DiagnosticResult Diagnostic(string id) => new(id, DiagnosticSeverity.Warning);

    public static Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new() =>
        WholeFileAnalyzerAsync<TAnalyzer>(Usings + source, expected);

    /// <summary>The analyzer on <paramref name="file"/> as written, without <see cref="Usings"/> in front.</summary>
    public static Task WholeFileAnalyzerAsync<TAnalyzer>(string file, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new GeneratorAwareAnalyzerTest<TAnalyzer> { TestCode = file };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource, string? equivalenceKey = null, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new() =>
        WholeFileCodeFixAsync<TAnalyzer, TCodeFix>(Usings + source, Usings + fixedSource, equivalenceKey, expected);

    /// <summary>
    /// The code fix on <paramref name="file"/> as written; the testing library also applies it with Fix All (document,
    /// project, solution), which must give <paramref name="fixedFile"/> too.
    /// </summary>
    public static Task WholeFileCodeFixAsync<TAnalyzer, TCodeFix>(string file, string fixedFile, string? equivalenceKey = null, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new GeneratorAwareCodeFixTest<TAnalyzer, TCodeFix>
        {
            TestCode = file,
            FixedCode = fixedFile,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private sealed class GeneratorAwareAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public GeneratorAwareAnalyzerTest() => Configure(TestState, this);

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(SocketServerGenerator)];
    }

    private sealed class GeneratorAwareCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        public GeneratorAwareCodeFixTest()
        {
            Configure(TestState, this);
            FixedState.AdditionalReferences.AddRange(References);
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(SocketServerGenerator)];
    }

    private static void Configure(SolutionState state, Microsoft.CodeAnalysis.Testing.AnalyzerTest<DefaultVerifier> test)
    {
        // The mirror lacks the package ReferenceAssemblies.Net.Net100 asks for: bring .NET 10 ourselves.
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        state.AdditionalReferences.AddRange(References);
        test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
    }
}
