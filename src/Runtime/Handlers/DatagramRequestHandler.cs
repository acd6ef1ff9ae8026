using System;
using System.IO;
using System.Net.Sockets;
using SocketServer.IO;

namespace SocketServer;

/// <summary>
/// A handler for datagram servers (UDP, Unix datagram): Python's <c>socketserver.DatagramRequestHandler</c>.
/// <see cref="RFile"/> reads the received packet; what you write to <see cref="WFile"/> is sent back to the
/// client as one datagram in <see cref="Finish"/>, even when nothing was written and even after
/// <see cref="BaseRequestHandler.Handle"/> threw.
/// </summary>
public abstract class DatagramRequestHandler : BaseRequestHandler
{
    /// <summary>The received datagram.</summary>
#pragma warning disable CA1819 // The packet is the request's data; a copy per access would be waste.
    public byte[] Packet { get; private set; } = [];
#pragma warning restore CA1819

    /// <summary>The server's socket, to send replies with. Do not close it: every request shares it.</summary>
    public Socket Socket { get; private set; } = null!;

    /// <summary>
    /// Reads <see cref="Packet"/>. Its lines have no length limit (<see cref="BufferedReadStream.MaxLineLength"/> is
    /// <see langword="null"/>): the datagram is already in memory, bounded by the server's <c>MaxPacketSize</c>.
    /// </summary>
    public BufferedReadStream RFile { get; private set; } = null!;

    /// <summary>Collects the reply; sent as one datagram in <see cref="Finish"/>.</summary>
    public MemoryStream WFile { get; private set; } = null!;

    private DatagramRequest _datagram = null!;

    /// <summary>Takes the packet and socket from the request and creates <see cref="RFile"/> and <see cref="WFile"/>.</summary>
    /// <exception cref="InvalidOperationException">The server is a stream server.</exception>
    public override void Setup()
    {
        var datagram = Request as DatagramRequest ?? throw new InvalidOperationException(
            $"{GetType().Name} is a DatagramRequestHandler, which serves datagrams (UdpServer, UnixDatagramServer), but {Server.GetType().Name} " +
            $"delivered a {Request.GetType().Name}. Derive the handler from StreamRequestHandler for a stream server.");
        _datagram = datagram;
        (Packet, Socket) = datagram;
        RFile = new BufferedReadStream(Packet);
        WFile = new MemoryStream();
    }

    /// <summary>Sends what was written to <see cref="WFile"/> to the client as one datagram (possibly empty), through the request's <see cref="DatagramRequest.SendReply"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The client's Unix socket is unbound, so there is no address to reply to, and the handler wrote a reply.
    /// (With nothing written, there is nothing to lose and no error.)
    /// </exception>
    public override void Finish()
    {
        byte[] reply = WFile.ToArray();
        RFile.Dispose();
        if (ClientAddress is null)
        {
            if (reply.Length > 0)
            {
                throw new InvalidOperationException(
                    $"The handler wrote a {reply.Length}-byte reply, but the client's Unix datagram socket is not bound to a path, so it cannot receive one. " +
                    "Bind the client socket to a path to get replies.");
            }

            return;
        }

        _datagram.SendReply(reply, ClientAddress);
        Server.CountIo(reply.Length, received: false);
    }
}
