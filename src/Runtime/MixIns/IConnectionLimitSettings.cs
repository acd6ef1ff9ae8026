namespace SocketServer;

/// <summary>
/// The connection limit a concurrency mix-in offers its server. A server that implements it hands
/// <see cref="MaxConnections"/> to the serving loop (see <see cref="BaseServer.ConcurrentRequestLimit"/>).
/// </summary>
public interface IConnectionLimitSettings
{
    /// <summary>
    /// The most requests handled at once (for a stream server, open connections), or <see langword="null"/> (the default) for no
    /// limit. At the limit the server stops taking requests until one ends: new connections wait in the listen backlog, new
    /// datagrams in the socket's receive buffer; none is refused or lost by the server.
    /// </summary>
    [SettingDefault(null)]
    int? MaxConnections { get; }
}
