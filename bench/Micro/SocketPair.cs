using System.Net;
using System.Net.Sockets;

namespace Micro;

/// <summary>
/// A connected loopback TCP pair: <see cref="Server"/> is the accepted side a handler writes to; a thread of its own reads
/// and discards everything the client side receives until the pair is disposed.
/// </summary>
internal sealed class SocketPair : IDisposable
{
    private readonly Socket _client;
    private readonly Thread _drain;

    public SocketPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _client.Connect(listener.LocalEndPoint!);
        Server = listener.Accept();
        Server.NoDelay = true;
        _drain = new Thread(Drain) { IsBackground = true, Name = "drain" };
        _drain.Start();
    }

    public Socket Server { get; }

    public void Dispose()
    {
        Server.Shutdown(SocketShutdown.Send); // the drain reads the end of the stream and returns
        _drain.Join();
        Server.Dispose();
        _client.Dispose();
    }

    private void Drain()
    {
        var buffer = new byte[256 * 1024];
        while (_client.Receive(buffer) > 0)
        {
        }
    }
}
