using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA005 (Info): a <c>[SocketServer(..., Threading)]</c> type that never decides <c>DaemonThreads</c>: it declares no
/// such member in its partial class and no code in the compilation assigns it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DaemonThreadsAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.DaemonThreadsUndecided];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.TryCreate(start.Compilation) is not { SocketServerAttribute: not null } known)
            {
                return;
            }

            System.Lazy<CompilationIndex> index = CompilationIndex.Lazily(start.Compilation, known);
            start.RegisterSymbolAction(
                symbol =>
                {
                    var type = (INamedTypeSymbol)symbol.Symbol;
                    if (ServerComposition.FromAttribute(type, known) is { Concurrency.Name: ConcurrencyKinds.Threading }
                        && !type.GetMembers("DaemonThreads").Any(IsDeclaredByUser)
                        && !index.Value.AssignsDaemonThreads(type))
                    {
                        symbol.ReportDiagnostic(Diagnostic.Create(Descriptors.DaemonThreadsUndecided, type.Locations.First(), type.Name));
                    }
                },
                SymbolKind.NamedType);
        });
    }

    /// <summary>The generator marks its members [GeneratedCode]; a setting without it is the user's decision.</summary>
    private static bool IsDeclaredByUser(ISymbol member) =>
        !member.GetAttributes().Any(a => a.AttributeClass?.Name == "GeneratedCodeAttribute");
}
