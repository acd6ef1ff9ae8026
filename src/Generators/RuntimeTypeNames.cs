namespace SocketServer.Generators;

/// <summary>
/// Metadata names of the runtime types the generator binds to, in one place: the generator finds them by
/// name and never references the runtime assembly.
/// </summary>
internal static class RuntimeTypeNames
{
    public const string SocketServerAttribute = "SocketServer.SocketServerAttribute";
    public const string BaseRequestHandler = "SocketServer.BaseRequestHandler";
    public const string ServerMixIn = "SocketServer.ServerMixIn";

    /// <summary>The server class each transport derives from, indexed by the transport's value.</summary>
    public static readonly string[] TransportBases =
    [
        "SocketServer.TcpServer",
        "SocketServer.UdpServer",
        "SocketServer.UnixStreamServer",
        "SocketServer.UnixDatagramServer",
    ];
}
