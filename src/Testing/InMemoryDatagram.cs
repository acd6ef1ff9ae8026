using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.Testing;

/// <summary>
/// A datagram handed to <see cref="BaseServer.ServeRequest"/> in place of one received on the server's socket: the
/// handler's reply (<see cref="DatagramRequest.SendReply"/>) is collected here instead of being sent.
/// </summary>
internal sealed record InMemoryDatagram(byte[] Packet, System.Net.Sockets.Socket Socket) : DatagramRequest(Packet, Socket)
{
    private readonly List<byte[]> _replies = [];

    /// <summary>The replies sent so far, in order.</summary>
    public IReadOnlyList<byte[]> Replies
    {
        get
        {
            lock (_replies)
            {
                return _replies.ToArray();
            }
        }
    }

    public override void SendReply(ReadOnlySpan<byte> reply, EndPoint clientAddress)
    {
        lock (_replies)
        {
            _replies.Add(reply.ToArray());
        }
    }

    public override ValueTask SendReplyAsync(ReadOnlyMemory<byte> reply, EndPoint clientAddress, CancellationToken cancellationToken)
    {
        SendReply(reply.Span, clientAddress);
        return ValueTask.CompletedTask;
    }
}
