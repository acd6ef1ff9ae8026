namespace SocketServer.Tests;

/// <summary>
/// Every instrument of the "SocketServer" meter against traffic whose size is known: N bytes in and N out, K requests,
/// K durations, each error and rejection counted once, on every transport and in-process concurrency, with synchronous
/// and asynchronous handlers, and along every way a handler can read and write. One class, so that its tests, which
/// share the probed server types their measurements are filtered by, run one after another.
/// </summary>
public class ExactMetricsTests
{
    private const int ClientCount = 3;

    public static TheoryData<Transport, Mode, bool> EveryServer()
    {
        var data = new TheoryData<Transport, Mode, bool>();
        foreach (Transport transport in Enum.GetValues<Transport>())
        {
            foreach (Mode mode in Enum.GetValues<Mode>())
            {
                data.Add(transport, mode, false);
                data.Add(transport, mode, true);
            }
        }

        return data;
    }

    public static TheoryData<Transport, IoPath> EveryPath()
    {
        var data = new TheoryData<Transport, IoPath>();
        foreach (IoPath path in Enum.GetValues<IoPath>())
        {
            foreach (Transport transport in Enum.GetValues<Transport>().Where(t => t.IsStream() != path.IsDatagram()))
            {
                data.Add(transport, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryServer))]
    public void Echoed_traffic_is_measured_exactly(Transport transport, Mode mode, bool asyncHandler)
    {
        IoPath path = (transport.IsStream(), asyncHandler) switch
        {
            (true, false) => IoPath.ReadSpanWriteSpan,
            (true, true) => IoPath.AsyncReadMemory,
            (false, false) => IoPath.Packet,
            (false, true) => IoPath.AsyncPacket,
        };
        AssertEchoMeasuredExactly(transport, mode, path);
    }

    [Theory]
    [MemberData(nameof(EveryPath))]
    public void Every_way_of_reading_and_writing_is_counted_once(Transport transport, IoPath path) =>
        AssertEchoMeasuredExactly(transport, path.IsAsync() ? Mode.Async : Mode.Threading, path);

    [Theory]
    [MemberData(nameof(EveryServer))]
    public void Errors_and_rejections_are_counted_once_each(Transport transport, Mode mode, bool asyncHandler)
    {
        IoPath path = (transport.IsStream(), asyncHandler) switch
        {
            (true, false) => IoPath.ReadToEnd,
            (true, true) => IoPath.AsyncReadLine,
            (false, false) => IoPath.PacketReadToEnd,
            (false, true) => IoPath.AsyncPacketReadLine,
        };
        BaseServer server = Probed.Create(transport, mode, IoPaths.Handlers(path));
        ProbeMixIn probe = Probed.Probe(server);
        byte[] good = Payload(transport, 1);
        byte[] failing = [.. "fail\n"u8, .. Payload(transport, 2)];
        byte[] rejected = Payload(transport, 3);
        using var meters = new Measurements(server.GetType().Name);
        using (server)
        using (Serving.Start(server))
        {
            Assert.Equal(good, Echo(transport, server.ServerAddress, good));
            Assert.Equal(good, Echo(transport, server.ServerAddress, good));
            byte[] failedReply = Echo(transport, server.ServerAddress, failing);
            Assert.Empty(failedReply); // a datagram handler that threw still sends its (empty) reply
            probe.RejectAll = true;
            using (ClientActions.SendExpectingNoReply(transport, server.ServerAddress, Encoding.ASCII.GetString(rejected)))
            {
                probe.WaitForClosed(4);
            }

            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        InjectedFailureException error = Assert.IsType<InjectedFailureException>(Assert.Single(probe.Errors));
        string errorType = error.GetType().FullName!;
        Assert.Equal(4, meters.Sum("socketserver.requests"));
        Assert.Equal(1, meters.Count("socketserver.rejected_requests"));
        Assert.Equal(1, meters.Sum("socketserver.rejected_requests", ("socketserver.rejection.reason", "verify_request")));
        Assert.Equal(1, meters.Count("socketserver.errors"));
        Assert.Equal(1, meters.Sum("socketserver.errors", ("error.type", errorType)));
        Assert.Equal(3, meters.Count("socketserver.request.duration"));
        Assert.Equal(1, meters.Count("socketserver.request.duration", ("error.type", errorType)));
        Assert.Equal(3, meters.Count("socketserver.active_requests", value: 1));
        Assert.Equal(3, meters.Count("socketserver.active_requests", value: -1));
        Assert.Equal(0, meters.Count("socketserver.aborted_requests"));
        Assert.Equal(0, meters.Count("socketserver.accept.errors"));

        // A stream server never reads a rejected connection; a datagram server has received the rejected datagram.
        long received = (2 * good.Length) + failing.Length + (transport.IsStream() ? 0 : rejected.Length);
        Assert.Equal(received, meters.Io("receive"));
        Assert.Equal(2 * good.Length, meters.Io("transmit"));
        AssertTags(meters, server, transport);
    }

    [Theory]
    [MemberData(nameof(EveryServer))]
    public void Aborted_connections_are_counted_once_each_and_datagrams_are_not_aborted(Transport transport, Mode mode, bool asyncHandler)
    {
        int running = mode == Mode.Sync ? 1 : 2;
        using var started = new CountdownEvent(running);
        using var release = new ManualResetEventSlim();
        Func<BaseRequestHandler> handlers = (transport.IsStream(), asyncHandler) switch
        {
            (true, false) => () => new WaitForEndOfInputHandler(started),
            (true, true) => () => new AsyncWaitForEndOfInputHandler(started),
            (false, false) => () => new WaitForReleaseDatagramHandler(started, release),
            (false, true) => () => new AsyncWaitForReleaseDatagramHandler(started, release),
        };
        BaseServer server = Probed.Create(transport, mode, handlers);
        ProbeMixIn probe = Probed.Probe(server);
        using var meters = new Measurements(server.GetType().Name);
        var clients = new List<Socket>();
        try
        {
            using (server)
            using (Serving.Start(server))
            {
                for (int i = 0; i < running; i++)
                {
                    Socket client = transport.IsStream() ? Clients.Connect(server.ServerAddress) : Clients.Datagram(server.ServerAddress);
                    clients.Add(client);
                    if (transport.IsStream())
                    {
                        client.Send("held\n"u8);
                    }
                    else
                    {
                        client.SendTo("held\n"u8, server.ServerAddress);
                    }
                }

                Bounded.Wait(started, "the handlers to start");
                Assert.Equal(transport.IsStream() ? running : 0, server.AbortActiveRequests());
                release.Set();
                probe.WaitForClosed(running);
                Assert.True(server.WaitForActiveRequests(Bounded.Limit));
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        if (transport.IsStream())
        {
            Assert.Equal(1, meters.Count("socketserver.aborted_requests"));
            Assert.Equal(running, meters.Sum("socketserver.aborted_requests"));
        }
        else
        {
            Assert.Equal(0, meters.Count("socketserver.aborted_requests"));
        }

        Assert.Equal(running, meters.Sum("socketserver.requests"));
        Assert.Equal(running, meters.Count("socketserver.request.duration"));
        Assert.Equal(0, meters.Count("socketserver.errors"));
        Assert.Empty(probe.Errors);
        Assert.Equal(running * 5, meters.Io("receive"));
        AssertTags(meters, server, transport);
    }

    [Theory]
    [MemberData(nameof(EveryServer))]
    public void A_failed_accept_is_counted_once_and_is_not_a_request(Transport transport, Mode mode, bool asyncHandler)
    {
        IoPath path = (transport.IsStream(), asyncHandler) switch
        {
            (true, false) => IoPath.ReadSpanWriteSpan,
            (true, true) => IoPath.AsyncReadMemory,
            (false, false) => IoPath.Packet,
            (false, true) => IoPath.AsyncPacket,
        };
        BaseServer server = Probed.Create(transport, mode, IoPaths.Handlers(path));
        ProbeMixIn probe = Probed.Probe(server);
        byte[] payload = Payload(transport, 1);
        using var meters = new Measurements(server.GetType().Name);
        using (server)
        using (Serving.Start(server, TimeSpan.FromMilliseconds(20)))
        {
            // The first attempt to take the request fails as if out of descriptors; the loop pauses and takes it next time.
            probe.FailAccepts(1);
            Assert.Equal(payload, Echo(transport, server.ServerAddress, payload));
            probe.WaitForClosed(1);
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        Assert.Equal(1, meters.Count("socketserver.accept.errors"));
        Assert.Equal(1, meters.Sum("socketserver.accept.errors", ("error.type", nameof(SocketError.TooManyOpenSockets))));
        Assert.Equal(1, meters.Sum("socketserver.requests"));
        Assert.Equal(1, meters.Count("socketserver.request.duration"));
        Assert.Equal(0, meters.Count("socketserver.errors"));
        Assert.Equal(payload.Length, meters.Io("receive"));
        Assert.Equal(payload.Length, meters.Io("transmit"));
    }

    private static void AssertEchoMeasuredExactly(Transport transport, Mode mode, IoPath path)
    {
        BaseServer server = Probed.Create(transport, mode, IoPaths.Handlers(path));
        ProbeMixIn probe = Probed.Probe(server);
        byte[][] payloads = [.. Enumerable.Range(1, ClientCount).Select(i => Payload(transport, i))];
        using var meters = new Measurements(server.GetType().Name);
        using (server)
        using (Serving.Start(server))
        {
            if (transport.IsStream())
            {
                // All connections at once: requests overlap under Threading and Async, queue under Sync.
                Socket[] connections = [.. payloads.Select(_ => Clients.Connect(server.ServerAddress))];
                try
                {
                    for (int i = 0; i < ClientCount; i++)
                    {
                        connections[i].Send(payloads[i]);
                        connections[i].Shutdown(SocketShutdown.Send);
                    }

                    for (int i = 0; i < ClientCount; i++)
                    {
                        Assert.Equal(payloads[i], Clients.ReadToEnd(connections[i]));
                    }
                }
                finally
                {
                    Array.ForEach(connections, c => c.Dispose());
                }
            }
            else
            {
                foreach (byte[] payload in payloads)
                {
                    Assert.Equal(payload, Echo(transport, server.ServerAddress, payload));
                }
            }

            probe.WaitForClosed(ClientCount);
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        Assert.Empty(probe.Errors);
        long bytes = payloads.Sum(p => (long)p.Length);
        Assert.Equal(bytes, meters.Io("receive"));
        Assert.Equal(bytes, meters.Io("transmit"));
        Assert.Equal(ClientCount, meters.Sum("socketserver.requests"));
        Assert.Equal(ClientCount, meters.Count("socketserver.requests"));
        Assert.Equal(ClientCount, meters.Count("socketserver.request.duration"));
        Assert.All(meters.Values("socketserver.request.duration"), seconds => Assert.InRange(seconds, 0, Bounded.Limit.TotalSeconds));
        Assert.DoesNotContain(meters.All, m => m.Tags.ContainsKey("error.type"));
        Assert.Equal(ClientCount, meters.Count("socketserver.active_requests", value: 1));
        Assert.Equal(ClientCount, meters.Count("socketserver.active_requests", value: -1));
        Assert.Equal(0, meters.Count("socketserver.errors") + meters.Count("socketserver.rejected_requests") + meters.Count("socketserver.aborted_requests") + meters.Count("socketserver.accept.errors"));
        AssertTags(meters, server, transport);
    }

    private static void AssertTags(Measurements meters, BaseServer server, Transport transport)
    {
        string expected = transport switch { Transport.Tcp => "tcp", Transport.Udp => "udp", _ => "unix" };
        Assert.All(meters.All, m =>
        {
            Assert.Equal(server.GetType().Name, m.Tags["socketserver.server"]);
            Assert.Equal(expected, m.Tags["network.transport"]);
        });
    }

    /// <summary>
    /// Known traffic: lines of varied lengths (empty ones too) and a last line without its newline; about 20 KB for a
    /// stream (more than two buffers' worth), about 1 KB for a datagram.
    /// </summary>
    private static byte[] Payload(Transport transport, int seed)
    {
        var text = new StringBuilder();
        int target = transport.IsStream() ? 20_000 + seed : 1_000 + seed;
        for (int line = 0; text.Length < target; line++)
        {
            text.Append('x', ((line * 37) + seed) % 150).Append(line % 5 == 0 ? "" : $" {seed}:{line}").Append('\n');
        }

        text.Length = target;
        if (text[^1] == '\n')
        {
            text[^1] = '.';
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Sends <paramref name="payload"/> as one request and returns the whole reply.</summary>
    private static byte[] Echo(Transport transport, EndPoint server, byte[] payload)
    {
        if (transport.IsStream())
        {
            using Socket connection = Clients.Connect(server);
            connection.Send(payload);
            connection.Shutdown(SocketShutdown.Send);
            return Clients.ReadToEnd(connection);
        }

        using Socket datagram = Clients.Datagram(server);
        datagram.SendTo(payload, server);
        var reply = new byte[65536];
        return reply[..datagram.Receive(reply)];
    }
}

/// <summary>Reads until the client closes or the connection is cut (an abort); the client never closes here.</summary>
public sealed class WaitForEndOfInputHandler(CountdownEvent started) : StreamRequestHandler
{
    public override void Handle()
    {
        RFile.ReadLine();
        started.Signal();
        while (RFile.ReadLine().Length > 0)
        {
        }
    }
}

public sealed class AsyncWaitForEndOfInputHandler(CountdownEvent started) : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        await RFile.ReadLineAsync(cancellationToken: cancellationToken);
        started.Signal();
        while ((await RFile.ReadLineAsync(cancellationToken: cancellationToken)).Length > 0)
        {
        }
    }
}

public sealed class WaitForReleaseDatagramHandler(CountdownEvent started, ManualResetEventSlim release) : DatagramRequestHandler
{
    public override void Handle()
    {
        started.Signal();
        Bounded.Wait(release, "the test to release the handler");
    }
}

public sealed class AsyncWaitForReleaseDatagramHandler(CountdownEvent started, ManualResetEventSlim release) : AsyncDatagramRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        started.Signal();
        Assert.True(await Task.Run(() => release.Wait(Bounded.Limit), cancellationToken), "Timed out waiting for the test to release the handler.");
    }
}
