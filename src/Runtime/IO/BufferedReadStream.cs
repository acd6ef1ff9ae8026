using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.IO;

/// <summary>
/// A read-only buffered stream with Python's <c>readline()</c>: the type of a handler's <c>RFile</c>. It reads
/// from a connection (stream handlers) or from a received packet (datagram handlers).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Stream.Read(byte[], int, int)"/> returns as soon as some bytes are available, as every .NET stream
/// does; use <see cref="Stream.ReadExactly(Span{byte})"/> or <see cref="Stream.ReadAtLeast"/> for Python's
/// "read <c>n</c> bytes or until end of stream". Disposing it does not close the connection.
/// </para>
/// <para>
/// Zero-byte reads follow .NET's convention: <c>ReadAsync(Memory&lt;byte&gt;.Empty)</c> (or <c>Read</c> of an empty
/// span) with nothing buffered waits until the connection has data, or ends, and returns 0, without taking a buffer;
/// with bytes buffered, or over a datagram, it returns 0 at once. So a handler that waits for a client's next message
/// can wait with no memory of its own, then rent a buffer and read:
/// <code>
/// await RFile.ReadAsync(Memory&lt;byte&gt;.Empty, cancellationToken); // idle: no buffer held
/// byte[] buffer = ArrayPool&lt;byte&gt;.Shared.Rent(64 * 1024);
/// int read = await RFile.ReadAsync(buffer, cancellationToken);     // data is there: returns at once
/// </code>
/// A read into a buffer at least as large as this stream's own goes straight to the connection, so the stream's own
/// buffer is not taken either.
/// </para>
/// <para>
/// Reading lines is bounded by default: over a connection, <see cref="ReadLine"/>, <see cref="ReadLineAsync"/> and
/// <see cref="ReadLines"/> called without a limit throw a <see cref="LineTooLongException"/> once a line passes
/// <see cref="MaxLineLength"/> (<see cref="DefaultMaxLineLength"/>, 65,536 bytes), so that a client sending an endless
/// line cannot make the server buffer without bound. <see cref="ReadToEnd"/> is not bounded: it is Python's
/// <c>read()</c>, for requests whose end the client marks by closing its side.
/// </para>
/// </remarks>
public sealed class BufferedReadStream : Stream
{
    /// <summary>
    /// The <see cref="MaxLineLength"/> of a stream over a connection: 65,536 bytes, the longest request line and header
    /// Python's <c>http.server</c> accepts.
    /// </summary>
    public const int DefaultMaxLineLength = 65_536;

    private readonly Stream? _source;
    private int? _maxLineLength;
    private readonly int _bufferSize;
    private readonly bool _unbuffered;
    private byte[]? _buffer;
    private int _position;
    private int _length;
    private bool _disposed;

    /// <summary>Reads <paramref name="source"/> through a buffer.</summary>
    /// <param name="source">The stream to read, e.g. a <see cref="System.Net.Sockets.NetworkStream"/> over a connection.</param>
    /// <param name="bufferSize">
    /// The buffer size in bytes; 0 reads unbuffered: a read never asks the source for more than the caller
    /// wants, and <see cref="ReadLine"/> reads one byte at a time, so nothing past the line is consumed.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> is negative.</exception>
    public BufferedReadStream(Stream source, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferSize);
        _source = source;
        _unbuffered = bufferSize == 0;
        _bufferSize = _unbuffered ? 1 : bufferSize;
        _maxLineLength = DefaultMaxLineLength;
    }

    /// <summary>Reads the bytes of <paramref name="content"/> (a datagram) without copying them.</summary>
    /// <param name="content">All the data there is; the stream ends after it.</param>
    /// <remarks>
    /// <see cref="MaxLineLength"/> is <see langword="null"/> here: the whole datagram is already in memory, its size
    /// bounded by the server's <c>MaxPacketSize</c>, so a line limit would protect nothing and only refuse long lines.
    /// </remarks>
    public BufferedReadStream(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        _buffer = content;
        _bufferSize = content.Length;
        _length = content.Length;
    }

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <summary>Not supported: the stream has no known length.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException("A request stream has no known length; read until end of stream instead.");

    /// <summary>Not supported: the stream cannot seek.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Position
    {
        get => throw new NotSupportedException("A request stream cannot seek.");
        set => throw new NotSupportedException("A request stream cannot seek.");
    }

    /// <summary>
    /// The longest line, in bytes with its <c>'\n'</c>, that <see cref="ReadLine"/>, <see cref="ReadLineAsync"/> and
    /// <see cref="ReadLines"/> return when called without a limit; a longer line throws a
    /// <see cref="LineTooLongException"/> after <c>MaxLineLength + 1</c> bytes of it have been read, so reading a line
    /// never holds more than that plus the buffer. <see langword="null"/> for no limit (a client can then make the
    /// server buffer without bound). Over a connection it is <see cref="DefaultMaxLineLength"/> unless set (the
    /// handlers set it from their <c>MaxLineLength</c>); over a datagram, <see langword="null"/>. An explicit
    /// <c>limit</c> argument is not affected: <c>ReadLine(limit)</c> returns at most <c>limit</c> bytes, as in Python,
    /// and never throws for length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative, or not less than <see cref="Array.MaxLength"/>.</exception>
    public int? MaxLineLength
    {
        get => _maxLineLength;
        set => _maxLineLength = ValidMaxLineLength(value);
    }

    /// <summary>
    /// Reads one line: bytes up to and including the next <c>'\n'</c>, at most <paramref name="limit"/> bytes, or
    /// up to the end of the stream. Returns an empty array at the end of the stream.
    /// </summary>
    /// <param name="limit">
    /// The most bytes to return (Python's <c>readline(limit)</c>: the rest of a longer line is returned by the next
    /// calls); negative (the default) for a whole line, at most <see cref="MaxLineLength"/> bytes.
    /// </param>
    /// <returns>The line, including its <c>'\n'</c> if one was read.</returns>
    /// <exception cref="LineTooLongException">
    /// Called without a limit, the line is longer than <see cref="MaxLineLength"/>: more bytes than that arrived without
    /// a <c>'\n'</c>. They are consumed.
    /// </exception>
    public byte[] ReadLine(int limit = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (limit == 0)
        {
            return [];
        }

        int cap = Cap(limit);
        var line = new LineParts();
        while (_position < _length || Fill())
        {
            if (TakeLinePart(cap, ref line))
            {
                break;
            }
        }

        return EndLine(limit, ref line);
    }

    /// <summary>Reads lines until the end of the stream (Python's <c>for line in rfile</c>).</summary>
    /// <returns>Each line, including its <c>'\n'</c> (the last one may lack it).</returns>
    /// <exception cref="LineTooLongException">A line is longer than <see cref="MaxLineLength"/>.</exception>
    public IEnumerable<byte[]> ReadLines()
    {
        while (true)
        {
            byte[] line = ReadLine();
            if (line.Length == 0)
            {
                yield break;
            }

            yield return line;
        }
    }

    /// <summary>
    /// Reads everything up to the end of the stream (Python's <c>rfile.read()</c>). Not bounded: it holds whatever the
    /// client sends before closing its side, so use it only where the request's size is bounded some other way.
    /// </summary>
    /// <returns>The remaining bytes.</returns>
    public byte[] ReadToEnd()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var rest = new MemoryStream();
        rest.Write(_buffer.AsSpan(_position, _length - _position));
        _position = _length;
        _source?.CopyTo(rest);
        return rest.ToArray();
    }

    /// <summary>
    /// <see cref="ReadLine"/> without blocking a thread: the bytes up to and including the next <c>'\n'</c>, at most
    /// <paramref name="limit"/> bytes, or up to the end of the stream; an empty array at the end of the stream.
    /// </summary>
    /// <param name="limit">
    /// The most bytes to return (Python's <c>readline(limit)</c>); negative (the default) for a whole line, at most
    /// <see cref="MaxLineLength"/> bytes.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for data.</param>
    /// <returns>The line, including its <c>'\n'</c> if one was read.</returns>
    /// <exception cref="LineTooLongException">
    /// Called without a limit, the line is longer than <see cref="MaxLineLength"/>. Its bytes read so far are consumed.
    /// </exception>
    public async ValueTask<byte[]> ReadLineAsync(int limit = -1, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (limit == 0)
        {
            return [];
        }

        // The same steps as ReadLine: a line already in the buffer completes without awaiting and costs only its array.
        int cap = Cap(limit);
        var line = new LineParts();
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TakeLinePart(cap, ref line))
            {
                break;
            }
        }

        return EndLine(limit, ref line);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// An empty <paramref name="buffer"/> is a zero-byte read: with nothing buffered it completes when the source has
    /// data (or ends), without taking a buffer, and returns 0 (see the class remarks).
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // no allocation per read that waits for data
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position == _length)
        {
            if (_source is null)
            {
                return 0;
            }

            if (buffer.IsEmpty)
            {
                // The zero-byte read goes to the source, which completes it when data arrives: no buffer is needed to wait.
                await _source.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                return 0;
            }

            if (_unbuffered || buffer.Length >= _bufferSize)
            {
                return await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }

        int count = Math.Min(buffer.Length, _length - _position); // 0 for a zero-byte read with bytes buffered
        _buffer.AsSpan(_position, count).CopyTo(buffer.Span);
        _position += count;
        return count;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// An empty <paramref name="buffer"/> is a zero-byte read: with nothing buffered it blocks until the source has
    /// data (or ends), without taking a buffer, and returns 0 (see the class remarks).
    /// </remarks>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position == _length)
        {
            if (_source is null)
            {
                return 0;
            }

            if (buffer.IsEmpty)
            {
                _ = _source.Read(Span<byte>.Empty); // returns when data arrives (or the stream ends): no buffer is needed to wait
                return 0;
            }

            if (_unbuffered || buffer.Length >= _bufferSize)
            {
                // Nothing buffered and the caller wants at least a buffer's worth: read straight into its memory.
                return _source.Read(buffer);
            }

            if (!Fill())
            {
                return 0;
            }
        }

        int count = Math.Min(buffer.Length, _length - _position);
        _buffer.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    /// <inheritdoc/>
    public override int ReadByte()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position == _length && !Fill())
        {
            return -1;
        }

        return _buffer![_position++];
    }

    /// <summary>Does nothing: the stream is read-only.</summary>
    public override void Flush()
    {
    }

    /// <summary>Not supported: the stream cannot seek.</summary>
    /// <param name="offset">Unused.</param>
    /// <param name="origin">Unused.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A request stream cannot seek.");

    /// <summary>Not supported: the stream is read-only.</summary>
    /// <param name="value">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException("A request stream is read-only.");

    /// <summary>Not supported: the stream is read-only; write the reply to the handler's <c>WFile</c>.</summary>
    /// <param name="buffer">Unused.</param>
    /// <param name="offset">Unused.</param>
    /// <param name="count">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("RFile is read-only; write the reply to WFile.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _source?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Checks a <see cref="MaxLineLength"/> (the handlers' settings use it too) and returns it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative, or not less than <see cref="Array.MaxLength"/>.</exception>
    internal static int? ValidMaxLineLength(int? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is { } length)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length, name);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(length, Array.MaxLength, name);
        }

        return value;
    }

    /// <summary>
    /// How many bytes a line read may take: the caller's <paramref name="limit"/> if it gave one; else one past
    /// <see cref="MaxLineLength"/>, enough to tell a line of exactly that length from a longer one; else no cap (-1).
    /// </summary>
    private int Cap(int limit) => limit > 0 ? limit : _maxLineLength is { } most ? most + 1 : -1;

    /// <summary>Throws when a line read without a limit came back longer than <see cref="MaxLineLength"/>.</summary>
    private void ThrowIfTooLong(int limit, byte[] line)
    {
        if (limit < 0 && _maxLineLength is { } most && line.Length > most)
        {
            throw new LineTooLongException(most, line.Length);
        }
    }

    /// <summary>
    /// Takes the buffered bytes that belong to the line being read, up to its <c>'\n'</c> or <paramref name="cap"/> bytes in
    /// all; true when the line is complete. A line found whole in the buffer is copied once, into its own array.
    /// </summary>
    private bool TakeLinePart(int cap, ref LineParts line)
    {
        ReadOnlySpan<byte> available = _buffer.AsSpan(_position, _length - _position);
        if (cap > 0 && available.Length > cap - line.Total)
        {
            available = available[..(cap - line.Total)];
        }

        int newline = available.IndexOf((byte)'\n');
        ReadOnlySpan<byte> taken = newline >= 0 ? available[..(newline + 1)] : available;
        _position += taken.Length;
        line.Total += taken.Length;
        bool complete = newline >= 0 || line.Total == cap;
        if (line.Parts is null && complete)
        {
            line.Whole = taken.ToArray();
        }
        else
        {
            (line.Parts ??= []).Add(taken.ToArray());
        }

        return complete;
    }

    /// <summary>The line read (empty at the end of the stream), after the check of <see cref="MaxLineLength"/>.</summary>
    private byte[] EndLine(int limit, ref LineParts line)
    {
        byte[] result = line.Whole ?? Concatenate(line.Parts, line.Total);
        ThrowIfTooLong(limit, result);
        return result;
    }

    private static byte[] Concatenate(List<byte[]>? parts, int total)
    {
        if (parts is null)
        {
            return [];
        }

        var line = new byte[total];
        int offset = 0;
        foreach (byte[] part in parts)
        {
            part.CopyTo(line, offset);
            offset += part.Length;
        }

        return line;
    }

    /// <summary>
    /// A line being read: the whole line when the buffer held all of it, else its parts so far (one per buffer it
    /// spanned), and its length.
    /// </summary>
    private struct LineParts
    {
        public byte[]? Whole;
        public List<byte[]>? Parts;
        public int Total;
    }

    /// <summary>Refills the empty buffer from the source; false at the end of the stream.</summary>
    private bool Fill()
    {
        if (_source is null)
        {
            return false;
        }

        _buffer ??= new byte[_bufferSize];
        _position = 0;
        _length = _source.Read(_buffer, 0, _bufferSize);
        return _length > 0;
    }

    /// <summary>
    /// Refills the empty buffer asynchronously. The buffer is created only when data has arrived (a zero-byte read
    /// waits for it first), so a connection that waits idle holds no buffer.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_source is null)
        {
            return false;
        }

        if (_buffer is null)
        {
            await _source.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            _buffer = new byte[_bufferSize];
        }

        _position = 0;
        _length = await _source.ReadAsync(_buffer.AsMemory(0, _bufferSize), cancellationToken).ConfigureAwait(false);
        return _length > 0;
    }
}
