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
        ServerMixIn = compilation.GetTypeByMetadataName("SocketServer.ServerMixIn");
        TransportBases =
        [
            compilation.GetTypeByMetadataName("SocketServer.TcpServer"),
            compilation.GetTypeByMetadataName("SocketServer.UdpServer"),
            compilation.GetTypeByMetadataName("SocketServer.UnixStreamServer"),
            compilation.GetTypeByMetadataName("SocketServer.UnixDatagramServer"),
        ];
        ConcurrencyHelpers =
        [
            compilation.GetTypeByMetadataName("SocketServer.ThreadingMixIn"),
            compilation.GetTypeByMetadataName("SocketServer.ForkingMixIn"),
            compilation.GetTypeByMetadataName("SocketServer.AsyncMixIn"),
        ];
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

    public INamedTypeSymbol? ServerMixIn { get; }

    /// <summary>TcpServer, UdpServer, UnixStreamServer, UnixDatagramServer, indexed by <see cref="Transport"/>.</summary>
    public INamedTypeSymbol?[] TransportBases { get; }

    /// <summary>The runtime's concurrency helpers, which are not user mix-ins.</summary>
    public INamedTypeSymbol?[] ConcurrencyHelpers { get; }

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
}
