using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.IO;

/// <summary>
/// The unbuffered <c>WFile</c> of a synchronous stream handler (Python's <c>_SocketWriter</c>): the write side of the
/// request's stream, where every write sends all of its bytes before it returns. Disposing it leaves the request's
/// stream open (<c>RFile</c> still reads it) and the connection too.
/// </summary>
internal sealed class RequestWriteStream(Stream requestStream) : Stream
{
    private bool _disposed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override bool CanTimeout => requestStream.CanTimeout;

    public override int WriteTimeout
    {
        get => requestStream.WriteTimeout;
        set => requestStream.WriteTimeout = value;
    }

    public override long Length => throw new NotSupportedException("A connection has no length.");

    public override long Position
    {
        get => throw new NotSupportedException("A connection cannot seek.");
        set => throw new NotSupportedException("A connection cannot seek.");
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        requestStream.Write(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return requestStream.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => requestStream.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => requestStream.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("WFile is write-only; read the request from RFile.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A connection cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A connection has no length.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }
}
