namespace SocketServer.Tests;

/// <summary>RFile, WFile and the settings of StreamRequestHandler, over TCP and Unix stream sockets.</summary>
public class StreamRequestHandlerTests
{
    public static TheoryData<Transport> StreamTransports => new() { Transport.Tcp, Transport.UnixStream };

    [Theory]
    [MemberData(nameof(StreamTransports))]
    public void An_unbuffered_WFile_sends_sixteen_MiB_in_one_write_before_returning(Transport transport)
    {
        const int size = 16 * 1024 * 1024;
        byte[] payload = Enumerable.Range(0, size).Select(i => (byte)(i % 251)).ToArray();
        var written = new ManualResetEventSlim();
        var received = new ManualResetEventSlim();
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ScriptedStreamHandler(h =>
        {
            h.WFile.Write(payload);
            written.Set();

            // Finish (and any flush) runs only after the client holds every byte: the write alone sent them.
            Bounded.Wait(received, "the client to receive 16 MiB");
        }));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Connect(server.ServerAddress);
            var buffer = new byte[size];
            int total = 0;
            while (total < size)
            {
                int n = client.Receive(buffer, total, size - total, SocketFlags.None);
                Assert.NotEqual(0, n);
                total += n;
            }

            // The handler cannot reach Finish before `received` is set, so the write alone sent them; it returns too
            // (waited for: under load its thread may not have run since the last byte left).
            Bounded.Wait(written, "Write() to return once every byte was sent");
            received.Set();
            Assert.Equal(payload, buffer);
            Assert.Empty(Clients.ReadToEnd(client));
        }
    }

    [Theory]
    [MemberData(nameof(StreamTransports))]
    public void A_buffered_WFile_holds_its_bytes_until_Finish(Transport transport)
    {
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ScriptedStreamHandler(
            h =>
            {
                h.WFile.Write("buffered"u8);

                // Sent around the buffer: if WFile were unbuffered, "buffered" would already be ahead of it.
                h.Connection.Send("X"u8.ToArray());
            },
            wbufsize: 64));
        using (Serving.Start(server))
        {
            Assert.Equal("Xbuffered", Encoding.ASCII.GetString(Clients.Exchange(transport, server.ServerAddress, "")));
        }
    }

    [Fact]
    public void A_negative_WBufSize_buffers_with_the_default_size()
    {
        Stream? wfile = null;
        using var server = new TcpServer(Servers.LoopbackAny, () => new ScriptedStreamHandler(h => wfile = h.WFile, wbufsize: -1));
        using (Serving.Start(server))
        {
            Clients.Exchange(Transport.Tcp, server.ServerAddress, "");
        }

        Assert.IsType<BufferedStream>(wfile);
        Assert.Equal(StreamRequestHandler.DefaultBufferSize, ((BufferedStream)wfile).BufferSize);
    }

    [Theory]
    [MemberData(nameof(StreamTransports))]
    public void ReadLine_returns_each_line_with_its_newline_and_honours_a_limit(Transport transport)
    {
        var lines = new List<string>();
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ScriptedStreamHandler(h =>
        {
            lines.Add(Encoding.ASCII.GetString(h.RFile.ReadLine()));
            lines.Add(Encoding.ASCII.GetString(h.RFile.ReadLine(limit: 4)));
            lines.Add(Encoding.ASCII.GetString(h.RFile.ReadLine()));
            lines.Add(Encoding.ASCII.GetString(h.RFile.ReadLine()));
            lines.Add(Encoding.ASCII.GetString(h.RFile.ReadLine()));
        }));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Connect(server.ServerAddress);
            client.Send("first\n"u8.ToArray());
            client.Send("second line\nlast without newline"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            Clients.ReadToEnd(client);
        }

        Assert.Equal(["first\n", "seco", "nd line\n", "last without newline", ""], lines);
    }

    [Theory]
    [MemberData(nameof(StreamTransports))]
    public void With_RBufSize_zero_RFile_never_reads_past_the_line(Transport transport)
    {
        string? line = null;
        string? rest = null;
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ScriptedStreamHandler(
            h =>
            {
                line = Encoding.ASCII.GetString(h.RFile.ReadLine());
                using var direct = new MemoryStream();
                var chunk = new byte[64];
                int n;
                while ((n = h.Connection.Receive(chunk)) > 0)
                {
                    direct.Write(chunk, 0, n);
                }

                rest = Encoding.ASCII.GetString(direct.ToArray());
            },
            rbufsize: 0));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Connect(server.ServerAddress);
            client.Send("the line\nthe rest, read from the socket itself"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            Clients.ReadToEnd(client);
        }

        Assert.Equal("the line\n", line);
        Assert.Equal("the rest, read from the socket itself", rest);
    }

    [Fact]
    public void A_handler_Timeout_ends_a_read_from_a_silent_client_with_an_IOException()
    {
        var recorder = new Recorder();
        using var server = new RecordingTcpServer(recorder, () => new ScriptedStreamHandler(h => h.RFile.ReadLine(), timeout: TimeSpan.FromMilliseconds(100)), bindAndActivate: true);
        using (Serving.Start(server))
        {
            using Socket silent = Clients.Connect(server.ServerAddress);
            recorder.WaitFor("CloseRequest");
            Assert.Empty(Clients.ReadToEnd(silent));
        }

        var error = Assert.IsType<IOException>(Assert.Single(recorder.Errors));
        Assert.Equal(SocketError.TimedOut, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    [Theory]
    [InlineData(Transport.Tcp, false, false)]
    [InlineData(Transport.Tcp, true, true)]
    [InlineData(Transport.UnixStream, true, false)]
    public void DisableNagleAlgorithm_sets_TCP_NODELAY_on_TCP_only(Transport transport, bool disable, bool expectedNoDelay)
    {
        bool? noDelay = null;
        var recorder = new Recorder();
        Func<BaseRequestHandler> handlers = () => new ScriptedStreamHandler(
            h => noDelay = h.Connection.ProtocolType == ProtocolType.Tcp && h.Connection.NoDelay,
            disableNagle: disable);
        using BaseServer server = Servers.Create(transport, Mode.Sync, handlers);
        using (Serving.Start(server))
        {
            Clients.Exchange(transport, server.ServerAddress, "");
        }

        Assert.Equal(expectedNoDelay, noDelay);
    }

    [Theory]
    [InlineData(Transport.Udp)]
    [InlineData(Transport.UnixDatagram)]
    public void A_stream_handler_on_a_datagram_server_fails_with_guidance(Transport transport)
    {
        var recorder = new Recorder();
        using BaseServer server = transport == Transport.Udp
            ? new RecordingUdpServer(recorder, () => new UpperCaseStreamHandler(), bindAndActivate: true)
            : new RecordingUnixDatagramServer(recorder, () => new UpperCaseStreamHandler(), bindAndActivate: true);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "x");
            recorder.WaitFor("CloseRequest");
        }

        var error = Assert.IsType<InvalidOperationException>(Assert.Single(recorder.Errors));
        Assert.Contains("DatagramRequestHandler", error.Message);
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.UnixStream)]
    public void A_datagram_handler_on_a_stream_server_fails_with_guidance(Transport transport)
    {
        var recorder = new Recorder();
        using BaseServer server = transport == Transport.Tcp
            ? new RecordingTcpServer(recorder, () => new UpperCaseDatagramHandler(), bindAndActivate: true)
            : new RecordingUnixStreamServer(recorder, () => new UpperCaseDatagramHandler(), bindAndActivate: true);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "x\n");
            recorder.WaitFor("CloseRequest");
        }

        var error = Assert.IsType<InvalidOperationException>(Assert.Single(recorder.Errors));
        Assert.Contains("StreamRequestHandler", error.Message);
    }

    [Fact]
    public void A_client_that_goes_away_before_the_buffered_reply_is_flushed_is_not_an_error()
    {
        var recorder = new Recorder();
        var clientGone = new ManualResetEventSlim();
        using var server = new RecordingTcpServer(recorder, () => new ScriptedStreamHandler(
            h =>
            {
                Bounded.Wait(clientGone, "the client to leave");
                h.WFile.Write(new byte[1024 * 1024]);
            },
            wbufsize: 8 * 1024 * 1024), bindAndActivate: true);
        using (Serving.Start(server))
        {
            using (Socket client = Clients.Connect(server.ServerAddress))
            {
                client.LingerState = new LingerOption(true, 0); // leave with a reset
            }

            clientGone.Set();
            recorder.WaitFor("CloseRequest");
        }

        Assert.Empty(recorder.Errors);
    }
}

/// <summary>A stream handler whose Handle runs a test's script, with its settings given per test.</summary>
public sealed class ScriptedStreamHandler : StreamRequestHandler
{
    private readonly Action<ScriptedStreamHandler> _handle;

    public ScriptedStreamHandler(Action<ScriptedStreamHandler> handle, int rbufsize = -1, int wbufsize = 0, TimeSpan? timeout = null, bool disableNagle = false)
    {
        _handle = handle;
        RBufSize = rbufsize;
        WBufSize = wbufsize;
        Timeout = timeout;
        DisableNagleAlgorithm = disableNagle;
    }

    public override void Handle() => _handle(this);
}
