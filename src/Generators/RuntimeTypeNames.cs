namespace SocketServer.Generators;

/// <summary>
/// Metadata names of the runtime types the generator composes server types from (issue 3). Kept in one
/// place so the generator binds them by name and never needs a reference to the runtime assembly.
/// </summary>
internal static class RuntimeTypeNames
{
    public const string BaseServer = "SocketServer.BaseServer";
    public const string TcpServer = "SocketServer.TcpServer";
    public const string UdpServer = "SocketServer.UdpServer";
    public const string UnixStreamServer = "SocketServer.UnixStreamServer";
    public const string UnixDatagramServer = "SocketServer.UnixDatagramServer";
    public const string ThreadingMixIn = "SocketServer.ThreadingMixIn";
    public const string BaseRequestHandler = "SocketServer.BaseRequestHandler";
    public const string StreamRequestHandler = "SocketServer.StreamRequestHandler";
    public const string DatagramRequestHandler = "SocketServer.DatagramRequestHandler";
}
