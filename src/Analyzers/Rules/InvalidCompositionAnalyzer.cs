using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA007: a <c>[SocketServer]</c> declaration the generator cannot compose: out-of-range arguments, a class that
/// cannot be a server (static, a record, file-local or in a file-local type), a second concurrency mix-in (a composed
/// base class, or a concurrency helper listed as a mix-in), a null mix-in list or entry, a mix-in listed twice or
/// that is not a creatable <c>ServerMixIn</c> (an array type is not one), a null handler, a handler that is not a
/// creatable request handler. The problems and their words are <see cref="CompositionCheck"/>'s, which the generator
/// refuses by.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InvalidCompositionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.InvalidComposition];

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

    private static void Analyze(SymbolAnalysisContext context, KnownTypes known)
    {
        var server = (INamedTypeSymbol)context.Symbol;
        if (ServerComposition.Attribute(server, known) is not { } attribute)
        {
            return;
        }

        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
        foreach (CompositionProblem problem in CompositionCheck.Check(server, attribute, context.Compilation, known, collisions: false, context.CancellationToken).Problems)
        {
            if (problem.DiagnosticId == Descriptors.InvalidComposition.Id)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.InvalidComposition, problem.Locate(syntax, server), [.. problem.Arguments]));
            }
        }
    }
}
