namespace SocketServer.Tests;

/// <summary>A user mix-in on the connection seam: wraps the request's stream and keeps a copy of every byte through it.</summary>
public sealed class TappingMixIn : ServerMixIn
{
    public TappedStream? Last { get; private set; }

    public override Stream CreateRequestStream(object request, EndPoint? clientAddress) =>
        Last = new TappedStream(base.CreateRequestStream(request, clientAddress));

    public override async ValueTask<Stream> CreateRequestStreamAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken) =>
        Last = new TappedStream(await base.CreateRequestStreamAsync(request, clientAddress, cancellationToken));
}

/// <summary>A pass-through stream recording what was read and written through it.</summary>
public sealed class TappedStream(Stream inner) : Stream
{
    private readonly MemoryStream _read = new();
    private readonly MemoryStream _written = new();

    public byte[] ReadBytes { get { lock (_read) { return _read.ToArray(); } } }

    public byte[] WrittenBytes { get { lock (_written) { return _written.ToArray(); } } }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        lock (_read) { _read.Write(buffer[..read]); }
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        lock (_read) { _read.Write(buffer.Span[..read]); }
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        lock (_written) { _written.Write(buffer); }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        lock (_written) { _written.Write(buffer.Span); }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Reads lines until the client closes and sends each back upper-cased, asynchronously.</summary>
public sealed class AsyncUpperCaseLinesHandler : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        byte[] line;
        while ((line = await RFile.ReadLineAsync(cancellationToken: cancellationToken)).Length > 0)
        {
            await WFile.WriteAsync(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()), cancellationToken);
        }
    }
}

/// <summary>Reads lines until the client closes and sends each back upper-cased.</summary>
public sealed class UpperCaseLinesHandler : StreamRequestHandler
{
    public override void Handle()
    {
        foreach (byte[] line in RFile.ReadLines())
        {
            WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()));
        }
    }
}

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(TappingMixIn), Handler = typeof(UpperCaseLinesHandler))]
public partial class TappedThreadingServer;

[SocketServer(Transport.UnixStream, Concurrency.Async, typeof(TappingMixIn), Handler = typeof(AsyncUpperCaseLinesHandler))]
public partial class TappedAsyncUnixServer;

/// <summary>The connection seam: one stream per request, made by a step a mix-in overrides.</summary>
public class RequestStreamTests
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("first line\nsecond line\nthird\n");

    [Fact]
    public void A_mix_in_overriding_CreateRequestStream_sees_every_byte_a_synchronous_handler_reads_and_writes()
    {
        using var server = new TappedThreadingServer(Servers.LoopbackAny);
        using (Serving.Start(server))
        {
            Assert.Equal("FIRST LINE\nSECOND LINE\nTHIRD\n", Encoding.ASCII.GetString(ExchangeUntilClosed(server.ServerAddress, Request)));
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        TappedStream tap = Assert.IsType<TappedStream>(server.TappingMixIn.Last);
        Assert.Equal(Request, tap.ReadBytes);
        Assert.Equal("FIRST LINE\nSECOND LINE\nTHIRD\n", Encoding.ASCII.GetString(tap.WrittenBytes));
    }

    [Fact]
    public void A_mix_in_overriding_CreateRequestStreamAsync_sees_every_byte_an_asynchronous_handler_reads_and_writes()
    {
        using var server = new TappedAsyncUnixServer(TempPaths.NewSocketPath());
        using (Serving.Start(server))
        {
            Assert.Equal("FIRST LINE\nSECOND LINE\nTHIRD\n", Encoding.ASCII.GetString(ExchangeUntilClosed(server.ServerAddress, Request)));
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        TappedStream tap = Assert.IsType<TappedStream>(server.TappingMixIn.Last);
        Assert.Equal(Request, tap.ReadBytes);
        Assert.Equal("FIRST LINE\nSECOND LINE\nTHIRD\n", Encoding.ASCII.GetString(tap.WrittenBytes));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_request_that_is_a_stream_is_served_without_a_socket(bool asynchronous)
    {
        Func<BaseRequestHandler> handlers = asynchronous ? () => new AsyncUpperCaseLinesHandler() : () => new UpperCaseLinesHandler();
        using var server = new TcpServer(Servers.LoopbackAny, handlers, bindAndActivate: false);
        var stream = new InMemoryDuplexStream(Request);

        server.FinishRequest(stream, clientAddress: null);

        Assert.Equal("FIRST LINE\nSECOND LINE\nTHIRD\n", Encoding.ASCII.GetString(stream.Output));
    }

    [Fact]
    public void Without_a_socket_Connection_says_so()
    {
        Exception? seen = null;
        using var server = new TcpServer(Servers.LoopbackAny, () => new ConnectionProbe(e => seen = e), bindAndActivate: false);
        server.FinishRequest(new InMemoryDuplexStream([]), clientAddress: null);
        Assert.Contains("not a socket: it has no Connection", Assert.IsType<InvalidOperationException>(seen).Message);
    }

    private static byte[] ExchangeUntilClosed(EndPoint address, byte[] request)
    {
        using var client = new Socket(address.AddressFamily, SocketType.Stream, address is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        client.ReceiveTimeout = (int)Bounded.Limit.TotalMilliseconds;
        client.Connect(address);
        client.Send(request);
        client.Shutdown(SocketShutdown.Send);
        using var reply = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = client.Receive(buffer)) > 0)
        {
            reply.Write(buffer, 0, read);
        }

        return reply.ToArray();
    }

    private sealed class ConnectionProbe(Action<Exception> seen) : StreamRequestHandler
    {
        public override void Handle()
        {
            try
            {
                _ = Connection;
            }
            catch (InvalidOperationException e)
            {
                seen(e);
            }
        }
    }
}

/// <summary>A duplex stream in memory: reads a fixed input, collects what is written.</summary>
public sealed class InMemoryDuplexStream(byte[] input) : Stream
{
    private readonly MemoryStream _input = new(input, writable: false);
    private readonly MemoryStream _output = new();

    public byte[] Output => _output.ToArray();

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
