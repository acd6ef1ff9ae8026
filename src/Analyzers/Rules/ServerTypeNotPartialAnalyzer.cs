using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Rules;

/// <summary>SSA002: a <c>[SocketServer]</c> class, or a type around it, that is not <c>partial</c>.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ServerTypeNotPartialAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.ServerTypeNotPartial];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.TryCreate(start.Compilation) is { SocketServerAttribute: not null } known)
            {
                start.RegisterSymbolAction(symbol => Analyze(symbol, known), SymbolKind.NamedType);
            }
        });
    }

    /// <summary>
    /// Reports each type from its own analysis (so the diagnostic is local and its fix is offered): a server that is
    /// not partial, and a type that is not partial but contains a server. The problems and their words are
    /// <see cref="CompositionCheck"/>'s, which the generator refuses by.
    /// </summary>
    private static void Analyze(SymbolAnalysisContext context, KnownTypes known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        INamedTypeSymbol? server = ServerComposition.Attribute(type, known) is not null ? type : ContainedServer(type, known);
        if (server is null || ServerComposition.Attribute(server, known) is not { } attribute)
        {
            return;
        }

        foreach (CompositionProblem problem in CompositionCheck.Check(server, attribute, context.Compilation, known, collisions: false, context.CancellationToken).Problems)
        {
            if (problem.DiagnosticId == Descriptors.ServerTypeNotPartial.Id && SymbolEqualityComparer.Default.Equals(problem.DeclaringType, type))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ServerTypeNotPartial, problem.Locate(null, server), [.. problem.Arguments]));
            }
        }
    }

    private static INamedTypeSymbol? ContainedServer(INamedTypeSymbol type, KnownTypes known)
    {
        foreach (INamedTypeSymbol nested in type.GetTypeMembers())
        {
            if (ServerComposition.Attribute(nested, known) is not null)
            {
                return nested;
            }

            if (ContainedServer(nested, known) is { } deeper)
            {
                return deeper;
            }
        }

        return null;
    }
}
