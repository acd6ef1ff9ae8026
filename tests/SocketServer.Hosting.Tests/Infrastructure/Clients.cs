namespace SocketServer.Hosting.Tests;

/// <summary>Plain TCP clients with bounded reads.</summary>
public static class Clients
{
    private static readonly int TimeoutMs = (int)Bounded.Limit.TotalMilliseconds;

    public static Socket Connect(EndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = TimeoutMs,
            SendTimeout = TimeoutMs,
        };
        socket.Connect(server);
        return socket;
    }

    public static void Send(Socket socket, string text) => socket.Send(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads until the server closes its side; a read that waits longer than the bound fails.</summary>
    public static string ReadToEnd(Socket socket)
    {
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (or fails at the end of the stream).</summary>
    public static string ReadExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            int n = socket.Receive(buffer, filled, count - filled, SocketFlags.None);
            Assert.True(n > 0, $"The server closed after {filled} of {count} bytes.");
            filled += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>One line to an echo server and its reply, then the client closes.</summary>
    public static string EchoLine(EndPoint server, string line)
    {
        using Socket client = Connect(server);
        Send(client, line);
        client.Shutdown(SocketShutdown.Send);
        return ReadToEnd(client);
    }

    /// <summary>
    /// Connects until a connection is refused: the observable sign that the server closed its listener. Each try is a
    /// real connect (no sleep); a connection that is accepted is closed at once. Bounded.
    /// </summary>
    public static void WaitUntilRefused(EndPoint server)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var probe = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Connect(server);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // Refused: the listener is closed. Reset: it closed while this connect was queued on it (seen under
                // the full suite's load), which says the same.
                return;
            }

            Assert.True(clock.Elapsed < Bounded.Limit, $"Connections to {server} were still accepted after {Bounded.Limit}.");
            Thread.Yield();
        }
    }
}
