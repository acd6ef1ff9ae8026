using Microsoft.CodeAnalysis;
using SocketServer.Generators;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers;

/// <summary>
/// The runtime's types, resolved once per compilation: those a composition is checked against (<see cref="RuntimeSymbols"/>)
/// and those the rules about handlers and shutdown need; <see cref="TryCreate"/> fails where the runtime is not referenced.
/// </summary>
internal sealed class KnownTypes : RuntimeSymbols
{
    private KnownTypes(Compilation compilation, INamedTypeSymbol baseServer)
        : base(compilation)
    {
        StreamRequestHandler = compilation.GetTypeByMetadataName("SocketServer.StreamRequestHandler");
        DatagramRequestHandler = compilation.GetTypeByMetadataName("SocketServer.DatagramRequestHandler");
        AsyncStreamRequestHandler = compilation.GetTypeByMetadataName("SocketServer.AsyncStreamRequestHandler");
        AsyncDatagramRequestHandler = compilation.GetTypeByMetadataName("SocketServer.AsyncDatagramRequestHandler");
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

    public INamedTypeSymbol? StreamRequestHandler { get; }

    public INamedTypeSymbol? DatagramRequestHandler { get; }

    public INamedTypeSymbol? AsyncStreamRequestHandler { get; }

    public INamedTypeSymbol? AsyncDatagramRequestHandler { get; }

    /// <summary>The entry points of a handler's request path, synchronous and asynchronous.</summary>
    public static readonly string[] HandlerSteps = ["Setup", "Handle", "Finish", "SetupAsync", "HandleAsync", "FinishAsync"];

    public INamedTypeSymbol? Lock { get; }

    public INamedTypeSymbol? FuncOfHandler { get; }

    public IMethodSymbol? Shutdown { get; }

    public static KnownTypes? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName(RuntimeTypeNames.BaseServer) is { } baseServer ? new KnownTypes(compilation, baseServer) : null;

    public bool IsHandler(ITypeSymbol? type) => DerivesFrom(type, BaseRequestHandler);

    /// <summary>A handler that reads and writes a connection: a stream handler, synchronous or asynchronous.</summary>
    public bool IsStreamHandler(ITypeSymbol? type) => DerivesFrom(type, StreamRequestHandler) || DerivesFrom(type, AsyncStreamRequestHandler);

    /// <summary>A handler that reads and writes a packet: a datagram handler, synchronous or asynchronous.</summary>
    public bool IsDatagramHandler(ITypeSymbol? type) => DerivesFrom(type, DatagramRequestHandler) || DerivesFrom(type, AsyncDatagramRequestHandler);
}
