using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SocketServer.Analyzers;

/// <summary>The runtime's <c>Transport</c> values.</summary>
internal enum Transport
{
    Tcp = 0,
    Udp = 1,
    UnixStream = 2,
    UnixDatagram = 3,
}

/// <summary>The runtime's <c>Concurrency</c> values.</summary>
internal enum Concurrency
{
    Sync = 0,
    Threading = 1,
    Forking = 2,
    Async = 3,
}

/// <summary>What a server type is: its transport and where its requests run.</summary>
internal readonly struct ServerComposition
{
    public ServerComposition(Transport transport, Concurrency concurrency)
    {
        Transport = transport;
        Concurrency = concurrency;
    }

    public Transport Transport { get; }

    public Concurrency Concurrency { get; }

    public bool IsStream => Transport is Transport.Tcp or Transport.UnixStream;

    public string TransportName => Transport switch
    {
        Transport.Tcp => "TCP",
        Transport.Udp => "UDP",
        Transport.UnixStream => "Unix stream",
        _ => "Unix datagram",
    };

    /// <summary>
    /// Reads a server type's composition: the nearest <c>[SocketServer]</c> attribute on it or a base class (the
    /// runtime's pre-composed servers carry one), else the transport class it derives from (synchronous).
    /// </summary>
    public static ServerComposition? Of(ITypeSymbol? type, KnownTypes known)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (FromAttribute(current, known) is { } declared)
            {
                return declared;
            }

            for (int transport = 0; transport < known.TransportBases.Length; transport++)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, known.TransportBases[transport]))
                {
                    return new ServerComposition((Transport)transport, Concurrency.Sync);
                }
            }
        }

        return null;
    }

    public static AttributeData? Attribute(ISymbol type, KnownTypes known) =>
        known.SocketServerAttribute is null
            ? null
            : type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.SocketServerAttribute));

    public static ServerComposition? FromAttribute(ISymbol type, KnownTypes known)
    {
        if (Attribute(type, known) is not { } attribute)
        {
            return null;
        }

        ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
        return arguments.Length >= 2
            && IntArgument(arguments[0]) is int transport && known.IsTransport(transport)
            && IntArgument(arguments[1]) is int concurrency && known.IsConcurrency(concurrency)
            ? new ServerComposition((Transport)transport, (Concurrency)concurrency)
            : null;
    }

    /// <summary>The <c>Handler = typeof(...)</c> of a <c>[SocketServer]</c> attribute, with its syntax for locations.</summary>
    public static INamedTypeSymbol? HandlerOf(AttributeData attribute) =>
        attribute.NamedArguments.FirstOrDefault(n => n.Key == "Handler").Value is { Kind: TypedConstantKind.Type } handler
            ? handler.Value as INamedTypeSymbol
            : null;

    /// <summary>
    /// The value of an enum or integer argument. An array argument has none (its <c>Value</c> throws): the runtime's
    /// attribute takes none there, but a look-alike <c>SocketServer.SocketServerAttribute</c> declared in source may.
    /// </summary>
    public static int? IntArgument(TypedConstant argument) =>
        argument.Kind is TypedConstantKind.Enum or TypedConstantKind.Primitive && argument.Value is int value ? value : null;
}
