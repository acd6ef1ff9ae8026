namespace Micro;

/// <summary>
/// An endless in-memory connection: the same line (<c>length</c> bytes with its <c>'\n'</c>) over and over. Every read
/// fills the caller's buffer, as a busy connection would, and completes at once without allocating.
/// </summary>
internal sealed class LineSource : Stream
{
    private readonly byte[] _pattern;
    private int _offset;

    public LineSource(int length)
    {
        _pattern = new byte[length];
        _pattern.AsSpan().Fill((byte)'x');
        _pattern[^1] = (byte)'\n';
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            int count = Math.Min(buffer.Length - written, _pattern.Length - _offset);
            _pattern.AsSpan(_offset, count).CopyTo(buffer[written..]);
            written += count;
            _offset = (_offset + count) % _pattern.Length;
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
