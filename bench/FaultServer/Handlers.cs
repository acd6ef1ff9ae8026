using SocketServer;

/// <summary>Echoes, or floods a client that asks (see <see cref="Flood"/>); synchronous (Threading servers).</summary>
internal sealed class FloodOrEchoHandler : StreamRequestHandler
{
    public FloodOrEchoHandler() => DisableNagleAlgorithm = true;

    public override void Handle()
    {
        var buffer = new byte[64 * 1024];
        int read = RFile.Read(buffer);
        if (Flood.IsRequest(buffer.AsSpan(0, read)))
        {
            // WFile is unbuffered: each write returns once the kernel took its bytes, so a client that stops reading
            // blocks this thread here, and nothing piles up in the process.
            foreach (ReadOnlyMemory<byte> chunk in Flood.Writes())
            {
                WFile.Write(chunk.Span);
            }

            return;
        }

        while (read > 0 && BrokenEcho.Pass(buffer.AsSpan(0, read)))
        {
            WFile.Write(buffer, 0, read);
            read = RFile.Read(buffer);
        }
    }
}

/// <summary>Echoes, or floods a client that asks (see <see cref="Flood"/>); asynchronous (Async servers).</summary>
internal sealed class AsyncFloodOrEchoHandler : AsyncStreamRequestHandler
{
    public AsyncFloodOrEchoHandler() => DisableNagleAlgorithm = true;

    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read = await RFile.ReadAsync(buffer, cancellationToken);
        if (Flood.IsRequest(buffer.AsSpan(0, read)))
        {
            // WriteAsync completes once the kernel took the bytes: a client that stops reading suspends this task.
            foreach (ReadOnlyMemory<byte> chunk in Flood.Writes())
            {
                await WFile.WriteAsync(chunk, cancellationToken);
            }

            return;
        }

        while (read > 0 && BrokenEcho.Pass(buffer.AsSpan(0, read)))
        {
            await WFile.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            read = await RFile.ReadAsync(buffer, cancellationToken);
        }
    }
}

/// <summary>
/// Sends each datagram back, with the request's own socket as Python's <c>BaseRequestHandler</c> does for UDP, so
/// that <c>--drop-after</c> can send nothing (a <c>DatagramRequestHandler</c> always replies, even empty).
/// </summary>
internal sealed class BrokenDatagramEchoHandler : BaseRequestHandler
{
    public override void Handle()
    {
        var (packet, socket) = (DatagramRequest)Request;
        if (BrokenEcho.Pass(packet))
        {
            socket.SendTo(packet, ClientAddress!);
        }
    }
}

/// <summary>Sends each datagram back, asynchronously (see <see cref="BrokenDatagramEchoHandler"/>).</summary>
internal sealed class AsyncBrokenDatagramEchoHandler : AsyncRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        var (packet, socket) = (DatagramRequest)Request;
        if (BrokenEcho.Pass(packet))
        {
            await socket.SendToAsync(packet, ClientAddress!, cancellationToken);
        }
    }
}
