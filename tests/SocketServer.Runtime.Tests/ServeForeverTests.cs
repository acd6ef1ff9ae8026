namespace SocketServer.Tests;

/// <summary>ServeForever, Shutdown, ServerClose and Dispose, as the Python docs describe them.</summary>
public class ServeForeverTests
{
    public static TheoryData<Transport> Transports => TransportExtensions.All();

    public static TheoryData<Transport, Mode> Pairs => TransportExtensions.AllPairs();

    [Fact]
    public void ServeForever_calls_ServiceActions_every_poll_interval()
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(Transport.Tcp, Mode.Sync, recorder);
        using (Serving.Start(server, TimeSpan.FromMilliseconds(5)))
        {
            recorder.WaitFor("ServiceActions", 5);
        }

        Assert.Equal(0, recorder.Count("GetRequest"));
    }

    [Fact]
    public void A_synchronous_handler_may_call_ShutdownAsync_on_the_serving_thread_and_the_loop_stops_after_its_request()
    {
        Task? stopped = null;
        bool completedInHandler = true;
        using var server = new TcpServer(Servers.LoopbackAny, () => new ScriptedHandler(h =>
        {
            stopped = h.Server.ShutdownAsync(); // Shutdown() here would throw: it would wait for this very thread
            completedInHandler = stopped.IsCompleted;
            h.WFile.Write("stopping\n"u8);
        }));
        using Serving serving = Serving.Start(server);
        Assert.Equal("stopping\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "stop\n"));
        serving.Join();
        Assert.False(completedInHandler, "The loop was still running the request, yet ShutdownAsync's task had completed.");
        Bounded.Wait(stopped!, "ShutdownAsync's task");
    }

    [Fact]
    public void ServeForever_ignores_Timeout()
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(Transport.Tcp, Mode.Sync, recorder);
        server.Timeout = TimeSpan.FromMilliseconds(1);
        using (Serving.Start(server, TimeSpan.FromMilliseconds(5)))
        {
            recorder.WaitFor("ServiceActions", 10);
        }

        Assert.Equal(0, recorder.Count("HandleTimeout"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void ServiceActions_runs_once_after_each_request(Transport transport)
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(transport, Mode.Sync, recorder);
        using (Serving.Start(server, Timeout.InfiniteTimeSpan))
        {
            for (int i = 1; i <= 3; i++)
            {
                Assert.Equal($"R{i}\n", Clients.ExchangeText(transport, server.ServerAddress, $"r{i}\n"));
                recorder.WaitFor("ServiceActions", i);
            }
        }

        string[] perRequest = recorder.Events.Where(e => e is "CloseRequest" or "ServiceActions").ToArray();
        Assert.Equal(["CloseRequest", "ServiceActions", "CloseRequest", "ServiceActions", "CloseRequest", "ServiceActions"], perRequest);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Shutdown_waits_for_the_request_in_progress_then_ServeForever_returns(Transport transport)
    {
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        using BaseServer server = Servers.Create(transport, Mode.Sync, Gated.Handlers(transport, entered, release));
        var serving = Serving.Start(server);
        Task<string> reply = Task.Run(() => Clients.ExchangeText(transport, server.ServerAddress, "hello\n"));
        Bounded.Wait(entered, "the handler to start");

        Task shutdown = Task.Run(server.Shutdown);
        Assert.False(shutdown.Wait(TimeSpan.FromMilliseconds(200)), "Shutdown() returned while the loop was still inside a request.");
        release.Set();
        Bounded.Wait(shutdown, "Shutdown() after the request finished");
        serving.Join();
        Assert.Equal("HELLO\n", Bounded.Result(reply, "the reply"));
        serving.Dispose();
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_Shutdown_requested_before_ServeForever_starts_makes_it_return_at_once_without_serving(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(transport, mode, recorder);
        using IDisposable pending = PendingRequest(transport, server.ServerAddress);

        // Shutdown() blocks until a loop has run; once it is blocked, its request is on record.
        Thread shutdown = Threads.StartAndWaitUntilBlocked("early Shutdown()", server.Shutdown);

        // With an infinite poll interval, only the pending shutdown can make ServeForever return.
        var loop = new Thread(() => server.ServeForever(Timeout.InfiniteTimeSpan)) { IsBackground = true };
        loop.Start();
        Bounded.Join(loop, "ServeForever to return at once");
        Bounded.Join(shutdown, "the early Shutdown() to return");

        Assert.Empty(recorder.Events);
        server.Dispose();
        Servers.RemoveSocketFile(server);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void No_request_is_handled_once_shutdown_was_requested(Transport transport)
    {
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        int handlers = 0;
        Func<BaseRequestHandler> gated = Gated.Handlers(transport, entered, release);
        using BaseServer server = Servers.Create(transport, Mode.Sync, () =>
        {
            Interlocked.Increment(ref handlers);
            return gated();
        });
        var serving = Serving.Start(server);
        Task<string> first = Task.Run(() => Clients.ExchangeText(transport, server.ServerAddress, "first\n"));
        Bounded.Wait(entered, "the first request");

        // A second request is waiting (in the backlog, or as a queued datagram) when Shutdown() is requested.
        using IDisposable second = PendingRequest(transport, server.ServerAddress);
        Thread shutdown = Threads.StartAndWaitUntilBlocked("Shutdown()", server.Shutdown);
        release.Set();
        Bounded.Join(shutdown, "Shutdown()");
        serving.Join();

        Assert.Equal("FIRST\n", Bounded.Result(first, "the first reply"));
        Assert.Equal(1, handlers);
        serving.Dispose();
    }

    [Fact]
    public void Shutdown_called_from_a_handler_of_a_synchronous_server_throws_instead_of_deadlocking()
    {
        var recorder = new Recorder();
        int requests = 0;
        using var server = new RecordingTcpServer(recorder, () => Interlocked.Increment(ref requests) == 1 ? new ShutdownCallingHandler() : new UpperCaseStreamHandler(), bindAndActivate: true);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(Transport.Tcp, server.ServerAddress, "stop\n");
            recorder.WaitFor("CloseRequest");
            Assert.Equal("STILL SERVING\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "still serving\n"));
        }

        var error = Assert.IsType<InvalidOperationException>(Assert.Single(recorder.Errors));
        Assert.Contains("deadlock", error.Message);
        Assert.Contains("_ = server.ShutdownAsync();", error.Message); // the message names the fix
    }

    [Fact]
    public void Shutdown_called_from_ServiceActions_throws_instead_of_deadlocking()
    {
        using var server = new ShutdownInServiceActionsServer();
        using var serving = Serving.Start(server, TimeSpan.FromMilliseconds(1));
        Bounded.Wait(server.Attempted, "ServiceActions to call Shutdown()");
        Assert.IsType<InvalidOperationException>(server.Failure);
    }

    [Fact]
    public void ServeForever_cannot_run_twice_at_once()
    {
        using var server = new TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        using var serving = Serving.Start(server);
        var second = Assert.Throws<InvalidOperationException>(() => server.ServeForever());
        Assert.Contains("already running", second.Message);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void ServeForever_can_run_again_after_Shutdown(Transport transport)
    {
        using BaseServer server = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        using (Serving.Start(server))
        {
            Assert.Equal("ONE\n", Clients.ExchangeText(transport, server.ServerAddress, "one\n"));
            Task stop = Task.Run(server.Shutdown);
            Bounded.Wait(stop, "Shutdown()");
        }

        Assert.Throws<ObjectDisposedException>(() => server.ServeForever());

        using BaseServer reusable = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        var loop = new Thread(() => reusable.ServeForever()) { IsBackground = true };
        loop.Start();
        Assert.Equal("ONE\n", Clients.ExchangeText(transport, reusable.ServerAddress, "one\n"));
        Bounded.Wait(Task.Run(reusable.Shutdown), "the first Shutdown()");
        Bounded.Join(loop, "the first loop");

        using var again = Serving.Start(reusable);
        Assert.Equal("TWO\n", Clients.ExchangeText(transport, reusable.ServerAddress, "two\n"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void ServerClose_from_another_thread_ends_ServeForever(Transport transport)
    {
        using BaseServer server = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        var serving = Serving.Start(server, Timeout.InfiniteTimeSpan);
        Assert.Equal("UP\n", Clients.ExchangeText(transport, server.ServerAddress, "up\n"));
        server.ServerClose();
        serving.Join();
        serving.Dispose();
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void ServerClose_is_idempotent_and_Fileno_becomes_minus_one(Transport transport)
    {
        BaseServer server = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        Assert.True(server.Fileno() > 0);
        server.ServerClose();
        server.ServerClose();
        server.Dispose();
        Assert.Equal(-1, server.Fileno());
        Assert.Throws<ObjectDisposedException>(() => server.ServeForever());
        Assert.Throws<ObjectDisposedException>(server.HandleRequest);
        Servers.RemoveSocketFile(server);
    }

    [Fact]
    public void Dispose_closes_the_server_without_calling_Shutdown()
    {
        // Shutdown() on a server that is not serving waits for a ServeForever() that never comes; a
        // Dispose() that called it would never return.
        var server = new TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        EndPoint address = server.ServerAddress;
        Bounded.Wait(Task.Run(server.Dispose), "Dispose()");

        var refused = Assert.Throws<SocketException>(() => Clients.Connect(address).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public void Shutdown_returns_at_once_on_a_closed_server_that_is_not_serving()
    {
        var server = new TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        server.ServerClose();
        Bounded.Wait(Task.Run(server.Shutdown), "Shutdown() on a closed server");
    }

    [Fact]
    public void A_negative_poll_interval_is_rejected()
    {
        using var server = new TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        Assert.Throws<ArgumentOutOfRangeException>(() => server.ServeForever(TimeSpan.FromSeconds(-1)));
    }

    /// <summary>A request the server has not taken yet: a connection in the backlog, or a queued datagram.</summary>
    private static IDisposable PendingRequest(Transport transport, EndPoint server)
    {
        if (transport.IsStream())
        {
            Socket connection = Clients.Connect(server);
            connection.Send("pending\n"u8.ToArray());
            return connection;
        }

        Socket datagram = Clients.Datagram(server);
        datagram.SendTo("pending\n"u8.ToArray(), server);
        return datagram;
    }
}

/// <summary>Handlers that signal when they start, then wait for the test before they reply.</summary>
public static class Gated
{
    public static Func<BaseRequestHandler> Handlers(Transport transport, ManualResetEventSlim entered, ManualResetEventSlim release) =>
        transport.IsStream() ? () => new GatedHandler(entered, release) : () => new GatedDatagramHandler(entered, release);
}

/// <summary>Signals when it starts handling, then waits for the test before it replies.</summary>
public sealed class GatedDatagramHandler(ManualResetEventSlim entered, ManualResetEventSlim release) : DatagramRequestHandler
{
    public override void Handle()
    {
        entered.Set();
        Bounded.Wait(release, "the test to release the handler");
        WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Packet).ToUpperInvariant()));
    }
}

/// <summary>Signals when it starts handling, then waits for the test before it replies.</summary>
public sealed class GatedHandler(ManualResetEventSlim entered, ManualResetEventSlim release) : StreamRequestHandler
{
    public override void Handle()
    {
        byte[] line = RFile.ReadLine();
        entered.Set();
        Bounded.Wait(release, "the test to release the handler");
        WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()));
    }
}

public sealed class ShutdownCallingHandler : StreamRequestHandler
{
    public override void Handle() => Server.Shutdown();
}

public sealed class ShutdownInServiceActionsServer() : TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler())
{
    public ManualResetEventSlim Attempted { get; } = new();

    public Exception? Failure { get; private set; }

    public override void ServiceActions()
    {
        if (Attempted.IsSet)
        {
            return;
        }

        try
        {
            Shutdown();
        }
        catch (InvalidOperationException e)
        {
            Failure = e;
        }

        Attempted.Set();
    }
}
