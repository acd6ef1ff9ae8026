using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

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
    /// not partial, and a type that is not partial but contains a server.
    /// </summary>
    private static void Analyze(SymbolAnalysisContext context, KnownTypes known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        INamedTypeSymbol? server = ServerComposition.Attribute(type, known) is not null ? type : ContainedServer(type, known);
        if (server is null)
        {
            return;
        }

        string where = SymbolEqualityComparer.Default.Equals(server, type) ? string.Empty : $" (declared inside '{type.Name}')";

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax declaration
                && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ServerTypeNotPartial, declaration.Identifier.GetLocation(), type.Name, server.Name, where));
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
