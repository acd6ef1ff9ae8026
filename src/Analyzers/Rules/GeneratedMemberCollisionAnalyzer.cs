using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Generators.Model;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA008: a declaration in a <c>[SocketServer]</c> class that collides with what the generator writes (see
/// <see cref="GeneratedMembers.Find"/>, which the generator uses too): a constructor with a generated constructor's
/// parameter types, a primary constructor, a step the generated part overrides, a setting the generated code reads
/// declared with a type or kind it cannot read. The generator leaves the colliding member out (or, for a primary
/// constructor, composes nothing), so this error at the user's declaration is the one that explains it.
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
        if (server.TypeKind != TypeKind.Class || server.IsStatic || server.IsRecord
            || ServerComposition.Attribute(server, known) is not { } attribute
            || ServerComposition.FromAttribute(server, known) is not { } composition)
        {
            return;
        }

        ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
        IEnumerable<INamedTypeSymbol> userMixIns = arguments.Length == 3 && arguments[2] is { Kind: TypedConstantKind.Array, IsNull: false } list
            ? list.Values.Select(v => v.Value).OfType<INamedTypeSymbol>()
            : [];
        MixInChain chain = MixInChain.Create(userMixIns, MixInChain.Concurrency(context.Compilation, (int)composition.Concurrency)?.MixIn);
        ImmutableArray<Collision> collisions = GeneratedMembers.Find(
            server,
            context.Compilation,
            unix: composition.Transport is Transport.UnixStream or Transport.UnixDatagram,
            chain,
            hasHandler: ServerComposition.HandlerOf(attribute) is not null,
            context.CancellationToken);
        foreach (Collision collision in collisions)
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
