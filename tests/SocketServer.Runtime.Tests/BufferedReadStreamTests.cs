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

    public static TheoryData<int, bool> BufferSizesAndAsync()
    {
        var data = new TheoryData<int, bool>();
        foreach (int size in new[] { 0, 3, 8192 })
        {
            data.Add(size, false);
            data.Add(size, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BufferSizesAndAsync))]
    public async Task A_line_of_MaxLineLength_bytes_is_returned_and_a_longer_one_throws_saying_what_to_do(int bufferSize, bool async)
    {
        byte[] input = "123456789\n1234567890\n12345678901\nnext\n"u8.ToArray();
        using var stream = new BufferedReadStream(new TricklingStream(input, chunk: 4), bufferSize) { MaxLineLength = 10 };
        Assert.Equal("123456789\n"u8.ToArray(), await Line(stream, async));

        // Ten bytes and no '\n' yet: the eleventh byte decides, and it is not the end of the line.
        var error = await Assert.ThrowsAsync<LineTooLongException>(() => Line(stream, async));
        Assert.Equal(10, error.MaxLineLength);
        Assert.Equal(11, error.BytesRead);
        Assert.IsAssignableFrom<IOException>(error);
        Assert.Equal(
            "A line from the client is longer than 10 bytes: 11 bytes arrived without its end ('\\n'). Reading a line stops at " +
            "MaxLineLength (10 bytes) so that one client cannot make the server buffer without bound. If longer lines are expected, " +
            "raise MaxLineLength on the handler (StreamRequestHandler.MaxLineLength or AsyncStreamRequestHandler.MaxLineLength; " +
            "null removes the limit), or read long lines in pieces with ReadLine(limit).",
            error.Message);
    }

    [Theory]
    [MemberData(nameof(BufferSizesAndAsync))]
    public async Task A_last_line_of_MaxLineLength_bytes_without_its_newline_is_returned(int bufferSize, bool async)
    {
        using var stream = new BufferedReadStream(new TricklingStream("abc\n1234567890"u8.ToArray(), chunk: 4), bufferSize) { MaxLineLength = 10 };
        Assert.Equal("abc\n"u8.ToArray(), await Line(stream, async));
        Assert.Equal("1234567890"u8.ToArray(), await Line(stream, async));
        Assert.Empty(await Line(stream, async));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_explicit_limit_keeps_Pythons_meaning_and_is_not_bounded_by_MaxLineLength(bool async)
    {
        using var stream = new BufferedReadStream(new TricklingStream("0123456789abcdefghij\n"u8.ToArray(), chunk: 4), bufferSize: 8) { MaxLineLength = 5 };
        Assert.Equal("0123456789abcde"u8.ToArray(), async ? await stream.ReadLineAsync(15) : stream.ReadLine(15));
        Assert.Equal("fghij\n"u8.ToArray(), async ? await stream.ReadLineAsync(100) : stream.ReadLine(100));
    }

    [Fact]
    public void ReadLines_throws_at_the_first_line_that_is_too_long()
    {
        using var stream = new BufferedReadStream(new TricklingStream("ok\nfine\nmuch too long\nunread\n"u8.ToArray(), chunk: 5), bufferSize: 4) { MaxLineLength = 8 };
        var lines = new List<string>();
        Assert.Throws<LineTooLongException>(() =>
        {
            foreach (byte[] line in stream.ReadLines())
            {
                lines.Add(Encoding.ASCII.GetString(line));
            }
        });
        Assert.Equal(["ok\n", "fine\n"], lines);
    }

    [Fact]
    public void The_limit_is_65536_bytes_over_a_connection_and_none_over_a_datagram()
    {
        Assert.Equal(65_536, BufferedReadStream.DefaultMaxLineLength);
        using var connection = new BufferedReadStream(new MemoryStream([]), bufferSize: 8192);
        Assert.Equal(BufferedReadStream.DefaultMaxLineLength, connection.MaxLineLength);

        byte[] packet = [.. Enumerable.Repeat((byte)'x', 100_000), (byte)'\n'];
        using var datagram = new BufferedReadStream(packet);
        Assert.Null(datagram.MaxLineLength);
        Assert.Equal(packet, datagram.ReadLine());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_limit_a_line_of_any_length_is_read(bool async)
    {
        byte[] input = [.. Enumerable.Repeat((byte)'y', 300_000), (byte)'\n'];
        using var stream = new BufferedReadStream(new TricklingStream(input, chunk: 10_000), bufferSize: 8192) { MaxLineLength = null };
        Assert.Equal(input, await Line(stream, async));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void MaxLineLength_is_positive_and_below_the_largest_array(int value)
    {
        using var stream = new BufferedReadStream(new MemoryStream([]), bufferSize: 16);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.MaxLineLength = value);
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpperCaseStreamHandler().MaxLineLength = value);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AsyncUpperLinesHandler().MaxLineLength = value);
        stream.MaxLineLength = Array.MaxLength - 1;
        Assert.Equal(Array.MaxLength - 1, stream.MaxLineLength);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(0, true)]
    [InlineData(8192, false)]
    [InlineData(8192, true)]
    [InlineData(1000, false)]
    [InlineData(1000, true)]
    public async Task An_endless_line_is_read_no_further_than_the_limit_and_one_buffer(int bufferSize, bool async)
    {
        var endless = new EndlessStream();
        using var stream = new BufferedReadStream(endless, bufferSize);
        await Assert.ThrowsAsync<LineTooLongException>(() => Line(stream, async));

        // Enough to know the line passed the limit (one byte more), and at most the buffer that brought that byte.
        int limit = BufferedReadStream.DefaultMaxLineLength;
        Assert.InRange(endless.Consumed, limit + 1, limit + Math.Max(1, bufferSize));
    }

    private static async Task<byte[]> Line(BufferedReadStream stream, bool async) => async ? await stream.ReadLineAsync() : stream.ReadLine();

    /// <summary>
    /// An endless line as far as any limit here is concerned: 'x', as much as each read asks for, up to 16 MiB (so that a
    /// stream without a limit ends instead of filling memory); counts what it gave.
    /// </summary>
    private sealed class EndlessStream : Stream
    {
        private const long End = 16 * 1024 * 1024;

        public long Consumed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = (int)Math.Min(buffer.Length, End - Consumed);
            buffer[..count].Fill((byte)'x');
            Consumed += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
