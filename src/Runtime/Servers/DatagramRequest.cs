using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer;

/// <summary>
/// The request of a datagram server (Python's <c>(data, socket)</c> pair): the received packet and the
/// server's socket, used to send a reply with <c>SendTo(reply, clientAddress)</c>.
/// </summary>
/// <remarks>
/// The datagram handlers send their reply through <see cref="SendReply"/> and <see cref="SendReplyAsync"/>, which send it
/// on <see cref="Socket"/>. A request that delivers replies elsewhere derives from this record and overrides both: an
/// in-memory datagram a test hands to <see cref="BaseServer.ServeRequest"/> (SocketServer.Testing) collects them.
/// </remarks>
/// <param name="Packet">The datagram's bytes (at most the server's <see cref="UdpServer.MaxPacketSize"/>).</param>
/// <param name="Socket">The server's socket. Do not close it: every request shares it.</param>
#pragma warning disable CA1819 // The packet is the request's data; a copy per access would be waste.
public record DatagramRequest(byte[] Packet, Socket Socket)
#pragma warning restore CA1819
{
    /// <summary>Sends <paramref name="reply"/> to <paramref name="clientAddress"/> as one datagram, on <see cref="Socket"/>.</summary>
    /// <param name="reply">The datagram to send (possibly empty).</param>
    /// <param name="clientAddress">Where to send it: the request's client.</param>
    /// <exception cref="SocketException">Sending failed.</exception>
    public virtual void SendReply(ReadOnlySpan<byte> reply, EndPoint clientAddress) => Socket.SendTo(reply, SocketFlags.None, clientAddress);

    /// <summary><see cref="SendReply"/> without blocking a thread.</summary>
    /// <param name="reply">The datagram to send (possibly empty).</param>
    /// <param name="clientAddress">Where to send it: the request's client.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the datagram is sent.</returns>
    /// <exception cref="SocketException">Sending failed.</exception>
    public virtual async ValueTask SendReplyAsync(ReadOnlyMemory<byte> reply, EndPoint clientAddress, CancellationToken cancellationToken) =>
        await Socket.SendToAsync(reply, SocketFlags.None, clientAddress, cancellationToken).ConfigureAwait(false);
}
