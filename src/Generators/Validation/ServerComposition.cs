using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using SocketServer.Generators.Model;

namespace SocketServer.Generators.Validation;

/// <summary>
/// What a server type is: its transport and the <c>Concurrency</c> member its requests run under. This file is compiled
/// into the generator and into the analyzers.
/// </summary>
internal readonly struct ServerComposition
{
    public ServerComposition(TransportKind transport, ConcurrencyMember concurrency)
    {
        Transport = transport;
        Concurrency = concurrency;
    }

    public TransportKind Transport { get; }

    public ConcurrencyMember Concurrency { get; }

    public bool IsStream => Transports.IsStream(Transport);

    public string TransportName => Transports.DisplayName(Transport);

    /// <summary>
    /// Reads a server type's composition: the nearest <c>[SocketServer]</c> attribute on it or a base class (the
    /// runtime's pre-composed servers carry one), else the transport class it derives from (no concurrency mix-in).
    /// </summary>
    public static ServerComposition? Of(ITypeSymbol? type, RuntimeSymbols runtime)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (FromAttribute(current, runtime) is { } declared)
            {
                return declared;
            }

            for (int transport = 0; transport < runtime.TransportBases.Length; transport++)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, runtime.TransportBases[transport]))
                {
                    return runtime.WithoutMixIn is { } sync ? new ServerComposition((TransportKind)transport, sync) : null;
                }
            }
        }

        return null;
    }

    public static AttributeData? Attribute(ISymbol type, RuntimeSymbols runtime)
    {
        if (runtime.SocketServerAttribute is null)
        {
            return null;
        }

        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, runtime.SocketServerAttribute))
            {
                return attribute;
            }
        }

        return null;
    }

    public static ServerComposition? FromAttribute(ISymbol type, RuntimeSymbols runtime)
    {
        if (Attribute(type, runtime) is not { } attribute)
        {
            return null;
        }

        ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
        return arguments.Length >= 2
            && IntArgument(arguments[0]) is int transport && Transports.IsDefined(transport)
            && IntArgument(arguments[1]) is int concurrency && runtime.Concurrency(concurrency) is { } member
            ? new ServerComposition((TransportKind)transport, member)
            : null;
    }

    /// <summary>The <c>Handler = typeof(...)</c> of a <c>[SocketServer]</c> attribute.</summary>
    public static INamedTypeSymbol? HandlerOf(AttributeData attribute)
    {
        foreach (System.Collections.Generic.KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == "Handler" && named.Value.Kind == TypedConstantKind.Type)
            {
                return named.Value.Value as INamedTypeSymbol;
            }
        }

        return null;
    }

    /// <summary>
    /// The value of an enum or integer argument. An array argument has none (its <c>Value</c> throws): the runtime's
    /// attribute takes none there, but a look-alike <c>SocketServer.SocketServerAttribute</c> declared in source may.
    /// </summary>
    public static int? IntArgument(TypedConstant argument) =>
        argument.Kind is TypedConstantKind.Enum or TypedConstantKind.Primitive && argument.Value is int value ? value : null;
}
