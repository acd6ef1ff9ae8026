using System.Globalization;

namespace SocketServer.Tests;

/// <summary>The Threading mix-in: a thread of its own per request (reused once idle), DaemonThreads, BlockOnClose and its failure paths.</summary>
public class ThreadingTests
{
    public static TheoryData<Transport> Transports => TransportExtensions.All();

    [Theory]
    [MemberData(nameof(Transports))]
    public void Requests_run_concurrently_each_on_its_own_named_thread(Transport transport)
    {
        var rendezvous = new Barrier(2);
        var threads = new System.Collections.Concurrent.ConcurrentBag<Thread>();
        Func<BaseRequestHandler> handlers = transport.IsStream()
            ? () => new ProbeStreamHandler(_ => Meet())
            : () => new ProbeDatagramHandler(_ => Meet());
        void Meet()
        {
            threads.Add(Thread.CurrentThread);

            // Both requests must be in their handlers at once: a server handling them one by one never gets here.
            Bounded.Wait(rendezvous, "the other request");
        }

        using BaseServer server = Servers.Create(transport, Mode.Threading, handlers);
        using var serving = Serving.Start(server);
        Task first = Task.Run(() => Clients.Exchange(transport, server.ServerAddress, "1\n"));
        Task second = Task.Run(() => Clients.Exchange(transport, server.ServerAddress, "2\n"));
        Bounded.Wait(Task.WhenAll(first, second), "both replies");

        Assert.Equal(2, threads.Distinct().Count());
        Assert.DoesNotContain(serving.Thread, threads);
        Assert.All(threads, t => Assert.Matches(@"^Threading\w+Server request \d+$", t.Name));
        Assert.Equal(2, threads.Select(t => t.Name).Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DaemonThreads_decides_whether_request_threads_are_background_threads(bool daemon)
    {
        bool? background = null;
        using var server = new ThreadingTcpServer(Servers.LoopbackAny, () => new ProbeStreamHandler(_ => background = Thread.CurrentThread.IsBackground))
        {
            DaemonThreads = daemon,
        };
        using (Serving.Start(server))
        {
            Clients.Exchange(Transport.Tcp, server.ServerAddress, "x\n");
        }

        Assert.Equal(daemon, background);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void ServerClose_closes_the_listener_first_then_waits_for_running_requests(Transport transport)
    {
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        Func<BaseRequestHandler> handlers = transport.IsStream()
            ? () => new ProbeStreamHandler(h => Gate(h))
            : () => new ProbeDatagramHandler(h => Gate(h));
        void Gate(BaseRequestHandler handler)
        {
            entered.Set();
            Bounded.Wait(release, "the test to release the request");
            if (handler is StreamRequestHandler stream)
            {
                stream.WFile.Write("late reply"u8);
            }
            else
            {
                ((DatagramRequestHandler)handler).WFile.Write("late reply"u8);
            }
        }

        BaseServer server = Servers.Create(transport, Mode.Threading, handlers);
        var serving = Serving.Start(server);
        Task<byte[]> reply = Task.Run(() => Clients.Exchange(transport, server.ServerAddress, "x\n"));
        Bounded.Wait(entered, "the request to start");

        Task close = Task.Run(server.ServerClose);
        serving.Join(); // the loop ends as soon as the listener is closed...
        if (transport.IsStream())
        {
            var refused = Assert.Throws<SocketException>(() => Clients.Connect(server.ServerAddress).Dispose());
            Assert.Contains(refused.SocketErrorCode, new[] { SocketError.ConnectionRefused, SocketError.AddressNotAvailable });
        }

        // ...but ServerClose() waits for the request still running.
        Assert.False(close.Wait(TimeSpan.FromMilliseconds(200)), "ServerClose() returned while a request was still running.");
        release.Set();
        Bounded.Wait(close, "ServerClose() after the request finished");
        Assert.Equal("late reply", Encoding.ASCII.GetString(Bounded.Result(reply, "the in-flight reply")));
        serving.Dispose();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void ServerClose_does_not_wait_when_BlockOnClose_is_false_or_threads_are_daemons(bool daemon, bool blockOnClose)
    {
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var server = new ThreadingTcpServer(Servers.LoopbackAny, () => new GatedHandler(entered, release))
        {
            DaemonThreads = daemon,
            BlockOnClose = blockOnClose,
        };
        var serving = Serving.Start(server);
        using Socket client = Clients.Connect(server.ServerAddress);
        client.Send("still answered\n"u8.ToArray());
        Bounded.Wait(entered, "the request to start");

        Bounded.Wait(Task.Run(server.ServerClose), "ServerClose() not to wait");
        release.Set();
        Assert.Equal("STILL ANSWERED\n", Encoding.ASCII.GetString(Clients.ReadToEnd(client)));
        serving.Dispose();
    }

    [Fact]
    public void Sequential_requests_reuse_waiting_threads_and_ServerClose_ends_them()
    {
        // Python starts a thread per request; starting a .NET thread costs more than a short request, so a thread
        // whose request finished waits for the next one. Thread per request would use 2,000 threads here.
        var used = new System.Collections.Concurrent.ConcurrentDictionary<Thread, bool>();
        var server = new ThreadingUdpServer(Servers.LoopbackAny, () => new ProbeDatagramHandler(h =>
        {
            used.TryAdd(Thread.CurrentThread, true);
            ((DatagramRequestHandler)h).WFile.Write("pong"u8);
        }));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress);
            var reply = new byte[16];
            for (int i = 0; i < 2_000; i++)
            {
                client.SendTo("ping"u8.ToArray(), server.ServerAddress);
                Assert.Equal(4, client.Receive(reply));
            }
        }

        // At most a few requests are ever in flight at once (the next ping waits for the last pong), so only a few
        // threads are ever started.
        Assert.InRange(used.Count, 1, 50);
        server.ServerClose();
        foreach (Thread thread in used.Keys)
        {
            Bounded.Join(thread, "a waiting request thread to end when its server closed");
        }
    }

    [Fact]
    public void A_waiting_request_thread_ends_by_itself_after_the_idle_timeout()
    {
        var mixIn = new ThreadingMixIn(TimeSpan.FromMilliseconds(50));
        using var server = new ThreadingTcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        using Socket client = Clients.Connect(server.ServerAddress);
        client.Send("idle\n"u8.ToArray());
        (object request, EndPoint? address) = server.GetRequest();
        Thread? created = null;
        mixIn.ProcessRequest(server, request, address, daemonThreads: false, body => created = new Thread(body));

        Assert.Equal("IDLE\n", Encoding.ASCII.GetString(Clients.ReadToEnd(client)));
        Assert.NotNull(created);
        Bounded.Join(created, "the request thread to end after 50 ms without a request");
    }

    [Fact]
    public void A_waiting_request_thread_is_a_background_thread_even_when_DaemonThreads_is_false()
    {
        var mixIn = new ThreadingMixIn();
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        using var server = new ThreadingTcpServer(Servers.LoopbackAny, () => new GatedHandler(entered, release));
        using Socket client = Clients.Connect(server.ServerAddress);
        client.Send("wait\n"u8.ToArray());
        (object request, EndPoint? address) = server.GetRequest();
        Thread? created = null;
        mixIn.ProcessRequest(server, request, address, daemonThreads: false, body => created = new Thread(body));
        Assert.NotNull(created);
        Bounded.Wait(entered, "the request to start");
        Assert.False(created.IsBackground); // running a non-daemon request: it keeps the process alive...
        release.Set();
        Assert.Equal("WAIT\n", Encoding.ASCII.GetString(Clients.ReadToEnd(client)));

        // ...and once its request is done and it waits for the next, it does not.
        Assert.True(SpinWait.SpinUntil(() => created.IsBackground, Bounded.Limit), "the waiting thread is still a foreground thread.");
        Assert.True(created.IsAlive);
        mixIn.ServerClose(blocking: true);
        Bounded.Join(created, "the waiting thread to end at ServerClose");
    }

    private static readonly AsyncLocal<string?> RequestState = new();

    [Fact]
    public void Each_request_runs_under_the_loops_context_so_AsyncLocal_values_and_the_culture_do_not_leak_into_the_next()
    {
        var seen = new List<(string? State, CultureInfo Culture, Thread Thread)>();
        var setByHandlers = new List<CultureInfo>();
        using var server = new ThreadingTcpServer(Servers.LoopbackAny, () => new ProbeStreamHandler(_ =>
        {
            lock (seen)
            {
                seen.Add((RequestState.Value, CultureInfo.CurrentCulture, Thread.CurrentThread));
                var changed = (CultureInfo)CultureInfo.InvariantCulture.Clone();
                setByHandlers.Add(changed);
                CultureInfo.CurrentCulture = changed;
            }

            RequestState.Value = "set by an earlier request";
        }));
        RequestState.Value = "flowed from the loop"; // captured by the serving thread, as a new request thread would be
        using (Serving.Start(server))
        {
            RequestState.Value = null;
            for (int i = 0; i < 20; i++)
            {
                Clients.Exchange(Transport.Tcp, server.ServerAddress, "x\n");
            }
        }

        Assert.Equal(20, seen.Count);
        Assert.True(seen.Select(s => s.Thread).Distinct().Count() < 20, "no thread was reused: the test proves nothing.");
        Assert.All(seen, s => Assert.Equal("flowed from the loop", s.State));
        Assert.All(seen, s => Assert.DoesNotContain(setByHandlers, c => ReferenceEquals(c, s.Culture)));
    }

    [Fact]
    public void A_thread_that_fails_to_start_is_reported_the_request_shut_down_and_ServerClose_still_works()
    {
        var recorder = new Recorder();
        var server = new FailingThreadStartServer(recorder);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(Transport.Tcp, server.ServerAddress, "lost\n");
            recorder.WaitFor("CloseRequest");
            Assert.Equal("NEXT\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "next\n"));
        }

        Assert.IsType<ThreadStateException>(Assert.Single(recorder.Errors));
        Assert.Equal(["GetRequest", "VerifyRequest", "ProcessRequest", "HandleError", "ShutdownRequest", "CloseRequest"], recorder.RequestPath[..6]);
        server.ServerClose();
    }

    [Fact]
    public void HandleError_runs_on_the_request_thread_and_serving_goes_on()
    {
        var recorder = new Recorder();
        Thread? handleErrorThread = null;
        var server = new ThreadRecordingServer(recorder, t => handleErrorThread = t);
        var serving = Serving.Start(server);
        using (IDisposable client = ClientActions.SendExpectingNoReply(Transport.Tcp, server.ServerAddress, "fail\n"))
        {
            recorder.WaitFor("CloseRequest");
        }

        Assert.NotNull(handleErrorThread);
        Assert.NotSame(serving.Thread, handleErrorThread);
        Assert.StartsWith(nameof(ThreadRecordingServer) + " request", handleErrorThread.Name);
        serving.Dispose();
    }

    [Fact]
    public void A_request_thread_that_closes_its_own_server_does_not_deadlock()
    {
        var closed = new ManualResetEventSlim();
        using var server = new ThreadingTcpServer(Servers.LoopbackAny, () => new ProbeStreamHandler(h =>
        {
            h.Server.ServerClose();
            closed.Set();
        }));
        var serving = Serving.Start(server);
        Clients.Exchange(Transport.Tcp, server.ServerAddress, "close yourself\n");
        Bounded.Wait(closed, "the handler's ServerClose()");
        serving.Join();
        serving.Dispose();
    }

    [Fact]
    public void The_mix_in_settings_default_to_pythons()
    {
        using var tcp = new ThreadingTcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        using var udp = new ThreadingUdpServer(Servers.LoopbackAny, () => new UpperCaseDatagramHandler());
        Assert.False(tcp.DaemonThreads);
        Assert.True(tcp.BlockOnClose);
        Assert.False(udp.DaemonThreads);
        Assert.True(udp.BlockOnClose);
    }
}

/// <summary>
/// The first request's thread cannot start (Start() on a thread that already ran throws). A subclass of a composed
/// server takes over CreateRequestThread by implementing IThreadingSettings again with a public method.
/// </summary>
public sealed class FailingThreadStartServer(Recorder recorder) : RecordingThreadingTcpServer(recorder, () => new UpperCaseStreamHandler()), IThreadingSettings
{
    private int _threads;

    public Thread CreateRequestThread(ThreadStart body)
    {
        if (Interlocked.Increment(ref _threads) > 1)
        {
            return new Thread(body);
        }

        var spent = new Thread(() => { });
        spent.Start();
        spent.Join();
        return spent;
    }
}

public sealed class ThreadRecordingServer(Recorder recorder, Action<Thread> onError)
    : RecordingThreadingTcpServer(recorder, () => new RecordingStreamHandler(recorder, new HandlerScript(ThrowInHandle: true)))
{
    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        onError(Thread.CurrentThread);
        base.HandleError(request, clientAddress, exception);
    }
}
