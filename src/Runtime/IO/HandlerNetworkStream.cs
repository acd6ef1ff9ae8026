using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.IO;

/// <summary>
/// The <see cref="NetworkStream"/> under a stream handler's <c>RFile</c> (and an asynchronous handler's <c>WFile</c>):
/// counts the bytes it reads and writes for the <c>socketserver.io</c> metric (a flag check per call when nobody
/// listens) and, given a <paramref name="timeout"/>, bounds each asynchronous read and write by it, as the socket's
/// own timeouts bound the synchronous ones. Does not own the socket.
/// </summary>
internal sealed class HandlerNetworkStream(Socket connection, BaseServer server, TimeSpan? timeout = null)
    : NetworkStream(connection, ownsSocket: false)
{
    public override int Read(byte[] buffer, int offset, int count) => Received(base.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Received(base.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (timeout is not { } limit)
        {
            return Received(await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);
        try
        {
            return Received(await base.ReadAsync(buffer, timer.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut("Reading from", limit);
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        base.Write(buffer, offset, count);
        server.CountIo(count, received: false);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        base.Write(buffer);
        server.CountIo(buffer.Length, received: false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (timeout is not { } limit)
        {
            await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(limit);
            try
            {
                await base.WriteAsync(buffer, timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut("Writing to", limit);
            }
        }

        server.CountIo(buffer.Length, received: false);
    }

    private static IOException TimedOut(string what, TimeSpan limit) =>
        new($"{what} the client took longer than the handler's Timeout ({limit.TotalSeconds:0.###} s).", new SocketException((int)SocketError.TimedOut));

    private int Received(int read)
    {
        server.CountIo(read, received: true);
        return read;
    }
}
