using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.Testing;

/// <summary>
/// The server's end of an <see cref="InMemoryConnection"/>: the request object handed to <see cref="BaseServer.ServeRequest"/>,
/// which the default <see cref="BaseServer.CreateRequestStream"/> gives the handler as its request stream. Reads what the
/// test wrote; writes go to the test. Disposing it (the handler's <c>Finish</c> does) ends the reply, as closing a
/// connection would. <see cref="Stream.ReadTimeout"/> (the handler's <c>Timeout</c>) bounds a read, which then throws an
/// <see cref="IOException"/> as a socket's would.
/// </summary>
internal sealed class InMemoryRequestStream(ByteChannel input, ByteChannel output) : Stream
{
    private int _readTimeout = Timeout.Infinite;
    private int _writeTimeout = Timeout.Infinite;
    private volatile bool _disposed;

    public override bool CanRead => !_disposed;

    public override bool CanWrite => !_disposed;

    public override bool CanSeek => false;

    public override bool CanTimeout => true;

    public override int ReadTimeout
    {
        get => _readTimeout;
        set => _readTimeout = value;
    }

    // Writes never wait (the buffer grows), so this is only kept for what the handler sets.
    public override int WriteTimeout
    {
        get => _writeTimeout;
        set => _writeTimeout = value;
    }

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int read = input.Read(buffer, TimeSpan.FromMilliseconds(_readTimeout));
        return read >= 0 ? read : throw TimedOut();
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int read = await input.ReadAsync(buffer, TimeSpan.FromMilliseconds(_readTimeout), cancellationToken).ConfigureAwait(false);
        return read >= 0 ? read : throw TimedOut();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        output.Write(buffer, "The request's reply has already ended.");
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        output.Complete();
        base.Dispose(disposing);
    }

    private IOException TimedOut() => new(
        $"A read of the in-memory connection timed out after {_readTimeout} ms (the handler's Timeout): the test wrote nothing more in that time.",
        new TimeoutException());
}
