using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers;

/// <summary>A server that creates a handler type, and how it runs its requests.</summary>
internal readonly struct HandlerUse
{
    public HandlerUse(string serverName, ServerComposition composition)
    {
        ServerName = serverName;
        Composition = composition;
    }

    public string ServerName { get; }

    public ServerComposition Composition { get; }
}

/// <summary>
/// The facts about a whole compilation that rules about one type need, built once per compilation on first use:
/// which servers create which handler types (from <c>Handler = typeof(H)</c>, and from factories
/// <c>() =&gt; new H()</c> passed to a server's constructor), and which types get <c>DaemonThreads</c> assigned.
/// Knowing these up front lets each rule report from the analysis of the type itself, so diagnostics are local
/// and their code fixes are offered in the editor.
/// </summary>
internal sealed class CompilationIndex
{
    private readonly Dictionary<INamedTypeSymbol, List<HandlerUse>> _uses = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ITypeSymbol> _daemonThreadsAssigned = new(SymbolEqualityComparer.Default);

    private CompilationIndex()
    {
    }

    /// <summary>The servers whose handlers are <paramref name="type"/> or derive from it.</summary>
    public ImmutableArray<HandlerUse> UsesOf(INamedTypeSymbol type) =>
        _uses.Where(pair => KnownTypes.DerivesFrom(pair.Key, type.OriginalDefinition))
            .SelectMany(pair => pair.Value)
            .OrderBy(use => use.ServerName, System.StringComparer.Ordinal)
            .ToImmutableArray();

    /// <summary>Whether any code assigns <c>DaemonThreads</c> on <paramref name="server"/> or a type derived from it.</summary>
    public bool AssignsDaemonThreads(INamedTypeSymbol server) => _daemonThreadsAssigned.Any(owner => KnownTypes.DerivesFrom(owner, server));

    /// <summary>An index built on first use, once, whichever rule asks first.</summary>
    public static System.Lazy<CompilationIndex> Lazily(Compilation compilation, KnownTypes known) =>
        new(() => Build(compilation, known, CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);

    [SuppressMessage(
        "MicrosoftCodeAnalysisPerformance",
        "RS1030:Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer",
        Justification = "Built once per compilation and only for the few trees a syntactic pre-filter selects (server constructions with a handler factory, DaemonThreads assignments); without it every rule about a handler would be a compilation-end diagnostic without code fixes in the editor.")]
    public static CompilationIndex Build(Compilation compilation, KnownTypes known, CancellationToken cancellationToken)
    {
        var index = new CompilationIndex();
        foreach (INamedTypeSymbol type in SourceTypes(compilation.Assembly.GlobalNamespace))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ServerComposition.Attribute(type, known) is { } attribute
                && ServerComposition.FromAttribute(type, known) is { } composition
                && ServerComposition.HandlerOf(attribute) is { } handler
                && known.IsHandler(handler))
            {
                index.AddUse(handler, new HandlerUse(type.Name, composition));
            }
        }

        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SyntaxNode root = tree.GetRoot(cancellationToken);
            List<SyntaxNode> candidates = root.DescendantNodes().Where(IsCandidate).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (model.GetOperation(node, cancellationToken))
                {
                    case IObjectCreationOperation creation when known.IsServer(creation.Type) && ServerComposition.Of(creation.Type, known) is { } composition:
                        foreach (IArgumentOperation argument in creation.Arguments)
                        {
                            if (Rules.HandlerFactories.CreatedHandler(argument.Value)?.Type is INamedTypeSymbol handler && known.IsHandler(handler))
                            {
                                index.AddUse(handler, new HandlerUse(creation.Type!.Name, composition));
                            }
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property }:
                        if ((property.Instance?.Type ?? property.Property.ContainingType) is { } owner)
                        {
                            index._daemonThreadsAssigned.Add(owner.OriginalDefinition);
                        }

                        break;
                }
            }
        }

        return index;
    }

    /// <summary>Server constructions with a lambda argument that creates something, and assignments to <c>DaemonThreads</c>.</summary>
    private static bool IsCandidate(SyntaxNode node) => node switch
    {
        BaseObjectCreationExpressionSyntax { ArgumentList: { } arguments } =>
            arguments.Arguments.Any(a => a.Expression is LambdaExpressionSyntax { ExpressionBody: BaseObjectCreationExpressionSyntax } or LambdaExpressionSyntax { Block: not null }),
        AssignmentExpressionSyntax { Left: var left } => left switch
        {
            IdentifierNameSyntax name => name.Identifier.ValueText == "DaemonThreads",
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == "DaemonThreads",
            _ => false,
        },
        _ => false,
    };

    private static IEnumerable<INamedTypeSymbol> SourceTypes(INamespaceSymbol scope)
    {
        foreach (INamespaceOrTypeSymbol member in scope.GetMembers())
        {
            if (member is INamespaceSymbol nested)
            {
                foreach (INamedTypeSymbol type in SourceTypes(nested))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type && type.DeclaringSyntaxReferences.Length > 0)
            {
                yield return type;
                foreach (INamedTypeSymbol inner in type.GetTypeMembers().SelectMany(Nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Nested(INamedTypeSymbol type) =>
        new[] { type }.Concat(type.GetTypeMembers().SelectMany(Nested));

    private void AddUse(INamedTypeSymbol handler, HandlerUse use)
    {
        var key = (INamedTypeSymbol)handler.OriginalDefinition;
        if (!_uses.TryGetValue(key, out List<HandlerUse>? uses))
        {
            _uses[key] = uses = [];
        }

        if (!uses.Any(u => u.ServerName == use.ServerName && u.Composition.Concurrency.Name == use.Composition.Concurrency.Name))
        {
            uses.Add(use);
        }
    }
}
