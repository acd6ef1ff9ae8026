using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketServer.Diagnostics;

namespace SocketServer.Hosting.Tests;

/// <summary>
/// AddSocketServer in a real generic host: start, serve, stop with a drain, the drain timeout, logging, failures.
/// </summary>
public class HostingTests
{
    [Fact]
    public async Task A_hosted_threading_server_serves_a_client_and_the_host_stops()
    {
        var logs = new TestLogs();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<EchoServer>(options => options.CreateServer = _ => new EchoServer(Loopback.AnyPort)));

        await Bounded.Within(host.StartAsync(), "the host to start");
        EchoServer server = host.Services.GetRequiredService<EchoServer>();

        Assert.Equal("hello\nworld\n", Clients.EchoLine(server.ServerAddress, "hello\nworld\n"));

        LogEntry listening = logs.WaitFor(e => e.EventId.Name == "Listening", "Listening");
        Assert.Equal(TestHosts.Category<EchoServer>(), listening.Category);
        Assert.Equal(LogLevel.Information, listening.Level);
        Assert.Equal(server.ServerAddress.ToString(), listening.Values["ServerAddress"]?.ToString());
        Assert.Contains($"Listening on {server.ServerAddress}", listening.Message, StringComparison.Ordinal);

        await Bounded.Within(host.StopAsync(), "the host to stop");
        Assert.Equal(-1, server.Fileno()); // closed (and disposed)
        logs.WaitFor(e => e.EventId.Name == "Stopped" && e.Category == TestHosts.Category<EchoServer>(), "Stopped");
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Stopping_the_host_waits_for_a_running_request_to_finish()
    {
        var logs = new TestLogs();
        using var gate = new Gate();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<ScriptedServer>(options =>
                options.CreateServer = _ => new ScriptedServer(Loopback.AnyPort, () => new GatedHandler(gate))));
        await Bounded.Within(host.StartAsync(), "the host to start");
        EndPoint address = host.Services.GetRequiredService<ScriptedServer>().ServerAddress;

        try
        {
            using Socket client = Clients.Connect(address);
            Clients.Send(client, "in flight\n");
            Bounded.Wait(gate.Started, "the handler to start");
            Assert.Equal(1, host.Services.GetRequiredService<ScriptedServer>().ActiveRequests);

            Task stop = Task.Run(() => host.StopAsync());

            // Whether the request had finished at the moment StopAsync completed, recorded as it completes.
            Task<bool> finishedWhenStopped = stop.ContinueWith(_ => gate.Finished.IsSet, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            // A refused connection shows that the stop has begun and closed the listener, while the request still runs.
            Clients.WaitUntilRefused(address);
            Assert.False(stop.IsCompleted, "StopAsync returned while a request was still running.");

            gate.Release.Set();
            string reply = Clients.ReadToEnd(client);
            Assert.Equal(string.Concat(Enumerable.Repeat("in flight\n", GatedHandler.Repeats)), reply);
            await Bounded.Within(stop, "the host to stop after the request finished");
            Assert.True(await finishedWhenStopped, "StopAsync completed before the running request finished.");
        }
        finally
        {
            gate.Release.Set(); // a failed assertion must not leave the handler (and the host's disposal) waiting
        }

        LogEntry stopped = logs.WaitFor(e => e.EventId.Name == "Stopped", "Stopped");
        Assert.True((int)stopped.Values["DrainedRequests"]! >= 1, logs.Describe()); // the in-flight one (and perhaps a probe)
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Name is "DrainTimedOut" or "StopCutShort");
    }

    [Fact]
    public async Task After_the_drain_timeout_running_connections_are_aborted_and_logged()
    {
        var logs = new TestLogs();
        using var started = new ManualResetEventSlim();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<ScriptedServer>(options =>
            {
                options.CreateServer = _ => new ScriptedServer(Loopback.AnyPort, () => new EndlessReaderHandler(started));
                options.DrainTimeout = TimeSpan.FromMilliseconds(200);
            }));
        await Bounded.Within(host.StartAsync(), "the host to start");
        using Socket client = Clients.Connect(host.Services.GetRequiredService<ScriptedServer>().ServerAddress);
        Bounded.Wait(started, "the handler to start");

        await Bounded.Within(host.StopAsync(), "the host to stop after the drain timeout");

        Assert.Equal(string.Empty, Clients.ReadToEnd(client)); // the server cut the connection: end of stream
        LogEntry warning = logs.WaitFor(e => e.EventId.Name == "DrainTimedOut", "DrainTimedOut");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(TestHosts.Category<ScriptedServer>(), warning.Category);
        Assert.Equal(1, warning.Values["AbortedConnections"]);
        Assert.Contains("Aborted 1 connection", warning.Message, StringComparison.Ordinal);
        logs.WaitFor(e => e.EventId.Name == "Stopped", "Stopped");
    }

    [Fact]
    public async Task The_hosts_shutdown_timeout_bounds_the_stop_even_if_a_handler_ignores_the_abort()
    {
        var logs = new TestLogs();
        using var gate = new Gate();
        using IHost host = TestHosts.Build(logs, services =>
        {
            services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(300));
            services.AddSocketServer<ScriptedServer>(options =>
            {
                options.CreateServer = _ => new ScriptedServer(Loopback.AnyPort, () => new GatedHandler(gate));
                options.DrainTimeout = Timeout.InfiniteTimeSpan; // only the host's timeout ends the drain
            });
        });
        await Bounded.Within(host.StartAsync(), "the host to start");
        ScriptedServer server = host.Services.GetRequiredService<ScriptedServer>();
        try
        {
            using Socket client = Clients.Connect(server.ServerAddress);
            Clients.Send(client, "stuck\n");
            Bounded.Wait(gate.Started, "the handler to start");

            // The handler waits on an event, not on its connection: cutting the connection does not end it.
            await Bounded.Within(host.StopAsync(), "the host to stop at its shutdown timeout");

            Assert.Equal(string.Empty, Clients.ReadToEnd(client)); // cut all the same
            Assert.False(gate.Finished.IsSet);
            LogEntry warning = logs.WaitFor(e => e.EventId.Name == "StopCutShort", "StopCutShort");
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Equal(1, warning.Values["AbortedConnections"]);
            Assert.Equal(1, warning.Values["RunningRequests"]);
        }
        finally
        {
            gate.Release.Set();
        }

        // The close goes on in the background and ends once the handler does.
        Assert.True(server.WaitForActiveRequests(Bounded.Limit), "The request never ended.");
    }

    [Fact]
    public async Task A_failing_request_is_logged_as_an_error_with_its_exception()
    {
        var logs = new TestLogs();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<ScriptedServer>(options =>
                options.CreateServer = _ => new ScriptedServer(Loopback.AnyPort, () => new FailingHandler())));
        await Bounded.Within(host.StartAsync(), "the host to start");
        ScriptedServer server = host.Services.GetRequiredService<ScriptedServer>();
        Assert.IsType<LoggerServerErrorLog>(server.ErrorLog);

        EndPoint clientAddress;
        using (Socket client = Clients.Connect(server.ServerAddress))
        {
            clientAddress = client.LocalEndPoint!;
            Clients.Send(client, "fail\n");
            Assert.Equal(string.Empty, Clients.ReadToEnd(client)); // the request ends; the server goes on
        }

        LogEntry error = logs.WaitFor(e => e.EventId.Name == "RequestFailed", "RequestFailed");
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Equal(1, error.EventId.Id);
        Assert.Equal(TestHosts.Category<ScriptedServer>(), error.Category);
        InvalidOperationException exception = Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Equal(FailingHandler.Message, exception.Message);
        Assert.Equal(clientAddress.ToString(), error.Values["ClientAddress"]?.ToString());
        Assert.Contains(clientAddress.ToString()!, error.Message, StringComparison.Ordinal);

        await Bounded.Within(host.StopAsync(), "the host to stop");
    }

    [Fact]
    public async Task UseLogger_false_keeps_the_servers_own_error_log()
    {
        var logs = new TestLogs();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<EchoServer>(options =>
            {
                options.CreateServer = _ => new EchoServer(Loopback.AnyPort);
                options.UseLogger = false;
            }));
        await Bounded.Within(host.StartAsync(), "the host to start");

        Assert.Same(ServerErrorLog.StandardError, host.Services.GetRequiredService<EchoServer>().ErrorLog);
        await Bounded.Within(host.StopAsync(), "the host to stop");
    }

    [Fact]
    public async Task A_missing_CreateServer_fails_the_start_with_a_message_saying_what_to_set()
    {
        using IHost host = TestHosts.Build(new TestLogs(), services => services.AddSocketServer<EchoServer>(_ => { }));

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("SocketServerHostingOptions<EchoServer>.CreateServer is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("options.CreateServer = _ => new EchoServer(", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bind_failure_fails_the_start_with_the_runtimes_SocketException()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(Loopback.AnyPort);
        holder.Listen();
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var logs = new TestLogs();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<EchoServer>(options => options.CreateServer = _ => new EchoServer(new IPEndPoint(IPAddress.Loopback, port))));

        SocketException error = await Assert.ThrowsAsync<SocketException>(() => host.StartAsync());

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Name == "Listening");
    }

    [Fact]
    public async Task Two_servers_run_in_one_host()
    {
        var logs = new TestLogs();
        using IHost host = TestHosts.Build(logs, services => services
            .AddSocketServer<EchoServer>(options => options.CreateServer = _ => new EchoServer(Loopback.AnyPort))
            .AddSocketServer<SecondEchoServer>(options => options.CreateServer = _ => new SecondEchoServer(Loopback.AnyPort)));
        await Bounded.Within(host.StartAsync(), "the host to start");
        EchoServer first = host.Services.GetRequiredService<EchoServer>();
        SecondEchoServer second = host.Services.GetRequiredService<SecondEchoServer>();
        Assert.NotEqual(first.ServerAddress, second.ServerAddress);

        Assert.Equal("one\n", Clients.EchoLine(first.ServerAddress, "one\n"));
        Assert.Equal("two\n", Clients.EchoLine(second.ServerAddress, "two\n"));

        await Bounded.Within(host.StopAsync(), "the host to stop");
        Assert.Equal(-1, first.Fileno());
        Assert.Equal(-1, second.Fileno());
        logs.WaitFor(e => e.EventId.Name == "Stopped" && e.Category == TestHosts.Category<EchoServer>(), "EchoServer stopped");
        logs.WaitFor(e => e.EventId.Name == "Stopped" && e.Category == TestHosts.Category<SecondEchoServer>(), "SecondEchoServer stopped");
    }

    [Fact]
    public async Task A_hosted_async_server_serves_and_its_open_connections_end_when_the_host_stops()
    {
        var logs = new TestLogs();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<AsyncEchoServer>(options =>
            {
                options.CreateServer = _ => new AsyncEchoServer(Loopback.AnyPort);
                options.DrainTimeout = Timeout.InfiniteTimeSpan; // only the stopping token can end the idle connection
            }));
        await Bounded.Within(host.StartAsync(), "the host to start");
        AsyncEchoServer server = host.Services.GetRequiredService<AsyncEchoServer>();

        Assert.Equal("async\n", Clients.EchoLine(server.ServerAddress, "async\n"));

        // A long-lived connection, idle in ReadLineAsync when the host stops: Shutdown fires the stopping token.
        using Socket idle = Clients.Connect(server.ServerAddress);
        Clients.Send(idle, "still here\n");
        Assert.Equal("still here\n", Clients.ReadExactly(idle, "still here\n".Length));

        await Bounded.Within(host.StopAsync(), "the host to stop");

        Assert.Equal(string.Empty, Clients.ReadToEnd(idle));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
        logs.WaitFor(e => e.EventId.Name == "Stopped", "Stopped");
    }

    [Fact]
    public async Task A_failed_serving_loop_is_logged_as_critical_and_stops_the_application()
    {
        var logs = new TestLogs();
        using IHost host = TestHosts.Build(logs, services =>
            services.AddSocketServer<FaultingServer>(options =>
            {
                options.CreateServer = _ => new FaultingServer(Loopback.AnyPort);
                options.PollInterval = Timeout.InfiniteTimeSpan; // ServiceActions runs only after requests
            }));
        await Bounded.Within(host.StartAsync(), "the host to start");
        using var stopping = new ManualResetEventSlim();
        using CancellationTokenRegistration registration =
            host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopping.Set);
        FaultingServer server = host.Services.GetRequiredService<FaultingServer>();

        server.Fail = true;
        Assert.Equal("last\n", Clients.EchoLine(server.ServerAddress, "last\n")); // ServiceActions throws after it

        Bounded.Wait(stopping, "the application to be stopped");
        LogEntry critical = logs.WaitFor(e => e.EventId.Name == "LoopFailed", "LoopFailed");
        Assert.Equal(LogLevel.Critical, critical.Level);
        Assert.Equal("the serving loop failed on purpose", critical.Exception?.Message);

        await Bounded.Within(host.StopAsync(), "the host to stop");
    }

    [Fact]
    public void Timeouts_must_be_zero_positive_or_infinite()
    {
        var options = new SocketServerHostingOptions<EchoServer>
        {
            DrainTimeout = TimeSpan.Zero,
            PollInterval = Timeout.InfiniteTimeSpan,
        };
        options.DrainTimeout = Timeout.InfiniteTimeSpan;

        Assert.Throws<ArgumentOutOfRangeException>(() => options.DrainTimeout = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.PollInterval = TimeSpan.FromMilliseconds(-2));
        Assert.Equal(TimeSpan.FromSeconds(30), new SocketServerHostingOptions<EchoServer>().DrainTimeout);
        Assert.Equal(BaseServer.DefaultPollInterval, new SocketServerHostingOptions<EchoServer>().PollInterval);
        Assert.True(new SocketServerHostingOptions<EchoServer>().UseLogger);
    }

    [Fact]
    public async Task The_logger_error_log_works_without_the_host()
    {
        var logs = new TestLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var server = new ScriptedServer(Loopback.AnyPort, () => new FailingHandler())
        {
            ErrorLog = new LoggerServerErrorLog(factory.CreateLogger("Standalone")),
        };
        Task loop = server.ServeForeverAsync();

        using (Socket client = Clients.Connect(server.ServerAddress))
        {
            Clients.Send(client, "fail\n");
            Assert.Equal(string.Empty, Clients.ReadToEnd(client));
        }

        LogEntry error = logs.WaitFor(e => e.EventId.Id == 1, "RequestFailed");
        Assert.Equal("Standalone", error.Category);
        Assert.IsType<InvalidOperationException>(error.Exception);
        await Bounded.Within(server.ShutdownAsync(), "the server to shut down");
        await Bounded.Within(loop, "the serving loop to end");
        Assert.Throws<ArgumentNullException>(() => new LoggerServerErrorLog(null!));
    }
}
