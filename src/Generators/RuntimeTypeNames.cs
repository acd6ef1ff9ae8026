namespace SocketServer.Generators;

/// <summary>
/// Metadata names of the runtime types the generator binds to, in one place: the generator finds them by
/// name and never references the runtime assembly. This file is compiled into the generator and into the analyzers.
/// </summary>
internal static class RuntimeTypeNames
{
    public const string SocketServerAttribute = "SocketServer.SocketServerAttribute";
    public const string BaseRequestHandler = "SocketServer.BaseRequestHandler";
    public const string ServerMixIn = "SocketServer.ServerMixIn";
    public const string BaseServer = "SocketServer.BaseServer";
}
