namespace SocketServer.Tests;

/// <summary>HandleRequest handles one request, honouring Timeout and the socket's own timeout.</summary>
public class HandleRequestTests
{
    public static TheoryData<Transport, Mode> Pairs => TransportExtensions.AllPairs();

    [Theory]
    [MemberData(nameof(Pairs))]
    public void HandleRequest_handles_exactly_one_request(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        using BaseServer server = Recording.Create(transport, mode, recorder);
        Task<string> reply = Task.Run(() => Clients.ExchangeText(transport, server.ServerAddress, "once\n"));
        server.HandleRequest();
        Assert.Equal("ONCE\n", Bounded.Result(reply, "the reply"));
        recorder.WaitFor("CloseRequest");
        Assert.Equal(1, recorder.Count("GetRequest"));
        Assert.Equal(0, recorder.Count("HandleTimeout"));
        Assert.Equal(0, recorder.Count("ServiceActions"));
        server.ServerClose();
        Servers.RemoveSocketFile(server);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Without_a_request_HandleRequest_calls_HandleTimeout_after_Timeout(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        using BaseServer server = Recording.Create(transport, mode, recorder);
        server.Timeout = TimeSpan.FromMilliseconds(50);
        var clock = Stopwatch.StartNew();
        server.HandleRequest();
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(45), $"returned after {clock.Elapsed}");
        Assert.Equal(["HandleTimeout"], recorder.Events);
        Servers.RemoveSocketFile(server);
    }

    [Fact]
    public void A_zero_Timeout_polls_once()
    {
        var recorder = new Recorder();
        using BaseServer server = Recording.Create(Transport.Tcp, Mode.Sync, recorder);
        server.Timeout = TimeSpan.Zero;
        server.HandleRequest();
        Assert.Equal(["HandleTimeout"], recorder.Events);
    }

    [Fact]
    public void The_socket_timeout_wins_when_it_is_smaller()
    {
        var recorder = new Recorder();
        using BaseServer server = Recording.Create(Transport.Tcp, Mode.Sync, recorder);
        server.Timeout = TimeSpan.FromHours(1);
        server.Socket.ReceiveTimeout = 50;
        Bounded.Wait(Task.Run(server.HandleRequest), "HandleRequest with a 50 ms socket timeout");
        Assert.Equal(["HandleTimeout"], recorder.Events);
    }

    [Fact]
    public void Timeout_wins_when_it_is_smaller_than_the_socket_timeout()
    {
        var recorder = new Recorder();
        using BaseServer server = Recording.Create(Transport.Udp, Mode.Sync, recorder);
        server.Timeout = TimeSpan.FromMilliseconds(50);
        server.Socket.ReceiveTimeout = 3_600_000;
        Bounded.Wait(Task.Run(server.HandleRequest), "HandleRequest with a 50 ms Timeout");
        Assert.Equal(["HandleTimeout"], recorder.Events);
    }

    [Fact]
    public void A_request_arriving_within_the_timeout_is_handled_without_HandleTimeout()
    {
        var recorder = new Recorder();
        using BaseServer server = Recording.Create(Transport.Tcp, Mode.Sync, recorder);
        server.Timeout = TimeSpan.FromSeconds(30);
        Task<string> reply = Task.Run(() => Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "in time\n"));
        server.HandleRequest();
        Assert.Equal("IN TIME\n", Bounded.Result(reply, "the reply"));
        Assert.Equal(0, recorder.Count("HandleTimeout"));
    }

    [Fact]
    public void Closing_the_server_from_another_thread_ends_a_waiting_HandleRequest()
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(Transport.Tcp, Mode.Sync, recorder);
        int tid = 0;
        var ready = new ManualResetEventSlim();
        var waiting = new Thread(() =>
        {
            // A first call with a zero timeout compiles the path, so the second one goes straight to its wait.
            server.Timeout = TimeSpan.Zero;
            server.HandleRequest();
            server.Timeout = null;
            tid = NativeThreads.CurrentTid();
            ready.Set();
            server.HandleRequest();
        }) { IsBackground = true };
        waiting.Start();
        Bounded.Wait(ready, "the waiting thread");
        NativeThreads.WaitUntilSleeping(tid, waiting);

        server.ServerClose();
        Bounded.Join(waiting, "HandleRequest to return after ServerClose");
        Assert.Equal(["HandleTimeout"], recorder.Events);
    }

    [Fact]
    public void A_negative_Timeout_is_rejected_and_infinite_means_none()
    {
        using var server = new TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        Assert.Throws<ArgumentOutOfRangeException>(() => server.Timeout = TimeSpan.FromSeconds(-2));
        server.Timeout = Timeout.InfiniteTimeSpan;
        Assert.Null(server.Timeout);
    }
}
