using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Generators.Emitting;
using SocketServer.Generators.Model;

namespace SocketServer.Generators.Parsing;

/// <summary>
/// Reads a <c>[SocketServer(...)]</c> declaration into a <see cref="ServerModel"/>. Anything it cannot compose
/// (half-typed code, a type that is not partial, a handler or mix-in that does not fit) gives
/// <see langword="null"/>: the generator then emits nothing and the analyzers explain why.
/// </summary>
internal static class ServerParser
{
    public static ServerModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1
            ? Read(type, context.Attributes[0], context.SemanticModel.Compilation, cancellationToken, out _)
            : null;

    /// <summary>Why the generator refuses the declaration, or <see langword="null"/> when it composes it.</summary>
    internal static Refusal? RefusalOf(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
    {
        _ = Read(type, attribute, compilation, cancellationToken, out Refusal? refusal);
        return refusal;
    }

    private static ServerModel? Read(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken, out Refusal? refusal)
    {
        cancellationToken.ThrowIfCancellationRequested();
        refusal = !IsClassWithParts(type) ? Refusal.NotComposableClass
            : !IsPartialThroughout(type, cancellationToken) ? Refusal.NotPartial
            : AttributeCount(type, attribute.AttributeClass) != 1 ? Refusal.AttributeRepeated
            : null;
        if (refusal is not null)
        {
            return null;
        }

        refusal = ReadArguments(attribute, out TransportKind transport, out int concurrency, out ImmutableArray<TypedConstant> mixInArguments);
        if (refusal is not null)
        {
            return null;
        }

        if (MixInChain.Concurrency(compilation, concurrency) is not { } concurrencyMember)
        {
            refusal = Refusal.UnknownConcurrency;
            return null;
        }

        if (!HasExpectedBase(type, compilation, transport))
        {
            refusal = Refusal.UnexpectedBase;
            return null;
        }

        // A named argument that does not bind (a typo while typing) is missing from NamedArguments.
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax
            || (syntax.ArgumentList?.Arguments.Count(a => a.NameEquals is not null) ?? 0) != attribute.NamedArguments.Length)
        {
            refusal = Refusal.UnknownNamedArgument;
            return null;
        }

        TypeReference? handler = null;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key != "Handler")
            {
                refusal = Refusal.UnknownNamedArgument;
                return null;
            }

            if (named.Value.Kind != TypedConstantKind.Type || named.Value.Value is not INamedTypeSymbol handlerType
                || !IsCreatable(handlerType, RuntimeTypeNames.BaseRequestHandler, type, compilation))
            {
                refusal = Refusal.HandlerNotCreatable;
                return null;
            }

            handler = Reference(handlerType);
        }

        var taken = new HashSet<string>(type.MemberNames);
        List<INamedTypeSymbol>? mixInTypes = ReadMixIns(mixInArguments, type, compilation, out refusal);
        if (mixInTypes is null)
        {
            return null;
        }

        MixInChain chain = MixInChain.Create(mixInTypes, concurrencyMember.MixIn);

        // A primary constructor cannot be composed; a constructor or step the user declared too is left to the user. SSA008 says so.
        ImmutableArray<Collision> collisions = GeneratedMembers.Find(
            type, compilation, transport is TransportKind.UnixStream or TransportKind.UnixDatagram, chain, handler is not null, cancellationToken);
        if (collisions.Any(c => c.Kind == CollisionKind.PrimaryConstructor))
        {
            refusal = Refusal.PrimaryConstructor;
            return null;
        }

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
            transport,
            handler,
            mixIns,
            new EquatableArray<string>(chain.OverriddenSteps),
            new EquatableArray<string>(chain.SettingsInterfaces.Select(FullyQualified).ToImmutableArray()),
            new EquatableArray<SettingModel>(settings),
            new EquatableArray<string>(userMembers),
            new EquatableArray<string>(collisions.Select(c => c.Key).OfType<string>().Distinct().ToImmutableArray()));
    }

    /// <summary>A class the generator can add a part to: not static, not a record, declared in source, and neither it nor a type around it file-local.</summary>
    private static bool IsClassWithParts(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsStatic || type.IsRecord || type.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every declaration of the class, and of the types around it, is partial.</summary>
    private static bool IsPartialThroughout(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (!AllDeclarationsArePartial(current, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllDeclarationsArePartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Length > 0
        && type.DeclaringSyntaxReferences.All(reference =>
            reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
            && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>The attribute on several partial parts is an error (CS0579); composing it twice would be another.</summary>
    private static int AttributeCount(INamedTypeSymbol type, INamedTypeSymbol? attributeClass) =>
        type.GetAttributes().Count(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeClass));

    private static Refusal? ReadArguments(AttributeData attribute, out TransportKind transport, out int concurrency, out ImmutableArray<TypedConstant> mixIns)
    {
        transport = default;
        concurrency = default;
        mixIns = ImmutableArray<TypedConstant>.Empty;
        ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
        if (attribute.AttributeConstructor is null || arguments.Length is < 2 or > 3 || arguments.Any(a => a.Kind == TypedConstantKind.Error)
            || IntArgument(arguments[0]) is not int transportValue || IntArgument(arguments[1]) is not int concurrencyValue)
        {
            return Refusal.UnreadableArguments;
        }

        if (transportValue < 0 || transportValue >= RuntimeTypeNames.TransportBases.Length)
        {
            return Refusal.UnknownTransport;
        }

        transport = (TransportKind)transportValue;
        concurrency = concurrencyValue;
        if (arguments.Length == 3)
        {
            // A null list ('null', '(Type[])null', or a typo the parser reads so) has no Values: refuse it.
            if (arguments[2].Kind != TypedConstantKind.Array || arguments[2].IsNull)
            {
                return Refusal.NullMixInList;
            }

            mixIns = arguments[2].Values;
        }

        return null;
    }

    /// <summary>
    /// The value of an enum or integer argument. An array argument has none (its <c>Value</c> throws): the runtime's
    /// attribute takes none there, but a look-alike <c>SocketServer.SocketServerAttribute</c> declared in source may.
    /// </summary>
    private static int? IntArgument(TypedConstant argument) =>
        argument.Kind is TypedConstantKind.Enum or TypedConstantKind.Primitive && argument.Value is int value ? value : null;

    /// <summary>The user may name the transport's base class; any other base class does not fit.</summary>
    private static bool HasExpectedBase(INamedTypeSymbol type, Compilation compilation, TransportKind transport)
    {
        INamedTypeSymbol? expected = compilation.GetTypeByMetadataName(RuntimeTypeNames.TransportBases[(int)transport]);
        return expected is not null
            && type.BaseType is { } declared
            && (declared.SpecialType == SpecialType.System_Object || SymbolEqualityComparer.Default.Equals(declared, expected));
    }

    /// <summary>
    /// The user mix-ins: creatable <c>ServerMixIn</c> classes, each listed once, none of them a concurrency's mix-in (the
    /// concurrency argument places that one); <see langword="null"/> when one does not fit.
    /// </summary>
    private static List<INamedTypeSymbol>? ReadMixIns(ImmutableArray<TypedConstant> arguments, INamedTypeSymbol server, Compilation compilation, out Refusal? refusal)
    {
        refusal = null;
        var mixIns = new List<INamedTypeSymbol>(arguments.Length);
        var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        var concurrencyMixIns = MixInChain.ConcurrencyMembers(compilation).Select(m => m.MixIn).OfType<INamedTypeSymbol>().ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (TypedConstant argument in arguments)
        {
            if (argument.Kind != TypedConstantKind.Type || argument.Value is not INamedTypeSymbol mixIn)
            {
                refusal = Refusal.MixInNotCreatable;
                return null;
            }

            refusal = !seen.Add(mixIn) ? Refusal.MixInRepeated
                : concurrencyMixIns.Contains(mixIn) ? Refusal.ConcurrencyMixInListed
                : !IsCreatable(mixIn, RuntimeTypeNames.ServerMixIn, server, compilation) ? Refusal.MixInNotCreatable
                : null;
            if (refusal is not null)
            {
                return null;
            }

            mixIns.Add(mixIn);
        }

        return mixIns;
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

    /// <summary>
    /// A concrete, closed class derived from <paramref name="baseMetadataName"/> that generated code in
    /// <paramref name="within"/> can create with <c>new T()</c>.
    /// </summary>
    private static bool IsCreatable(INamedTypeSymbol candidate, string baseMetadataName, INamedTypeSymbol within, Compilation compilation)
    {
        INamedTypeSymbol? requiredBase = compilation.GetTypeByMetadataName(baseMetadataName);
        if (requiredBase is null || candidate.TypeKind != TypeKind.Class || candidate.IsAbstract || candidate.IsStatic
            || candidate.IsUnboundGenericType || ContainsTypeParameters(candidate))
        {
            return false;
        }

        bool derives = false;
        for (INamedTypeSymbol? current = candidate.BaseType; current is not null && !derives; current = current.BaseType)
        {
            derives = SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, requiredBase);
        }

        return derives && candidate.InstanceConstructors.Any(c =>
            c.Parameters.Length == 0 && compilation.IsSymbolAccessibleWithin(c, within));
    }

    private static bool ContainsTypeParameters(INamedTypeSymbol type) =>
        type.TypeArguments.Any(t => t.TypeKind == TypeKind.TypeParameter || (t is INamedTypeSymbol named && ContainsTypeParameters(named)))
        || (type.ContainingType is { } outer && ContainsTypeParameters(outer));

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
