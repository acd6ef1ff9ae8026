using System;
using System.Net;
using System.Net.Sockets;

namespace SocketServer.Internal;

/// <summary>
/// Lets another thread wake a server loop that is waiting in <c>Socket.Select</c>, so
/// <c>Shutdown()</c> and <c>ServerClose()</c> take effect at once instead of after a poll interval.
/// </summary>
/// <remarks>
/// A UDP socket bound to loopback and connected to itself: it works on every platform without
/// native calls, and the kernel drops datagrams from anyone but itself, so nothing else can wake it.
/// </remarks>
internal sealed class ServerWakeup : IDisposable
{
    private readonly Socket _socket;

    public ServerWakeup()
    {
        _socket = CreateSelfConnected(IPAddress.Loopback) ?? CreateSelfConnected(IPAddress.IPv6Loopback)
            ?? throw new InvalidOperationException(
                "The server loop needs a loopback interface (127.0.0.1 or ::1) to be woken by Shutdown(); none is available.");
    }

    /// <summary>The socket to include in the read list of <c>Socket.Select</c>.</summary>
    public Socket Socket => _socket;

    /// <summary>Wakes the waiting loop; safe from any thread and after disposal.</summary>
    public void Signal()
    {
        try
        {
            _socket.Send([1]);
        }
        catch (SocketException)
        {
            // The send buffer is full of earlier wake-ups: the loop is already due to wake.
        }
        catch (ObjectDisposedException)
        {
            // The server is closed; nobody is waiting.
        }
    }

    /// <summary>Consumes pending wake-ups so the next wait blocks again.</summary>
    public void Drain()
    {
        Span<byte> sink = stackalloc byte[16];
        try
        {
            while (_socket.Available > 0)
            {
                _socket.Receive(sink);
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();

    private static Socket? CreateSelfConnected(IPAddress loopback)
    {
        var socket = new Socket(loopback.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(loopback, 0));
            socket.Connect(socket.LocalEndPoint!);
            socket.Blocking = false;
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }
}
