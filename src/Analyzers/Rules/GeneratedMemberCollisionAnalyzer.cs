using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Generators.Model;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA008: a declaration in a <c>[SocketServer]</c> class that collides with what the generator writes (see
/// <see cref="GeneratedMembers.Find"/>, which the generator uses too): a constructor with a generated constructor's
/// parameter types, a primary constructor, a step the generated part overrides, a setting the generated code reads
/// declared with a type or kind it cannot read. The generator leaves the colliding member out (or, for a primary
/// constructor, composes nothing), so this error at the user's declaration is the one that explains it. A declaration
/// <see cref="CompositionCheck"/> refuses for another reason gets nothing generated, so nothing collides there.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratedMemberCollisionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property that names the <see cref="CollisionKind"/>, for the code fix.</summary>
    public const string KindProperty = "Kind";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.GeneratedMemberCollision];

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

        // A declaration refused for another reason (SSA002, SSA007, the compiler's errors) gets no generated member to collide with.
        // (The check gives a composition only when the sole problems are collisions.)
        if (CompositionCheck.Check(server, attribute, context.Compilation, known, collisions: true, context.CancellationToken).Composition is not { } composition)
        {
            return;
        }

        foreach (Collision collision in composition.Collisions)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.GeneratedMemberCollision,
                collision.Location,
                ImmutableDictionary<string, string?>.Empty.Add(KindProperty, collision.Kind.ToString()),
                collision.UserMember,
                collision.Generated,
                collision.Advice));
        }
    }
}
