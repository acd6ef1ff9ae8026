using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Generators.Model;

namespace SocketServer.Generators.Validation;

/// <summary>
/// The one validator of a <c>[SocketServer]</c> declaration. The generator composes a declaration only when it finds no
/// problem (<see cref="Compose"/>, which stops at the first); the analyzers report every problem it finds
/// (<see cref="Check"/>) in the words it gives them, so what is refused and what the user reads come from here. This file
/// is compiled into the generator and into the analyzers.
/// </summary>
internal sealed class CompositionCheck
{
    private readonly INamedTypeSymbol _server;
    private readonly AttributeData _attribute;
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly bool _all;
    private readonly bool _collisions;
    private readonly RuntimeSymbols _runtime;
    private List<CompositionProblem>? _problems;

    private CompositionCheck(INamedTypeSymbol server, AttributeData attribute, Compilation compilation, RuntimeSymbols runtime, bool all, bool collisions, CancellationToken cancellationToken)
    {
        _collisions = collisions;
        _server = server;
        _attribute = attribute;
        _compilation = compilation;
        _runtime = runtime;
        _all = all;
        _cancellationToken = cancellationToken;
    }

    /// <summary>For the generator: what it composes, or <see langword="null"/> and the first problem (<paramref name="refusal"/>).</summary>
    public static Composition? Compose(INamedTypeSymbol server, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken, out CompositionProblem? refusal)
    {
        var check = new CompositionCheck(server, attribute, compilation, new RuntimeSymbols(compilation), all: false, collisions: true, cancellationToken);
        Composition? composition = check.Run();
        refusal = check._problems?[0];
        return refusal is null ? composition : null;
    }

    /// <summary>
    /// For the analyzers: every problem, and what the generator composes when the only problems are collisions (SSA008's,
    /// whose <see cref="Composition.Collisions"/> it reports), else <see langword="null"/>. Without
    /// <paramref name="collisions"/> the user's members are not compared with the generated ones (the slowest part, which
    /// only SSA008 needs): no <see cref="Refusal.PrimaryConstructor"/>, and no collisions in the composition.
    /// </summary>
    public static (ImmutableArray<CompositionProblem> Problems, Composition? Composition) Check(
        INamedTypeSymbol server, AttributeData attribute, Compilation compilation, RuntimeSymbols runtime, bool collisions, CancellationToken cancellationToken)
    {
        var check = new CompositionCheck(server, attribute, compilation, runtime, all: true, collisions, cancellationToken);
        Composition? composition = check.Run();
        return (check._problems?.ToImmutableArray() ?? ImmutableArray<CompositionProblem>.Empty, composition);
    }

    /// <summary>Records <paramref name="problem"/>; true when the check stops here (the generator needs only the first).</summary>
    private bool Refuse(CompositionProblem problem)
    {
        (_problems ??= []).Add(problem);
        return !_all;
    }

    private Composition? Run()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_server.TypeKind != TypeKind.Class || _server.DeclaringSyntaxReferences.Length == 0)
        {
            // The attribute is only valid on a class (CS0592).
            Refuse(CompositionProblem.Compilers(Refusal.NotComposableClass));
            return null;
        }

        if (CheckClass() || CheckPartial())
        {
            return null;
        }

        if (AttributeCount() != 1 && Refuse(CompositionProblem.Compilers(Refusal.AttributeRepeated)))
        {
            return null;
        }

        ImmutableArray<TypedConstant> arguments = _attribute.ConstructorArguments;
        if (!Readable(arguments) && Refuse(CompositionProblem.Compilers(Refusal.UnreadableArguments)))
        {
            return null;
        }

        TransportKind? transport = null;
        ConcurrencyMember? concurrency = null;
        if (arguments.Length >= 2 && ServerComposition.IntArgument(arguments[0]) is int transportValue)
        {
            if (Transports.IsDefined(transportValue))
            {
                transport = (TransportKind)transportValue;
            }
            else if (Refuse(CompositionProblem.Invalid(Refusal.UnknownTransport, _server, $"{transportValue} is not a Transport: name one of {Names(Transports.All.Select(t => t.ToString()))}", ProblemSite.PositionalArgument, 0)))
            {
                return null;
            }
        }

        if (arguments.Length >= 2 && ServerComposition.IntArgument(arguments[1]) is int concurrencyValue)
        {
            concurrency = _runtime.Concurrency(concurrencyValue);
            if (concurrency is null
                && Refuse(CompositionProblem.Invalid(Refusal.UnknownConcurrency, _server, $"{concurrencyValue} is not a Concurrency: name one of {Names(_runtime.Concurrencies.Select(m => m.Name))}", ProblemSite.PositionalArgument, 1)))
            {
                return null;
            }
        }

        ImmutableArray<TypedConstant> mixInArguments = ImmutableArray<TypedConstant>.Empty;
        if (arguments.Length == 3 && arguments[2].Kind == TypedConstantKind.Array)
        {
            // A null list ('null', '(Type[])null', or a typo the parser reads so) has no Values.
            if (!arguments[2].IsNull)
            {
                mixInArguments = arguments[2].Values;
            }
            else if (Refuse(CompositionProblem.Invalid(Refusal.NullMixInList, _server, NullListText(), ProblemSite.PositionalArgument, 2)))
            {
                return null;
            }
        }

        if (transport is { } declaredTransport && BaseProblem(declaredTransport) is { } baseProblem && Refuse(baseProblem))
        {
            return null;
        }

        INamedTypeSymbol? handler = null;
        if (CheckNamedArguments(transport, ref handler))
        {
            return null;
        }

        List<INamedTypeSymbol>? mixIns = ReadMixIns(mixInArguments, transport);
        if (mixIns is null || _problems is not null || transport is null || concurrency is null)
        {
            return null;
        }

        MixInChain chain = MixInChain.Create(mixIns, concurrency.MixIn);
        ImmutableArray<Collision> collisions = _collisions
            ? GeneratedMembers.Find(_server, _compilation, Transports.IsUnix(transport.Value), chain, handler is not null, _cancellationToken)
            : ImmutableArray<Collision>.Empty;
        foreach (Collision collision in collisions)
        {
            // The generated constructors cannot call a primary constructor: nothing is composed.
            if (collision.Kind == CollisionKind.PrimaryConstructor)
            {
                Refuse(CompositionProblem.Collides(Refusal.PrimaryConstructor, collision));
            }
        }

        return new Composition(transport.Value, concurrency, handler, chain, collisions);
    }

    /// <summary>A class the generator can add a part to: not static, not a record, neither it nor a type around it file-local.</summary>
    private bool CheckClass()
    {
        string name = _server.Name;
        if (_server.IsStatic)
        {
            if (Refuse(CompositionProblem.Invalid(Refusal.NotComposableClass, _server, $"a static class cannot be a server, which is an object the program creates: remove 'static' (write 'public partial class {name}')")))
            {
                return true;
            }
        }
        else if (_server.IsRecord
            && Refuse(CompositionProblem.Invalid(Refusal.NotComposableClass, _server, $"a record cannot derive from a server class: declare a class ('public partial class {name}') and keep any data in its properties")))
        {
            return true;
        }

        if (_server.IsFileLocal)
        {
            return Refuse(CompositionProblem.Invalid(Refusal.NotComposableClass, _server, "a file-local class cannot be a server: the generator adds the rest of the class in a file of its own; replace 'file' with 'internal'"));
        }

        for (INamedTypeSymbol? outer = _server.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsFileLocal)
            {
                return Refuse(CompositionProblem.Invalid(Refusal.NotComposableClass, _server, $"it is declared in file-local '{outer.Name}', and the generator adds the rest of the class in a file of its own; replace 'file' on '{outer.Name}' with 'internal', or move the server out of it"));
            }
        }

        return false;
    }

    /// <summary>Every declaration of the class, and of the types around it, is partial: the generated part is one more.</summary>
    private bool CheckPartial()
    {
        for (INamedTypeSymbol? current = _server; current is not null; current = current.ContainingType)
        {
            foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(_cancellationToken) is not TypeDeclarationSyntax declaration)
                {
                    if (Refuse(CompositionProblem.Compilers(Refusal.NotPartial)))
                    {
                        return true;
                    }
                }
                else if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword)
                    && Refuse(CompositionProblem.NotPartial(current, _server, declaration.Identifier.GetLocation())))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The attribute on several partial parts is an error (CS0579); composing it twice would be another.</summary>
    private int AttributeCount()
    {
        int count = 0;
        foreach (AttributeData attribute in _server.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _attribute.AttributeClass))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The arguments bind to the runtime attribute's constructor: two enum values and perhaps a mix-in list.</summary>
    private bool Readable(ImmutableArray<TypedConstant> arguments)
    {
        if (_attribute.AttributeConstructor is null || arguments.Length is < 2 or > 3
            || ServerComposition.IntArgument(arguments[0]) is null || ServerComposition.IntArgument(arguments[1]) is null
            || (arguments.Length == 3 && arguments[2].Kind != TypedConstantKind.Array))
        {
            return false;
        }

        foreach (TypedConstant argument in arguments)
        {
            if (argument.Kind == TypedConstantKind.Error)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The user may name the transport's server class as the base class; any other base class does not fit.</summary>
    private CompositionProblem? BaseProblem(TransportKind transport)
    {
        INamedTypeSymbol? expected = _runtime.TransportBases[(int)transport];
        if (_server.BaseType is not { } declared || declared.SpecialType == SpecialType.System_Object)
        {
            return expected is null ? CompositionProblem.Compilers(Refusal.UnexpectedBase) : null;
        }

        if (SymbolEqualityComparer.Default.Equals(declared, expected))
        {
            return null;
        }

        if (expected is null || declared.TypeKind == TypeKind.Error)
        {
            return CompositionProblem.Compilers(Refusal.UnexpectedBase);
        }

        ServerComposition? composed = _runtime.IsServer(declared) ? ServerComposition.Of(declared, _runtime) : null;
        if (composed is { Concurrency.MixIn: not null } withMixIn)
        {
            return CompositionProblem.Invalid(Refusal.UnexpectedBase, _server, $"its base class '{declared.Name}' already composes the {withMixIn.Concurrency.Name} mix-in, and a server has one concurrency mix-in: remove ': {declared.Name}' and choose the concurrency in the attribute, e.g. [SocketServer({transport}, {withMixIn.Concurrency.Name})]");
        }

        string otherTransport = composed is { } other && other.Transport != transport
            ? $"; for a {other.TransportName} server, name {other.Transport} in the attribute instead"
            : string.Empty;
        return CompositionProblem.Invalid(Refusal.UnexpectedBase, _server, $"its base class '{declared.Name}' is not '{expected.Name}', the server class of that transport: remove ': {declared.Name}' (the generator derives the class from '{expected.Name}' itself){otherTransport}");
    }

    /// <summary>The named arguments: only <c>Handler</c>, naming a request handler the server can create. True when the check stops.</summary>
    private bool CheckNamedArguments(TransportKind? transport, ref INamedTypeSymbol? handler)
    {
        // A named argument that does not bind (a typo while typing) is missing from NamedArguments; the compiler says so.
        AttributeSyntax? syntax = Syntax();
        int written = 0;
        foreach (AttributeArgumentSyntax argument in syntax?.ArgumentList?.Arguments ?? default)
        {
            written += argument.NameEquals is null ? 0 : 1;
        }

        if ((syntax is null || written != _attribute.NamedArguments.Length) && Refuse(CompositionProblem.Compilers(Refusal.UnknownNamedArgument)))
        {
            return true;
        }

        foreach (KeyValuePair<string, TypedConstant> named in _attribute.NamedArguments)
        {
            if (named.Key != "Handler")
            {
                if (Refuse(CompositionProblem.Compilers(Refusal.UnknownNamedArgument)))
                {
                    return true;
                }
            }
            else if (HandlerProblem(named.Value, transport) is { } problem)
            {
                if (Refuse(problem))
                {
                    return true;
                }
            }
            else
            {
                handler = (INamedTypeSymbol)named.Value.Value!;
            }
        }

        return false;
    }

    private CompositionProblem? HandlerProblem(TypedConstant value, TransportKind? transport)
    {
        string handlerBases = Transports.HandlerBases(transport);
        CompositionProblem Invalid(string text) => CompositionProblem.Invalid(Refusal.HandlerNotCreatable, _server, text, ProblemSite.NamedArgument, name: "Handler");
        if (value.Kind != TypedConstantKind.Type)
        {
            return CompositionProblem.Compilers(Refusal.HandlerNotCreatable);
        }

        if (value.IsNull)
        {
            return Invalid($"the handler is null: name one with 'Handler = typeof(MyHandler)', or drop 'Handler =' and pass a factory to the constructor: 'new {_server.Name}(address, () => new MyHandler())'");
        }

        if (value.Value is not INamedTypeSymbol handler)
        {
            return value.Value is ITypeSymbol ? Invalid($"'{Display(value)}' is not a request handler: name a class derived from {handlerBases}") : CompositionProblem.Compilers(Refusal.HandlerNotCreatable);
        }

        return Creatability.Check(handler, _runtime.BaseRequestHandler, "a request handler", _server, _compilation) switch
        {
            null => null,
            (Uncreatable.Compilers, _) => CompositionProblem.Compilers(Refusal.HandlerNotCreatable),
            (Uncreatable.NotDerived, string text) => Invalid($"{text}: name a class derived from {handlerBases}"),
            (Uncreatable.NoConstructor, string text) => Invalid($"{text}: drop 'Handler =' and pass a factory to the constructor: 'new {_server.Name}(address, () => new {handler.Name}(...))'"),
            (_, string text) => Invalid(text),
        };
    }

    /// <summary>
    /// The user mix-ins: creatable <c>ServerMixIn</c> classes, each listed once, none of them a concurrency's mix-in (the
    /// concurrency argument places that one); <see langword="null"/> when the check stops.
    /// </summary>
    private List<INamedTypeSymbol>? ReadMixIns(ImmutableArray<TypedConstant> arguments, TransportKind? transport)
    {
        var mixIns = new List<INamedTypeSymbol>(arguments.Length);
        HashSet<ITypeSymbol>? seen = arguments.Length > 1 ? new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) : null;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (MixInProblem(arguments[i], 2 + i, transport, seen) is { } problem)
            {
                if (Refuse(problem))
                {
                    return null;
                }
            }
            else
            {
                mixIns.Add((INamedTypeSymbol)arguments[i].Value!);
            }
        }

        return mixIns;
    }

    private CompositionProblem? MixInProblem(TypedConstant entry, int position, TransportKind? transport, HashSet<ITypeSymbol>? seen)
    {
        CompositionProblem Invalid(Refusal reason, string text) => CompositionProblem.Invalid(reason, _server, text, ProblemSite.PositionalArgument, position);
        if (entry.Kind != TypedConstantKind.Type)
        {
            return CompositionProblem.Compilers(Refusal.MixInNotCreatable);
        }

        if (entry.IsNull)
        {
            return Invalid(Refusal.MixInNotCreatable, "a mix-in entry is null: name a mix-in with typeof(MyMixIn), or remove the entry");
        }

        if (entry.Value is not INamedTypeSymbol mixIn)
        {
            return entry.Value is ITypeSymbol
                ? Invalid(Refusal.MixInNotCreatable, $"'{Display(entry)}' is not a ServerMixIn: name a class derived from ServerMixIn, or remove the entry")
                : CompositionProblem.Compilers(Refusal.MixInNotCreatable);
        }

        if (mixIn.TypeKind == TypeKind.Error)
        {
            return CompositionProblem.Compilers(Refusal.MixInNotCreatable);
        }

        if (seen is not null && !seen.Add(mixIn))
        {
            return Invalid(Refusal.MixInRepeated, $"the mix-in '{mixIn.Name}' is listed twice: remove the second 'typeof({mixIn.Name})'");
        }

        if (_runtime.ConcurrencyOf(mixIn) is { } member)
        {
            return Invalid(Refusal.ConcurrencyMixInListed, $"'{mixIn.Name}' is a concurrency mix-in, not a user mix-in: remove 'typeof({mixIn.Name})' and put {member.Name} in the concurrency position: [SocketServer({transport ?? TransportKind.Tcp}, {member.Name})]");
        }

        return Creatability.Check(mixIn, _runtime.ServerMixIn, "a ServerMixIn", _server, _compilation) switch
        {
            null => null,
            (Uncreatable.Compilers, _) => CompositionProblem.Compilers(Refusal.MixInNotCreatable),
            (Uncreatable.NotDerived, string text) => Invalid(Refusal.MixInNotCreatable, $"{text}: name a class derived from ServerMixIn, or remove the entry"),
            (Uncreatable.NoConstructor, string text) => Invalid(Refusal.MixInNotCreatable, $"{text}: give it a public parameterless constructor (a mix-in reads its settings from the server, not from constructor arguments)"),
            (_, string text) => Invalid(Refusal.MixInNotCreatable, text),
        };
    }

    private AttributeSyntax? Syntax() => _attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;

    private string NullListText() =>
        AttributeArguments.CommaMissingBefore(Syntax(), 2)
            ? "the mix-in list is null: a comma is missing before 'null', so 'null' is read as the whole mix-in list; remove 'null', or name mix-ins with typeof(MyMixIn)"
            : "the mix-in list is null: name mix-ins with typeof(MyMixIn), or leave the argument out for none";

    /// <summary>An array, pointer or other type that is not a class the server could create, as the user wrote it.</summary>
    private static string Display(TypedConstant type) =>
        ((ITypeSymbol)type.Value!).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    /// <summary>A list of names as a message says it: "A, B, C or D".</summary>
    private static string Names(IEnumerable<string> names)
    {
        string[] all = names.ToArray();
        return all.Length < 2 ? string.Concat(all) : string.Join(", ", all.Take(all.Length - 1)) + " or " + all[all.Length - 1];
    }
}
