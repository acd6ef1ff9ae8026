using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA006: a Threading or Async server's handler (whose requests run concurrently) writes static state or the server's members outside <c>lock</c> or a
/// <c>System.Threading.Lock</c> scope. (<c>Interlocked</c> takes the field by <c>ref</c>, so it is not a write here.)
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThreadingSharedStateAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.ThreadingHandlerWritesSharedStateUnlocked];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        RequestCode.Register(context, Report);
    }

    private static void Report(SymbolAnalysisContext context, RequestCode code, CompilationIndex index) =>
        code.ReportSharedWrites(context, index, [ConcurrencyKinds.Threading, ConcurrencyKinds.Async], Descriptors.ThreadingHandlerWritesSharedStateUnlocked, includeGuarded: false);
}
