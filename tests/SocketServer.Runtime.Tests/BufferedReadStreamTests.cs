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

    [Fact]
    public async Task A_zero_byte_ReadAsync_with_nothing_buffered_waits_for_data_without_taking_a_buffer()
    {
        using var pair = new ConnectedPair();
        var source = new RecordingStream(new NetworkStream(pair.Server));
        using var stream = new BufferedReadStream(source, bufferSize: 8192);

        ValueTask<int> waiting = stream.ReadAsync(Memory<byte>.Empty);
        Assert.False(waiting.IsCompleted, "Nothing has been sent yet: the zero-byte read must wait.");
        pair.Client.Send("hello"u8);
        Assert.Equal(0, await waiting.AsTask().WaitAsync(Bounded.Limit));

        // The wait asked the source for zero bytes and consumed nothing: the data is still in the connection.
        Assert.Equal([0], source.Requested);
        Assert.Equal(5, pair.Server.Available);

        // A read into a buffer at least as large as the stream's own goes straight to the connection.
        var rented = new byte[8192];
        Assert.Equal(5, await stream.ReadAsync(rented));
        Assert.Equal("hello"u8.ToArray(), rented[..5]);
        Assert.Equal([0, 8192], source.Requested);
    }

    [Fact]
    public async Task A_zero_byte_read_returns_at_once_when_bytes_are_buffered_over_a_packet_or_at_the_end()
    {
        using var pair = new ConnectedPair();
        var source = new RecordingStream(new NetworkStream(pair.Server));
        using var stream = new BufferedReadStream(source, bufferSize: 8192);
        pair.Client.Send("a\nb"u8);
        Assert.Equal("a\n"u8.ToArray(), await stream.ReadLineAsync());
        int requests = source.Requested.Count;
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, stream.Read(Span<byte>.Empty));
        Assert.Equal(requests, source.Requested.Count); // "b" is buffered: the source is not asked
        Assert.Equal('b', stream.ReadByte());

        pair.Client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty).AsTask().WaitAsync(Bounded.Limit)); // the end of the stream
        Assert.Equal(-1, stream.ReadByte());

        using var packet = new BufferedReadStream("datagram"u8.ToArray());
        Assert.Equal(0, await packet.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, packet.Read([], 0, 0));
        Assert.Equal("datagram"u8.ToArray(), packet.ReadToEnd());
        Assert.Equal(0, await packet.ReadAsync(Memory<byte>.Empty));
    }

    [Fact]
    public void A_zero_byte_Read_with_nothing_buffered_blocks_until_data_arrives_without_consuming_it()
    {
        using var pair = new ConnectedPair();
        var source = new RecordingStream(new NetworkStream(pair.Server));
        using var stream = new BufferedReadStream(source, bufferSize: 0);
        var returned = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            _ = stream.Read(Span<byte>.Empty);
            returned.Set();
        })
        { IsBackground = true };
        reader.Start();
        pair.Client.Send("xy\n"u8);
        Bounded.Wait(returned, "the zero-byte read to return");
        Bounded.Join(reader, "the reader");
        Assert.Equal([0], source.Requested);
        Assert.Equal(3, pair.Server.Available);
        Assert.Equal("xy\n"u8.ToArray(), stream.ReadLine());
    }

    /// <summary>A connected TCP pair on loopback.</summary>
    private sealed class ConnectedPair : IDisposable
    {
        public ConnectedPair()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            Client = Clients.Connect(listener.LocalEndPoint!);
            Server = listener.Accept();
            Server.ReceiveTimeout = (int)Bounded.Limit.TotalMilliseconds;
        }

        public Socket Client { get; }

        public Socket Server { get; }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }

    /// <summary>Passes reads on to <paramref name="inner"/> and records how many bytes each asked for.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        public List<int> Requested { get; } = [];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Requested.Add(buffer.Length);
            return inner.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Requested.Add(buffer.Length);
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
