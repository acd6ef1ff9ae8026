using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SocketServer.IO;

namespace SocketServer;

/// <summary>
/// An asynchronous handler for datagram servers (UDP, Unix datagram): <see cref="RFile"/> reads the packet; what you
/// write to <see cref="WFile"/> goes back to the client as one datagram in <see cref="FinishAsync"/>, even when empty
/// and even after <see cref="AsyncRequestHandler.HandleAsync"/> threw.
/// </summary>
public abstract class AsyncDatagramRequestHandler : AsyncRequestHandler
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

    /// <summary>Collects the reply; sent as one datagram in <see cref="FinishAsync"/>.</summary>
    public MemoryStream WFile { get; private set; } = null!;

    private DatagramRequest _datagram = null!;

    /// <summary>Takes the packet and socket from the request and creates <see cref="RFile"/> and <see cref="WFile"/>.</summary>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">The server is a stream server.</exception>
    public override Task SetupAsync(CancellationToken cancellationToken)
    {
        var datagram = Request as DatagramRequest ?? throw new InvalidOperationException(
            $"{GetType().Name} is an AsyncDatagramRequestHandler, which serves datagrams (UDP, Unix datagram), but {Server.GetType().Name} " +
            $"delivered a {Request.GetType().Name}. Derive the handler from AsyncStreamRequestHandler for a stream server.");
        _datagram = datagram;
        (Packet, Socket) = datagram;
        RFile = new BufferedReadStream(Packet);
        WFile = new MemoryStream();
        return Task.CompletedTask;
    }

    /// <summary>Sends what was written to <see cref="WFile"/> to the client as one datagram (possibly empty), through the request's <see cref="DatagramRequest.SendReplyAsync"/>.</summary>
    /// <returns>A task that completes when the datagram is sent.</returns>
    /// <exception cref="InvalidOperationException">The client's Unix socket is unbound and the handler wrote a reply.</exception>
    public override async Task FinishAsync()
    {
        byte[] reply = WFile.ToArray();
        await RFile.DisposeAsync().ConfigureAwait(false);
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

        await _datagram.SendReplyAsync(reply, ClientAddress, CancellationToken.None).ConfigureAwait(false);
        Server.CountIo(reply.Length, received: false);
    }
}
