namespace SocketServer.Tests;

/// <summary>Plain .NET clients for each transport, with bounded reads.</summary>
public static class Clients
{
    private static readonly int TimeoutMs = (int)Bounded.Limit.TotalMilliseconds;

    public static Socket Connect(EndPoint server)
    {
        var socket = server is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = TimeoutMs;
        socket.SendTimeout = TimeoutMs;
        socket.Connect(server);
        return socket;
    }

    /// <summary>A datagram socket that can receive replies: bound to loopback, or to a fresh path for Unix.</summary>
    public static Socket Datagram(EndPoint server, bool bindUnixPath = true)
    {
        Socket socket;
        if (server is UnixDomainSocketEndPoint)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            if (bindUnixPath)
            {
                socket.Bind(new UnixDomainSocketEndPoint(TempPaths.NewSocketPath()));
            }
        }
        else
        {
            socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        }

        socket.ReceiveTimeout = TimeoutMs;
        return socket;
    }

    /// <summary>Reads until the server closes its side; fails if that takes longer than the bound.</summary>
    public static byte[] ReadToEnd(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return received.ToArray();
    }

    /// <summary>One request and its whole reply: a connection for stream transports, a datagram for the others.</summary>
    public static byte[] Exchange(Transport transport, EndPoint server, string payload)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(payload);
        if (transport.IsStream())
        {
            using Socket connection = Connect(server);
            if (bytes.Length > 0)
            {
                connection.Send(bytes);
            }

            return ReadToEnd(connection);
        }

        using Socket datagram = Datagram(server);
        datagram.SendTo(bytes, server);
        var reply = new byte[65536];
        int length = datagram.Receive(reply);
        return reply[..length];
    }

    public static string ExchangeText(Transport transport, EndPoint server, string payload) =>
        Encoding.ASCII.GetString(Exchange(transport, server, payload));
}

public static class ClientActions
{
    /// <summary>
    /// Sends a request that the server will not answer normally: for a stream, reads until the server closes;
    /// for a datagram, only sends (the caller waits for a recorded step instead of a reply). Dispose the
    /// result after that step: a Unix datagram client's path must exist while the server may reply to it.
    /// </summary>
    public static IDisposable SendExpectingNoReply(Transport transport, EndPoint server, string payload)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(payload);
        if (transport.IsStream())
        {
            using Socket connection = Clients.Connect(server);
            try
            {
                connection.Send(bytes);
                Clients.ReadToEnd(connection);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
            {
                // The server may close a connection it rejects before the client has written (EPIPE) or read.
            }

            return connection;
        }

        Socket datagram = Clients.Datagram(server);
        datagram.SendTo(bytes, server);
        return datagram;
    }
}
