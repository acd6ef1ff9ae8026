using SocketServer.IO;

namespace SocketServer.Tests;

/// <summary>RFile's stream on its own: lines, limits, buffering and the end of the stream.</summary>
public class BufferedReadStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8192)]
    public void Lines_split_across_reads_and_buffers_come_back_whole(int bufferSize)
    {
        using var stream = new BufferedReadStream(new TricklingStream("alpha\nbeta\n\ngamma"u8.ToArray(), chunk: 2), bufferSize);
        Assert.Equal("alpha\n"u8.ToArray(), stream.ReadLine());
        Assert.Equal("beta\n"u8.ToArray(), stream.ReadLine());
        Assert.Equal("\n"u8.ToArray(), stream.ReadLine());
        Assert.Equal("gamma"u8.ToArray(), stream.ReadLine());
        Assert.Empty(stream.ReadLine());
        Assert.Empty(stream.ReadLine());
    }

    [Fact]
    public void A_limit_caps_the_line_and_the_rest_follows()
    {
        using var stream = new BufferedReadStream("abcdefgh\nz"u8.ToArray());
        Assert.Equal("abc"u8.ToArray(), stream.ReadLine(3));
        Assert.Empty(stream.ReadLine(0));
        Assert.Equal("defgh\n"u8.ToArray(), stream.ReadLine(100));
        Assert.Equal("z"u8.ToArray(), stream.ReadLine(-5));
    }

    [Fact]
    public void Read_ReadByte_and_ReadToEnd_share_the_buffer()
    {
        using var stream = new BufferedReadStream(new TricklingStream("0123456789"u8.ToArray(), chunk: 4), bufferSize: 4);
        Assert.Equal('0', stream.ReadByte());
        var two = new byte[2];
        Assert.Equal(2, stream.Read(two, 0, 2));
        Assert.Equal("12"u8.ToArray(), two);
        Assert.Equal("3456789"u8.ToArray(), stream.ReadToEnd());
        Assert.Equal(-1, stream.ReadByte());
        Assert.Equal(0, stream.Read(two));
    }

    [Fact]
    public void It_is_read_only_and_cannot_seek()
    {
        using var stream = new BufferedReadStream([1, 2, 3]);
        Assert.True(stream.CanRead);
        Assert.False(stream.CanWrite);
        Assert.False(stream.CanSeek);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        stream.Dispose();
        Assert.False(stream.CanRead);
        Assert.Throws<ObjectDisposedException>(() => stream.ReadLine());
    }

    [Fact]
    public void Unbuffered_reads_never_take_more_than_asked()
    {
        var source = new TricklingStream("line\nrest"u8.ToArray(), chunk: 100);
        using var stream = new BufferedReadStream(source, bufferSize: 0);
        Assert.Equal("line\n"u8.ToArray(), stream.ReadLine());
        Assert.Equal(5, source.Consumed);
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a network connection may.</summary>
    private sealed class TricklingStream(byte[] data, int chunk) : Stream
    {
        public int Consumed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), data.Length - Consumed);
            Array.Copy(data, Consumed, buffer, offset, n);
            Consumed += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
