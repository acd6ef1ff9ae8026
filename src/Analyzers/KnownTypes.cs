using SocketServer.Generators.Model;
using System.Linq;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SocketServer.Analyzers;

/// <summary>The runtime's types, resolved once per compilation; <see cref="TryCreate"/> fails where the runtime is not referenced.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation, INamedTypeSymbol baseServer)
    {
        BaseServer = baseServer;
        SocketServerAttribute = compilation.GetTypeByMetadataName("SocketServer.SocketServerAttribute");
        BaseRequestHandler = compilation.GetTypeByMetadataName("SocketServer.BaseRequestHandler");
        StreamRequestHandler = compilation.GetTypeByMetadataName("SocketServer.StreamRequestHandler");
        DatagramRequestHandler = compilation.GetTypeByMetadataName("SocketServer.DatagramRequestHandler");
        AsyncStreamRequestHandler = compilation.GetTypeByMetadataName("SocketServer.AsyncStreamRequestHandler");
        AsyncDatagramRequestHandler = compilation.GetTypeByMetadataName("SocketServer.AsyncDatagramRequestHandler");
        ServerMixIn = compilation.GetTypeByMetadataName("SocketServer.ServerMixIn");
        TransportBases =
        [
            compilation.GetTypeByMetadataName("SocketServer.TcpServer"),
            compilation.GetTypeByMetadataName("SocketServer.UdpServer"),
            compilation.GetTypeByMetadataName("SocketServer.UnixStreamServer"),
            compilation.GetTypeByMetadataName("SocketServer.UnixDatagramServer"),
        ];
        Concurrencies = MixInChain.ConcurrencyMembers(compilation);
        Lock = compilation.GetTypeByMetadataName("System.Threading.Lock");
        FuncOfHandler = BaseRequestHandler is null ? null : compilation.GetTypeByMetadataName("System.Func`1")?.Construct(BaseRequestHandler);
        foreach (ISymbol member in baseServer.GetMembers("Shutdown"))
        {
            if (member is IMethodSymbol { Parameters.Length: 0 } method)
            {
                Shutdown = method;
            }
        }
    }

    public INamedTypeSymbol BaseServer { get; }

    public INamedTypeSymbol? SocketServerAttribute { get; }

    public INamedTypeSymbol? BaseRequestHandler { get; }

    public INamedTypeSymbol? StreamRequestHandler { get; }

    public INamedTypeSymbol? DatagramRequestHandler { get; }

    public INamedTypeSymbol? AsyncStreamRequestHandler { get; }

    public INamedTypeSymbol? AsyncDatagramRequestHandler { get; }

    public INamedTypeSymbol? ServerMixIn { get; }

    /// <summary>The entry points of a handler's request path, synchronous and asynchronous.</summary>
    public static readonly string[] HandlerSteps = ["Setup", "Handle", "Finish", "SetupAsync", "HandleAsync", "FinishAsync"];

    /// <summary>TcpServer, UdpServer, UnixStreamServer, UnixDatagramServer, indexed by <see cref="Transport"/>.</summary>
    public INamedTypeSymbol?[] TransportBases { get; }

    /// <summary>The runtime's <c>Concurrency</c> members, each with the mix-in it names, read from metadata.</summary>
    public ImmutableArray<ConcurrencyMember> Concurrencies { get; }

    /// <summary>Whether <paramref name="value"/> is a <c>Transport</c> the runtime has a server class for.</summary>
    public bool IsTransport(int value) => value >= 0 && value < TransportBases.Length;

    /// <summary>Whether <paramref name="value"/> is a member of the runtime's <c>Concurrency</c>.</summary>
    public bool IsConcurrency(int value) => Concurrencies.Any(m => m.Value == value);

    public INamedTypeSymbol? Lock { get; }

    public INamedTypeSymbol? FuncOfHandler { get; }

    public IMethodSymbol? Shutdown { get; }

    public static KnownTypes? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName("SocketServer.BaseServer") is { } baseServer ? new KnownTypes(compilation, baseServer) : null;

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsServer(ITypeSymbol? type) => DerivesFrom(type, BaseServer);

    public bool IsHandler(ITypeSymbol? type) => DerivesFrom(type, BaseRequestHandler);

    /// <summary>A handler that reads and writes a connection: a stream handler, synchronous or asynchronous.</summary>
    public bool IsStreamHandler(ITypeSymbol? type) => DerivesFrom(type, StreamRequestHandler) || DerivesFrom(type, AsyncStreamRequestHandler);

    /// <summary>A handler that reads and writes a packet: a datagram handler, synchronous or asynchronous.</summary>
    public bool IsDatagramHandler(ITypeSymbol? type) => DerivesFrom(type, DatagramRequestHandler) || DerivesFrom(type, AsyncDatagramRequestHandler);
}
