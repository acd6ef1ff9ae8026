using System;
using System.IO;
using System.Net.Sockets;

namespace SocketServer.IO;

/// <summary>
/// The unbuffered <c>WFile</c> of a stream handler (Python's <c>_SocketWriter</c>): every write sends all of
/// its bytes before it returns. Disposing it does not close the connection.
/// </summary>
internal sealed class SocketWriteStream : Stream
{
    private readonly Socket _connection;
    private readonly BaseServer? _server;
    private bool _disposed;

    public SocketWriteStream(Socket connection, BaseServer? server = null)
    {
        _connection = connection;
        _server = server;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

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
        try
        {
            int length = buffer.Length;
            while (!buffer.IsEmpty)
            {
                buffer = buffer[_connection.Send(buffer)..];
            }

            _server?.CountIo(length, received: false);
        }
        catch (SocketException e)
        {
            throw new IOException($"Sending the reply to the client failed: {e.Message} ({e.SocketErrorCode}).", e);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("WFile is write-only; read the request from RFile.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A connection cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A connection has no length.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }
}
