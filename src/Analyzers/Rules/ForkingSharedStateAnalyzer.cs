using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SocketServer.Analyzers.Rules;

/// <summary>SSA003: a Forking server's handler writes static state or the server's members; the write dies with the child.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ForkingSharedStateAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.ForkingHandlerWritesSharedState];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        RequestCode.Register(context, Report);
    }

    private static void Report(SymbolAnalysisContext context, RequestCode code, CompilationIndex index) =>
        code.ReportSharedWrites(context, index, [ConcurrencyKinds.Forking], Descriptors.ForkingHandlerWritesSharedState, includeGuarded: true);
}
