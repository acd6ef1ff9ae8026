using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketServer.Samples.Tests;

/// <summary>The stream clients the sample tests use against a server process: TCP or Unix, every read bounded.</summary>
internal static class StreamClients
{
    /// <summary>A connected stream socket (TCP, or Unix for a <see cref="UnixDomainSocketEndPoint"/>), reads and writes bounded by 60 s.</summary>
    public static Socket Connect(EndPoint endPoint)
    {
        bool unix = endPoint is UnixDomainSocketEndPoint;
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, unix ? ProtocolType.Unspecified : ProtocolType.Tcp)
        {
            ReceiveTimeout = 60_000,
            SendTimeout = 60_000,
        };
        if (!unix)
        {
            socket.NoDelay = true; // an echo is interactive
        }

        socket.Connect(endPoint);
        return socket;
    }

    /// <summary>Sends <paramref name="text"/> and reads exactly as many bytes back; fails if the stream ends first.</summary>
    public static string Echo(Socket socket, string text)
    {
        socket.Send(Encoding.ASCII.GetBytes(text));
        var echoed = new byte[text.Length];
        int got = 0;
        while (got < echoed.Length)
        {
            int read = socket.Receive(echoed, got, echoed.Length - got, SocketFlags.None);
            Assert.True(read > 0, $"The connection ended after {got} of {echoed.Length} echoed bytes.");
            got += read;
        }

        return Encoding.ASCII.GetString(echoed);
    }

    /// <summary>
    /// Sends <paramref name="size"/> random bytes of <paramref name="message"/> (drawn from <paramref name="random"/>) and
    /// checks that exactly those come back; fails if the stream ends first.
    /// </summary>
    public static async Task EchoRandomAsync(Socket socket, Random random, byte[] message, byte[] reply, int size, CancellationToken cancellationToken)
    {
        random.NextBytes(message.AsSpan(0, size));
        await socket.SendAsync(message.AsMemory(0, size), SocketFlags.None, cancellationToken);
        int got = 0;
        while (got < size)
        {
            int read = await socket.ReceiveAsync(reply.AsMemory(got, size - got), SocketFlags.None, cancellationToken);
            Assert.True(read > 0, $"The connection ended after {got} of {size} echoed bytes.");
            got += read;
        }

        Assert.True(message.AsSpan(0, size).SequenceEqual(reply.AsSpan(0, size)), "The echo differs from what was sent.");
    }

    /// <summary>Connects, sends <paramref name="text"/>, closes its sending side, and returns all the server sent.</summary>
    public static string Exchange(EndPoint endPoint, string text)
    {
        using Socket socket = Connect(endPoint);
        socket.Send(Encoding.ASCII.GetBytes(text));
        socket.Shutdown(SocketShutdown.Send);
        var reply = new List<byte>();
        var buffer = new byte[64];
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            reply.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.ASCII.GetString([.. reply]);
    }

    /// <summary>Reads up to and including the next newline (or to the end of the stream).</summary>
    public static string ReadLine(Socket socket)
    {
        var reply = new List<byte>();
        var one = new byte[1];
        while (socket.Receive(one) == 1)
        {
            reply.Add(one[0]);
            if (one[0] == (byte)'\n')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString([.. reply]);
    }
}
