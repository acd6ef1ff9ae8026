namespace SocketServer.Tests;

/// <summary>The request path runs Python's steps in Python's order, on every transport, sync and threading.</summary>
public class RequestPathTests
{
    private static readonly string[] FullPath =
        ["GetRequest", "VerifyRequest", "ProcessRequest", "FinishRequest", "Setup", "Handle", "Finish", "ShutdownRequest", "CloseRequest"];

    public static TheoryData<Transport, Mode> Pairs => TransportExtensions.AllPairs();

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_request_runs_every_step_in_pythons_order_then_ServiceActions(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(transport, mode, recorder);

        // With an infinite poll interval ServiceActions runs only after requests, so its one call is this request's.
        using (Serving.Start(server, Timeout.InfiniteTimeSpan))
        {
            Assert.Equal("HELLO\n", Clients.ExchangeText(transport, server.ServerAddress, "hello\n"));
            recorder.WaitFor("CloseRequest");
            recorder.WaitFor("ServiceActions");
        }

        Assert.Equal(FullPath, recorder.RequestPath);
        Assert.Equal(1, recorder.Count("ServiceActions"));
        if (mode == Mode.Sync)
        {
            Assert.Equal("ServiceActions", recorder.Events[^1]);
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_rejected_request_creates_no_handler_and_is_shut_down_exactly_once(Transport transport, Mode mode)
    {
        var recorder = new Recorder { Verify = (_, _) => false };
        BaseServer server = Recording.Create(transport, mode, recorder);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "hello\n");
            recorder.WaitFor("CloseRequest");
        }

        Assert.Equal(["GetRequest", "VerifyRequest", "ShutdownRequest", "CloseRequest"], recorder.RequestPath);
        Assert.Equal(0, recorder.HandlersCreated);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void After_a_failing_request_the_server_goes_on_serving(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        int requests = 0;

        // The first request's handler throws in Handle, the second does not.
        HandlerScript ScriptFor() => Interlocked.Increment(ref requests) == 1 ? new HandlerScript(ThrowInHandle: true) : new HandlerScript();
        Func<BaseRequestHandler> handlers = transport.IsStream()
            ? () => new RecordingStreamHandler(recorder, ScriptFor())
            : () => new RecordingDatagramHandler(recorder, ScriptFor());
        using BaseServer server = Servers.Create(transport, mode, handlers);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "first\n");
            Assert.Equal("SECOND\n", Clients.ExchangeText(transport, server.ServerAddress, "second\n"));
        }

        Assert.Equal(2, requests);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_failure_path_is_Finish_HandleError_ShutdownRequest(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(transport, mode, recorder, new HandlerScript(ThrowInHandle: true));
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "hello\n");
            recorder.WaitFor("CloseRequest");
        }

        Assert.Equal(
            ["GetRequest", "VerifyRequest", "ProcessRequest", "FinishRequest", "Setup", "Handle", "Finish", "HandleError", "ShutdownRequest", "CloseRequest"],
            recorder.RequestPath);
        Exception error = Assert.Single(recorder.Errors);
        Assert.Equal("handle failed on purpose", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void An_exception_in_Setup_skips_Handle_and_Finish(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(transport, mode, recorder, new HandlerScript(ThrowInSetup: true));
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "hello\n");
            recorder.WaitFor("CloseRequest");
        }

        Assert.Equal(
            ["GetRequest", "VerifyRequest", "ProcessRequest", "FinishRequest", "Setup", "HandleError", "ShutdownRequest", "CloseRequest"],
            recorder.RequestPath);
        Assert.Equal("setup failed on purpose", Assert.Single(recorder.Errors).Message);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void When_Handle_and_Finish_both_throw_HandleError_gets_both(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(transport, mode, recorder, new HandlerScript(ThrowInHandle: true, ThrowInFinish: true));
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "hello\n");
            recorder.WaitFor("CloseRequest");
        }

        var both = Assert.IsType<AggregateException>(Assert.Single(recorder.Errors));
        Assert.Collection(
            both.InnerExceptions,
            first => Assert.IsType<InvalidOperationException>(first),
            second => Assert.IsType<FormatException>(second));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void An_exception_in_VerifyRequest_is_reported_and_serving_goes_on(Transport transport, Mode mode)
    {
        var recorder = new Recorder();
        int verified = 0;
        recorder.Verify = (_, _) => Interlocked.Increment(ref verified) == 1 ? throw new UnauthorizedAccessException("verify failed on purpose") : true;
        BaseServer server = Recording.Create(transport, mode, recorder);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "first\n");
            recorder.WaitFor("ShutdownRequest");
            Assert.Equal("SECOND\n", Clients.ExchangeText(transport, server.ServerAddress, "second\n"));
        }

        Assert.IsType<UnauthorizedAccessException>(Assert.Single(recorder.Errors));
        Assert.Equal(1, recorder.HandlersCreated);
        Assert.Equal(["GetRequest", "VerifyRequest", "HandleError", "ShutdownRequest", "CloseRequest"], recorder.RequestPath[..5]);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_handler_sees_request_client_address_and_server(Transport transport, Mode mode)
    {
        BaseRequestHandler? seen = null;
        var done = new ManualResetEventSlim();
        Func<BaseRequestHandler> handlers = transport.IsStream()
            ? () => new ProbeStreamHandler(h => { seen = h; done.Set(); })
            : () => new ProbeDatagramHandler(h => { seen = h; done.Set(); });
        using BaseServer server = Servers.Create(transport, mode, handlers);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "hello\n");
            Bounded.Wait(done, "the handler");
        }

        Assert.NotNull(seen);
        Assert.Same(server, seen.Server);
        if (transport.IsStream())
        {
            Assert.IsAssignableFrom<Socket>(seen.Request);
        }
        else
        {
            var datagram = Assert.IsType<DatagramRequest>(seen.Request);
            Assert.Same(server.Socket, datagram.Socket);
            Assert.Equal("hello\n", Encoding.ASCII.GetString(datagram.Packet));
        }

        if (transport == Transport.UnixStream)
        {
            Assert.Null(seen.ClientAddress); // the test client never binds its socket
        }
        else
        {
            Assert.NotNull(seen.ClientAddress);
        }
    }

    [Fact]
    public void A_factory_that_returns_null_is_reported_clearly()
    {
        var recorder = new Recorder();
        using var server = new RecordingTcpServer(recorder, () => null!, bindAndActivate: true);
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(Transport.Tcp, server.ServerAddress, "hello\n");
            recorder.WaitFor("CloseRequest");
        }

        Assert.Contains("factory returned null", Assert.IsType<InvalidOperationException>(Assert.Single(recorder.Errors)).Message);
    }
}

public sealed class ProbeStreamHandler(Action<BaseRequestHandler> probe) : StreamRequestHandler
{
    public override void Handle() => probe(this);
}

public sealed class ProbeDatagramHandler(Action<BaseRequestHandler> probe) : DatagramRequestHandler
{
    public override void Handle() => probe(this);
}
