using System.Net;
using System.Net.Sockets;

namespace SocketServer.Testing;

/// <summary>The client address an in-memory request has when the test gives none.</summary>
internal static class ClientAddresses
{
    /// <summary>The port of the default client address: a port a client could have, chosen to be recognisable in a test's output.</summary>
    public const int DefaultPort = 50000;

    /// <summary>
    /// The loopback address of the server's family (127.0.0.1 or ::1) on <see cref="DefaultPort"/>; <see langword="null"/>
    /// for a Unix server, which is what a server sees from an unbound Unix client.
    /// </summary>
    public static EndPoint? Default(BaseServer server) => server.ServerAddress.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Loopback, DefaultPort),
        AddressFamily.Unix => null,
        _ => new IPEndPoint(IPAddress.Loopback, DefaultPort),
    };
}
