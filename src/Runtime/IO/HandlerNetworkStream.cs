using System;
using System.IO;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.IO;

/// <summary>
/// The stream of a connection (<see cref="BaseServer.CreateRequestStream"/>'s default), under a stream handler's
/// <c>RFile</c> and <c>WFile</c>: counts the bytes it reads and writes for the <c>socketserver.io</c> metric (a flag check
/// per call when nobody listens) and bounds each asynchronous read and write by <see cref="ReadTimeout"/> and
/// <see cref="WriteTimeout"/>, as the socket's own timeouts (which those set) bound the synchronous ones. A stream
/// layered over it (an <see cref="System.Net.Security.SslStream"/>) passes its timeouts down, so one setting bounds
/// both. Does not own the socket.
/// </summary>
/// <remarks>
/// It wraps a <see cref="NetworkStream"/> rather than deriving from one: a type derived from <see cref="NetworkStream"/>
/// has its span reads and writes routed through its array overloads (.NET's compatibility rule for subclasses written
/// before spans existed), so counting in both overloads counted every such byte twice, and a copy through a rented
/// array was paid on each call. Here every overload ends in exactly one of four counted operations: <see cref="Read(Span{byte})"/>,
/// <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>, <see cref="Write(ReadOnlySpan{byte})"/> and
/// <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>; the inherited ones (<c>ReadByte</c>, <c>WriteByte</c>,
/// <c>CopyTo</c>, <c>CopyToAsync</c>, <c>BeginRead</c>…) reach them through the array overloads.
/// </remarks>
internal sealed class HandlerNetworkStream(Socket connection, BaseServer server) : Stream
{
    private readonly NetworkStream _inner = new(connection, ownsSocket: false);

    // The asynchronous bounds, in milliseconds; Timeout.Infinite (the socket's default) for none.
    private int _readTimeout = Timeout.Infinite;
    private int _writeTimeout = Timeout.Infinite;

    public override bool CanRead => _inner.CanRead;

    public override bool CanWrite => _inner.CanWrite;

    public override bool CanSeek => false;

    public override bool CanTimeout => true;

    public override int ReadTimeout
    {
        get => _inner.ReadTimeout;
        set
        {
            _inner.ReadTimeout = value;
            _readTimeout = value == 0 ? Timeout.Infinite : value;
        }
    }

    public override int WriteTimeout
    {
        get => _inner.WriteTimeout;
        set
        {
            _inner.WriteTimeout = value;
            _writeTimeout = value == 0 ? Timeout.Infinite : value;
        }
    }

    public override long Length => throw new NotSupportedException("A connection has no length.");

    public override long Position
    {
        get => throw new NotSupportedException("A connection cannot seek.");
        set => throw new NotSupportedException("A connection cannot seek.");
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer) => Received(_inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    // Pooled: a read or write that waits for the socket allocates no state machine (0 bytes per echoed message).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int limit = _readTimeout;
        if (limit == Timeout.Infinite)
        {
            return Received(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);
        try
        {
            return Received(await _inner.ReadAsync(buffer, timer.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut("Reading from", limit);
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        server.CountIo(buffer.Length, received: false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int limit = _writeTimeout;
        if (limit == Timeout.Infinite)
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(limit);
            try
            {
                await _inner.WriteAsync(buffer, timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut("Writing to", limit);
            }
        }

        server.CountIo(buffer.Length, received: false);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A connection cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A connection has no length.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static IOException TimedOut(string what, int milliseconds) =>
        new($"{what} the client took longer than the handler's Timeout ({milliseconds / 1000.0:0.###} s).", new SocketException((int)SocketError.TimedOut));

    private int Received(int read)
    {
        server.CountIo(read, received: true);
        return read;
    }
}
