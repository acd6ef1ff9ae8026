using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Generators.Emitting;
using SocketServer.Generators.Model;
using SocketServer.Generators.Validation;

namespace SocketServer.Generators.Parsing;

/// <summary>
/// Reads a <c>[SocketServer(...)]</c> declaration into a <see cref="ServerModel"/>. Anything <see cref="CompositionCheck"/>
/// finds a problem with (half-typed code, a type that is not partial, a handler or mix-in that does not fit) gives
/// <see langword="null"/>: the generator then emits nothing and the analyzers report the same problems.
/// </summary>
internal static class ServerParser
{
    public static ServerModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1
            ? Read(type, context.Attributes[0], context.SemanticModel.Compilation, cancellationToken, out _)
            : null;

    /// <summary>Why the generator refuses the declaration, or <see langword="null"/> when it composes it.</summary>
    internal static CompositionProblem? RefusalOf(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
    {
        _ = Read(type, attribute, compilation, cancellationToken, out CompositionProblem? refusal);
        return refusal;
    }

    /// <summary>The model of a declaration <see cref="CompositionCheck"/> finds no problem with; else <see langword="null"/> and the first problem.</summary>
    private static ServerModel? Read(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken, out CompositionProblem? refusal)
    {
        if (CompositionCheck.Compose(type, attribute, compilation, cancellationToken, out refusal) is not { } composition)
        {
            return null;
        }

        MixInChain chain = composition.Chain;
        TypeReference? handler = composition.Handler is { } handlerType ? Reference(handlerType) : null;
        var taken = new HashSet<string>(type.MemberNames);
        EquatableArray<MixInModel> mixIns = Describe(chain.MixIns, type, taken);
        var userMembers = mixIns.Select(m => m.PropertyName).Where(name => type.GetMembers(name).Length > 0).ToImmutableArray();
        var settings = chain.Settings.OfType<IPropertySymbol>()
            .Select(p => new SettingModel(
                Identifier.Escape(p.Name),
                FullyQualified(p.Type),
                MixInChain.DefaultCode(p),
                FullyQualified(p.ContainingType),
                Reference(p.ContainingType).Cref + "." + p.Name,
                type.GetMembers(p.Name).Length > 0))
            .ToImmutableArray();

        return new ServerModel(
            HintName(type),
            type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
            EquatableArray.From(ContainingTypes(type)),
            Describe(type),
            composition.Transport,
            handler,
            mixIns,
            new EquatableArray<string>(chain.OverriddenSteps),
            new EquatableArray<string>(chain.SettingsInterfaces.Select(FullyQualified).ToImmutableArray()),
            new EquatableArray<SettingModel>(settings),
            new EquatableArray<string>(userMembers),
            new EquatableArray<string>(composition.Collisions.Select(c => c.Key).OfType<string>().Distinct().ToImmutableArray()));
    }

    /// <summary>
    /// Each mix-in with a field and a property whose names no user member has (<paramref name="taken"/>, which gets the
    /// names chosen) unless the user's member is a property or field of the mix-in's type: that one replaces the
    /// generated property.
    /// </summary>
    private static EquatableArray<MixInModel> Describe(ImmutableArray<INamedTypeSymbol> chain, INamedTypeSymbol server, HashSet<string> taken)
    {
        var mixIns = new List<MixInModel>(chain.Length);
        var names = new HashSet<string>();
        foreach (INamedTypeSymbol mixIn in chain)
        {
            string property = mixIn.Name;
            for (int suffix = 2; names.Contains(property) || !FreeOrExposes(server, property, mixIn); suffix++)
            {
                property = mixIn.Name + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            names.Add(property);
            taken.Add(property);
            string field = GeneratedMembers.UniqueName("__mixIn" + mixIns.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), taken);
            taken.Add(field);
            mixIns.Add(new MixInModel(Reference(mixIn), field, property, PropertyAccessibility(mixIn)));
        }

        return EquatableArray.From(mixIns);
    }

    /// <summary>Whether no user member is named <paramref name="name"/>, or the user's is a property or field of the mix-in's type (and replaces the generated one).</summary>
    private static bool FreeOrExposes(INamedTypeSymbol server, string name, INamedTypeSymbol mixIn) =>
        server.GetMembers(name) is var members
        && (members.IsEmpty
            || members.All(m => m switch
            {
                IPropertySymbol { Parameters.Length: 0 } p => SymbolEqualityComparer.Default.Equals(p.Type, mixIn),
                IFieldSymbol f => SymbolEqualityComparer.Default.Equals(f.Type, mixIn),
                _ => false,
            }));

    /// <summary>
    /// The accessibility for a property of type <paramref name="type"/> in any server that can create it: public if
    /// the type, the types around it and its type arguments all are; internal if each is at least internal; else
    /// private (a private or protected type that the server can use is declared in a type around the server, or in a
    /// base class of one, so the server's body, where a private member is visible, is within the type's reach).
    /// </summary>
    private static string PropertyAccessibility(INamedTypeSymbol type)
    {
        bool allPublic = true;
        foreach (INamedTypeSymbol part in TypeAndItsParts(type))
        {
            switch (part.DeclaredAccessibility)
            {
                case Accessibility.Public:
                    break;
                case Accessibility.Internal or Accessibility.ProtectedOrInternal:
                    allPublic = false;
                    break;
                default:
                    return "private";
            }
        }

        return allPublic ? "public" : "internal";
    }

    /// <summary>A type, the types it is nested in, and its type arguments, recursively.</summary>
    private static IEnumerable<INamedTypeSymbol> TypeAndItsParts(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            yield return current;
            foreach (INamedTypeSymbol argument in current.TypeArguments.OfType<INamedTypeSymbol>().SelectMany(TypeAndItsParts))
            {
                yield return argument;
            }
        }
    }

    private static Stack<TypeDeclarationModel> ContainingTypes(INamedTypeSymbol type)
    {
        var outer = new Stack<TypeDeclarationModel>();
        for (INamedTypeSymbol? current = type.ContainingType; current is not null; current = current.ContainingType)
        {
            outer.Push(Describe(current));
        }

        return outer;
    }

    private static TypeDeclarationModel Describe(INamedTypeSymbol type)
    {
        string keyword = type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };
        string modifiers = AccessibilityKeywords(type.DeclaredAccessibility);
        if (type.IsStatic)
        {
            modifiers = modifiers.Length == 0 ? "static" : modifiers + " static";
        }

        string typeParameters = type.TypeParameters.Length == 0 ? string.Empty : "<" + string.Join(", ", type.TypeParameters.Select(p => Identifier.Escape(p.Name))) + ">";
        return new TypeDeclarationModel(keyword, Identifier.Escape(type.Name), typeParameters, modifiers, type.IsAbstract, type.IsSealed);
    }

    private static string AccessibilityKeywords(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => string.Empty,
    };

    /// <summary>
    /// A stable file name: the type's namespace, containing types and name, with arity for generics. Built from the
    /// symbols' names, which are never escaped: Roslyn rejects the '@' of a namespace such as <c>@event</c> in a hint name.
    /// </summary>
    private static string HintName(INamedTypeSymbol type)
    {
        var parts = new Stack<string>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            parts.Push(current.Arity == 0 ? current.Name : current.Name + "`" + current.Arity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        for (INamespaceSymbol? current = type.ContainingNamespace; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            parts.Push(current.Name);
        }

        return string.Join(".", parts) + ".g.cs";
    }

    private static TypeReference Reference(INamedTypeSymbol type) =>
        new(FullyQualified(type), FullyQualified(type.OriginalDefinition).Replace('<', '{').Replace('>', '}'));

    private static string FullyQualified(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
