using System.Net.Sockets;

namespace SocketServer;

/// <summary>
/// The request of a datagram server (Python's <c>(data, socket)</c> pair): the received packet and the
/// server's socket, used to send a reply with <c>SendTo(reply, clientAddress)</c>.
/// </summary>
/// <param name="Packet">The datagram's bytes (at most the server's <see cref="UdpServer.MaxPacketSize"/>).</param>
/// <param name="Socket">The server's socket. Do not close it: every request shares it.</param>
#pragma warning disable CA1819 // The packet is the request's data; a copy per access would be waste.
public sealed record DatagramRequest(byte[] Packet, Socket Socket);
#pragma warning restore CA1819
