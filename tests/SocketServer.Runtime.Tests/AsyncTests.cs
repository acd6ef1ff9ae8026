namespace SocketServer.Tests;

/// <summary>Upper-cases every line until the client closes, awaiting I/O.</summary>
public sealed class AsyncUpperLinesHandler : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        while (await RFile.ReadLineAsync(cancellationToken: cancellationToken) is { Length: > 0 } line)
        {
            await WFile.WriteAsync(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()), cancellationToken);
        }
    }
}

public sealed class AsyncUpperPacketHandler : AsyncDatagramRequestHandler
{
    public override Task HandleAsync(CancellationToken cancellationToken)
    {
        WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Packet).ToUpperInvariant()));
        return Task.CompletedTask;
    }
}

/// <summary>An asynchronous handler whose steps run a test's script.</summary>
public sealed class ScriptedAsyncHandler(Func<ScriptedAsyncHandler, CancellationToken, Task> handle, Recorder? recorder = null, bool throwInHandle = false) : AsyncStreamRequestHandler
{
    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        recorder?.Add("SetupAsync");
        await base.SetupAsync(cancellationToken);
    }

    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        recorder?.Add("HandleAsync");
        await handle(this, cancellationToken);
        if (throwInHandle)
        {
            throw new InvalidOperationException("handle failed on purpose");
        }
    }

    public override async Task FinishAsync()
    {
        recorder?.Add("FinishAsync");
        await base.FinishAsync();
    }
}

/// <summary>The Async mix-in: asynchronous handlers, no thread per request, the stopping token, closing and backpressure.</summary>
public class AsyncTests
{
    public static TheoryData<Transport, Mode> AsyncHandlerPairs()
    {
        var data = new TheoryData<Transport, Mode>();
        foreach (Transport transport in Enum.GetValues<Transport>())
        {
            foreach (Mode mode in Enum.GetValues<Mode>())
            {
                data.Add(transport, mode);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AsyncHandlerPairs))]
    public void Asynchronous_handlers_serve_on_every_transport_and_concurrency(Transport transport, Mode mode)
    {
        Func<BaseRequestHandler> handlers = transport.IsStream() ? () => new AsyncUpperLinesHandler() : () => new AsyncUpperPacketHandler();
        using BaseServer server = Servers.Create(transport, mode, handlers);
        using (Serving.Start(server))
        {
            Assert.Equal("ASYNC HANDLER\n", ExchangeUntilEnd(transport, server.ServerAddress, "async handler\n"));
        }
    }

    /// <summary>Like Clients.Exchange, but a stream client closes its side so a read-until-end handler finishes.</summary>
    private static string ExchangeUntilEnd(Transport transport, EndPoint server, string payload)
    {
        if (!transport.IsStream())
        {
            return Clients.ExchangeText(transport, server, payload);
        }

        using Socket connection = Clients.Connect(server);
        connection.Send(Encoding.ASCII.GetBytes(payload));
        connection.Shutdown(SocketShutdown.Send);
        return Encoding.ASCII.GetString(Clients.ReadToEnd(connection));
    }

    [Fact]
    public void The_async_steps_run_in_pythons_order_and_a_failure_still_finishes_then_reports()
    {
        var recorder = new Recorder();
        using var server = new RecordingAsyncTcpServer(recorder, () => new ScriptedAsyncHandler((_, _) => Task.CompletedTask, recorder, throwInHandle: true));
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(Transport.Tcp, server.ServerAddress, "x\n");
            recorder.WaitFor("CloseRequest");
        }

        Assert.Equal(
            ["GetRequest", "VerifyRequest", "ProcessRequest", "FinishRequest", "SetupAsync", "HandleAsync", "FinishAsync", "HandleError", "ShutdownRequest", "CloseRequest"],
            recorder.RequestPath);
    }

    [Fact]
    public void Shutdown_fires_the_handlers_token_and_ending_with_it_is_not_an_error()
    {
        var recorder = new Recorder();
        var waiting = new ManualResetEventSlim();
        var cancelled = new ManualResetEventSlim();
        using var server = new RecordingAsyncTcpServer(recorder, () => new ScriptedAsyncHandler(async (h, token) =>
        {
            waiting.Set();
            try
            {
                await h.RFile.ReadLineAsync(cancellationToken: token);
            }
            catch (OperationCanceledException)
            {
                cancelled.Set();
                throw;
            }
        }));
        var serving = Serving.Start(server);
        using Socket idle = Clients.Connect(server.ServerAddress);
        Bounded.Wait(waiting, "the handler to wait for a line");
        Assert.False(server.StoppingToken.IsCancellationRequested);

        Bounded.Wait(server.ShutdownAsync(), "ShutdownAsync()");
        Bounded.Wait(cancelled, "the handler's token to fire");
        recorder.WaitFor("CloseRequest");
        Assert.Empty(Clients.ReadToEnd(idle));
        Assert.Empty(recorder.Errors);
        serving.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ServerClose_waits_for_running_async_requests_unless_BlockOnClose_is_false(bool blockOnClose)
    {
        var entered = new ManualResetEventSlim();
        var release = new TaskCompletionSource();
        var server = new AsyncTcpServer(Servers.LoopbackAny, () => new ScriptedAsyncHandler(async (h, _) =>
        {
            entered.Set();
            await release.Task;
            await h.WFile.WriteAsync("done\n"u8.ToArray());
        }))
        {
            BlockOnClose = blockOnClose,
        };
        var serving = Serving.Start(server);
        Task<string> reply = Task.Run(() => Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "x\n"));
        Bounded.Wait(entered, "the request");

        Task close = Task.Run(server.ServerClose);
        if (blockOnClose)
        {
            Assert.False(close.Wait(TimeSpan.FromMilliseconds(200)), "ServerClose() returned while an async request was running.");
        }
        else
        {
            Bounded.Wait(close, "ServerClose() not to wait");
        }

        release.SetResult();
        Bounded.Wait(close, "ServerClose()");
        Assert.Equal("done\n", Bounded.Result(reply, "the reply"));
        serving.Dispose();
    }

    [Fact]
    public void A_client_that_does_not_read_makes_the_writer_wait_instead_of_the_server_buffering()
    {
        const int chunk = 64 * 1024;
        const long total = 256L * 1024 * 1024;
        long written = 0;
        var blocked = new ManualResetEventSlim();
        using var server = new AsyncTcpServer(Servers.LoopbackAny, () => new ScriptedAsyncHandler(async (h, token) =>
        {
            var data = new byte[chunk];
            while (Interlocked.Read(ref written) < total)
            {
                ValueTask write = h.WFile.WriteAsync(data, token);
                if (!write.IsCompleted)
                {
                    blocked.Set();
                }

                await write;
                Interlocked.Add(ref written, chunk);
            }
        }));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Connect(server.ServerAddress);
            client.Send("go\n"u8.ToArray());

            // The client reads nothing: the handler's write must stop completing long before 256 MiB.
            Bounded.Wait(blocked, "a write to wait for the client");
            long whileStalled = Interlocked.Read(ref written);
            Assert.True(whileStalled < 32L * 1024 * 1024, $"{whileStalled} bytes were accepted from the handler while the client read nothing.");

            long received = 0;
            var buffer = new byte[1024 * 1024];
            int n;
            while ((n = client.Receive(buffer)) > 0)
            {
                received += n;
            }

            Assert.Equal(total, received);
        }
    }

    [Fact]
    public void ServeForeverAsync_ends_when_its_token_is_cancelled_and_reports_what_the_loop_throws()
    {
        using var server = new AsyncTcpServer(Servers.LoopbackAny, () => new AsyncUpperLinesHandler());
        using var cancellation = new CancellationTokenSource();
        Task serving = server.ServeForeverAsync(TimeSpan.FromMilliseconds(10), cancellation.Token);
        Assert.Equal("UP\n", ExchangeUntilEnd(Transport.Tcp, server.ServerAddress, "up\n"));
        Assert.False(serving.IsCompleted);
        cancellation.Cancel();
        Bounded.Wait(serving, "ServeForeverAsync to end");
        Assert.Equal(TaskStatus.RanToCompletion, serving.Status);

        using var failing = new ThrowingServiceActionsServer();
        Task faulted = failing.ServeForeverAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None);
        var error = Assert.Throws<AggregateException>(() => faulted.Wait(Bounded.Limit));
        Assert.Equal("service actions failed on purpose", Assert.IsType<FormatException>(error.InnerException).Message);
    }

    [Fact]
    public void An_async_handler_can_await_ShutdownAsync_and_still_reply()
    {
        using var server = new AsyncTcpServer(Servers.LoopbackAny, () => new ScriptedAsyncHandler(async (h, _) =>
        {
            await h.Server.ShutdownAsync();
            await h.WFile.WriteAsync("stopped\n"u8.ToArray());
        }));
        Task serving = server.ServeForeverAsync();
        Assert.Equal("stopped\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "stop\n"));
        Bounded.Wait(serving, "the loop to stop");
    }
}

/// <summary>Measures threads, so it runs alone.</summary>
[Collection(nameof(ProcessWideState))]
public class AsyncScaleTests
{
    [Fact]
    public void Two_hundred_waiting_connections_hold_no_thread_each()
    {
        const int connections = 200;
        var waiting = new CountdownEvent(connections);
        using var server = new AsyncTcpServer(Servers.LoopbackAny, () => new ScriptedAsyncHandler(async (h, token) =>
        {
            waiting.Signal();
            await h.RFile.ReadLineAsync(cancellationToken: token);
            await h.WFile.WriteAsync("bye\n"u8.ToArray(), token);
        }));
        using (Serving.Start(server))
        {
            int before = Process.GetCurrentProcess().Threads.Count;
            var clients = Enumerable.Range(0, connections).Select(_ => Clients.Connect(server.ServerAddress)).ToList();
            Bounded.Wait(waiting, "every connection's handler to wait");
            int during = Process.GetCurrentProcess().Threads.Count;
            Assert.True(during - before < 40, $"{during - before} more threads while {connections} requests wait ({before} → {during}).");

            foreach (Socket client in clients)
            {
                client.Send("x\n"u8.ToArray());
            }

            Assert.All(clients, c => Assert.Equal("bye\n", Encoding.ASCII.GetString(Clients.ReadToEnd(c))));
            clients.ForEach(c => c.Dispose());
        }
    }
}

public sealed class ThrowingServiceActionsServer() : AsyncTcpServer(Servers.LoopbackAny, () => new AsyncUpperLinesHandler())
{
    public override void ServiceActions() => throw new FormatException("service actions failed on purpose");
}
