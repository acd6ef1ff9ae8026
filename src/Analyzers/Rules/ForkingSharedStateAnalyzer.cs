using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
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

    private static void Report(SymbolAnalysisContext context, RequestCode code, CompilationIndex index)
    {
        if (!code.Known.IsHandler(code.Type)
            || index.UsesOf(code.Type).Where(u => u.Composition.Concurrency == Concurrency.Forking).Select(u => u.ServerName).FirstOrDefault() is not { } server)
        {
            return;
        }

        var reported = new HashSet<Location>();
        foreach (SharedWrite write in code.WritesIn(code.Reachable(["Setup", "Handle", "Finish"])))
        {
            if (reported.Add(write.Location))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ForkingHandlerWritesSharedState, write.Location, write.Method.Name, write.Member, server));
            }
        }
    }
}
