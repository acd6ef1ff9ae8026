using SocketServer.Diagnostics;

namespace SocketServer.Tests;

/// <summary>A Threading TCP server whose serving loop reports each turn, so a test can wait for the loop to go round.</summary>
[SocketServer(Transport.Tcp, Concurrency.Threading)]
public partial class LimitedThreadingTcp
{
    public LoopTurns Turns { get; } = new();

    public override void ServiceActions() => Turns.Turned();
}

[SocketServer(Transport.Udp, Concurrency.Threading)]
public partial class LimitedThreadingUdp
{
    public LoopTurns Turns { get; } = new();

    public override void ServiceActions() => Turns.Turned();
}

[SocketServer(Transport.Tcp, Concurrency.Async)]
public partial class LimitedAsyncTcp
{
    public LoopTurns Turns { get; } = new();

    public override void ServiceActions() => Turns.Turned();
}

/// <summary>Counts the serving loop's turns (ServiceActions runs once per turn).</summary>
public sealed class LoopTurns
{
    private readonly object _gate = new();
    private long _count;

    public void Turned()
    {
        lock (_gate)
        {
            _count++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until the loop has gone round <paramref name="turns"/> more times.</summary>
    public void WaitFor(int turns)
    {
        lock (_gate)
        {
            long target = _count + turns;
            var clock = Stopwatch.StartNew();
            while (_count < target)
            {
                TimeSpan left = Bounded.Limit - clock.Elapsed;
                Assert.True(left > TimeSpan.Zero, $"Timed out waiting for {turns} turns of the serving loop.");
                Monitor.Wait(_gate, left);
            }
        }
    }
}

/// <summary>Echoes until the client closes; says when it starts.</summary>
public sealed class HoldingHandler(SemaphoreSlim started) : StreamRequestHandler
{
    public override void Handle()
    {
        started.Release();
        var buffer = new byte[1024];
        int read;
        while ((read = RFile.Read(buffer)) > 0)
        {
            WFile.Write(buffer, 0, read);
        }
    }
}

/// <summary>Echoes until the client closes, ignoring the stopping token: a conversation that finishes what it started.</summary>
public sealed class AsyncHoldingHandler(SemaphoreSlim started) : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        started.Release();
        await RFile.CopyToAsync(WFile, CancellationToken.None);
    }
}

/// <summary>Says when it starts, then waits for the test to let it finish.</summary>
public sealed class LimitGatedDatagramHandler(SemaphoreSlim started, ManualResetEventSlim release) : DatagramRequestHandler
{
    public override void Handle()
    {
        started.Release();
        Bounded.Wait(release, "the test to release the handler");
        WFile.Write(Packet);
    }
}

/// <summary>A <see cref="ServerErrorLog"/> that keeps what it is given.</summary>
public sealed class RecordingErrorLog : ServerErrorLog
{
    public List<Exception> Failures { get; } = [];

    public ManualResetEventSlim Failed { get; } = new();

    public override void RequestFailed(BaseServer server, EndPoint? clientAddress, Exception exception)
    {
        lock (Failures)
        {
            Failures.Add(exception);
        }

        Failed.Set();
    }

    public override void ErrorHandlingFailed(BaseServer server, EndPoint? clientAddress, Exception exception) => RequestFailed(server, clientAddress, exception);

    public override void AcceptFailed(BaseServer server, Exception exception, TimeSpan pause)
    {
    }

    public override void AcceptRecovered(BaseServer server, int failedAttempts)
    {
    }
}

/// <summary>MaxConnections, draining and aborting, the error log, and the asynchronous handlers' timeout.</summary>
public class LimitTests
{
    private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(20);

    public static TheoryData<Mode> ThreadingAndAsync() => new() { Mode.Threading, Mode.Async };

    [Theory]
    [MemberData(nameof(ThreadingAndAsync))]
    public void At_MaxConnections_the_next_connection_waits_in_the_backlog_until_one_ends(Mode mode)
    {
        using var started = new SemaphoreSlim(0);
        (BaseServer server, LoopTurns turns) = mode == Mode.Threading
            ? Limited(new LimitedThreadingTcp(Servers.LoopbackAny, () => new HoldingHandler(started)) { MaxConnections = 2 })
            : Limited(new LimitedAsyncTcp(Servers.LoopbackAny, () => new AsyncHoldingHandler(started)) { MaxConnections = 2 });
        using (server)
        using (Serving.Start(server, FastPoll))
        {
            using Socket first = Clients.Connect(server.ServerAddress);
            using Socket second = Clients.Connect(server.ServerAddress);
            Assert.True(started.Wait(Bounded.Limit) && started.Wait(Bounded.Limit), "the first two handlers did not start");
            Assert.Equal(2, server.ActiveRequests);

            using Socket third = Clients.Connect(server.ServerAddress); // the kernel completes it: it waits in the backlog
            third.Send("waiting\n"u8);
            Assert.True(server.Socket.Poll((int)Bounded.Limit.TotalMicroseconds, SelectMode.SelectRead), "the third connection never reached the backlog");

            // Had the loop still accepted, three turns would have taken the third connection.
            turns.WaitFor(3);
            Assert.False(started.Wait(0), "a third handler started beyond MaxConnections");
            Assert.True(server.Socket.Poll(0, SelectMode.SelectRead), "the third connection left the backlog");

            first.Shutdown(SocketShutdown.Send);
            Assert.Empty(Clients.ReadToEnd(first));
            Assert.True(started.Wait(Bounded.Limit), "the waiting connection was not served when a slot freed");
            third.Shutdown(SocketShutdown.Send);
            Assert.Equal("waiting\n", Encoding.ASCII.GetString(Clients.ReadToEnd(third)));
            second.Shutdown(SocketShutdown.Send);
            Assert.Empty(Clients.ReadToEnd(second));
        }
    }

    [Fact]
    public void At_MaxConnections_a_datagram_server_leaves_the_next_datagram_in_the_socket()
    {
        using var started = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        using var server = new LimitedThreadingUdp(Servers.LoopbackAny, () => new LimitGatedDatagramHandler(started, release)) { MaxConnections = 1 };
        using (Serving.Start(server, FastPoll))
        {
            using Socket client = Clients.Datagram(server.ServerAddress);
            client.SendTo("one"u8, server.ServerAddress);
            Assert.True(started.Wait(Bounded.Limit), "the first handler did not start");
            client.SendTo("two"u8, server.ServerAddress);
            Assert.True(server.Socket.Poll((int)Bounded.Limit.TotalMicroseconds, SelectMode.SelectRead), "the second datagram never arrived");
            server.Turns.WaitFor(3);
            Assert.False(started.Wait(0), "a second handler started beyond MaxConnections");

            release.Set();
            Assert.True(started.Wait(Bounded.Limit), "the waiting datagram was not handled when the slot freed");
            var buffer = new byte[16];
            var replies = new List<string>
            {
                Encoding.ASCII.GetString(buffer, 0, client.Receive(buffer)),
                Encoding.ASCII.GetString(buffer, 0, client.Receive(buffer)),
            };
            Assert.Equal(["one", "two"], replies.Order());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void MaxConnections_below_one_stops_the_loop_with_a_clear_error(int limit)
    {
        using var started = new SemaphoreSlim(0);
        using var server = new LimitedThreadingTcp(Servers.LoopbackAny, () => new HoldingHandler(started)) { MaxConnections = limit };
        var error = Assert.Throws<InvalidOperationException>(() => server.ServeForever());
        Assert.Contains($"MaxConnections is {limit}", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 1, or null", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ThreadingAndAsync))]
    public void A_drain_waits_for_running_requests_and_an_abort_cuts_the_connections_left(Mode mode)
    {
        using var started = new SemaphoreSlim(0);
        BaseServer server = mode == Mode.Threading
            ? new LimitedThreadingTcp(Servers.LoopbackAny, () => new HoldingHandler(started))
            : new LimitedAsyncTcp(Servers.LoopbackAny, () => new AsyncHoldingHandler(started));
        using (server)
        {
            var serving = Serving.Start(server, FastPoll);
            using Socket first = Clients.Connect(server.ServerAddress);
            using Socket second = Clients.Connect(server.ServerAddress);
            Assert.True(started.Wait(Bounded.Limit) && started.Wait(Bounded.Limit), "the handlers did not start");

            Bounded.Wait(Task.Run(server.Shutdown), "Shutdown()");
            serving.Join();
            Assert.Equal(2, server.ActiveRequests);
            Assert.False(server.WaitForActiveRequests(TimeSpan.Zero));

            // A connection still talks during the drain.
            first.Send("still here\n"u8);
            var buffer = new byte[64];
            Assert.Equal("still here\n", Encoding.ASCII.GetString(buffer, 0, first.Receive(buffer)));

            Assert.Equal(2, server.AbortActiveRequests());
            Assert.True(server.WaitForActiveRequests(Bounded.Limit), "handlers did not end after the abort");
            Assert.Equal(0, server.ActiveRequests);
            Assert.Empty(Clients.ReadToEnd(first));
            Assert.Empty(Clients.ReadToEnd(second));
            Assert.Equal(0, server.AbortActiveRequests());
            serving.Dispose();
        }
    }

    [Fact]
    public void WaitForActiveRequests_rejects_a_negative_timeout()
    {
        using var server = new LimitedThreadingTcp(Servers.LoopbackAny, () => new HoldingHandler(new SemaphoreSlim(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => server.WaitForActiveRequests(TimeSpan.FromSeconds(-2)));
        Assert.True(server.WaitForActiveRequests(Timeout.InfiniteTimeSpan));
    }

    [Theory]
    [MemberData(nameof(TransportExtensions.AllPairs), MemberType = typeof(TransportExtensions))]
    public void The_default_HandleError_reports_to_the_ErrorLog_instead_of_standard_error(Transport transport, Mode mode)
    {
        var log = new RecordingErrorLog();
        Func<BaseRequestHandler> failing = transport.IsStream() ? () => new FailingStreamHandler() : () => new FailingDatagramHandler();
        using BaseServer server = Servers.Create(transport, mode, failing);
        server.ErrorLog = log;
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(transport, server.ServerAddress, "boom\n");
            Bounded.Wait(log.Failed, "the error log to be told");
        }

        Exception failure = Assert.Single(log.Failures);
        Assert.Equal("failing on purpose", failure.Message);
        Assert.Throws<ArgumentNullException>(() => server.ErrorLog = null!);
    }

    [Fact]
    public void An_asynchronous_handler_read_that_outlasts_Timeout_fails_with_TimedOut()
    {
        var log = new RecordingErrorLog();
        using var server = new AsyncTcpServer(Servers.LoopbackAny, () => new TimedAsyncHandler()) { ErrorLog = log };
        using (Serving.Start(server))
        {
            using Socket silent = Clients.Connect(server.ServerAddress); // connects and says nothing
            Bounded.Wait(log.Failed, "the handler's read to time out");
            Assert.Empty(Clients.ReadToEnd(silent));
        }

        var timedOut = Assert.IsType<IOException>(Assert.Single(log.Failures));
        Assert.Equal(SocketError.TimedOut, Assert.IsType<SocketException>(timedOut.InnerException).SocketErrorCode);
        Assert.Contains("Timeout (0.2 s)", timedOut.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    public void An_asynchronous_handler_Timeout_must_be_positive(int milliseconds)
    {
        var handler = new TimedAsyncHandler();
        Assert.Throws<ArgumentOutOfRangeException>(() => handler.Timeout = TimeSpan.FromMilliseconds(milliseconds));
        handler.Timeout = Timeout.InfiniteTimeSpan;
        Assert.Null(handler.Timeout);
    }

    private static (BaseServer Server, LoopTurns Turns) Limited(LimitedThreadingTcp server) => (server, server.Turns);

    private static (BaseServer Server, LoopTurns Turns) Limited(LimitedAsyncTcp server) => (server, server.Turns);
}

public sealed class FailingStreamHandler : StreamRequestHandler
{
    public override void Handle()
    {
        RFile.ReadLine();
        throw new InvalidOperationException("failing on purpose");
    }
}

public sealed class FailingDatagramHandler : DatagramRequestHandler
{
    public override void Handle() => throw new InvalidOperationException("failing on purpose");
}

public sealed class TimedAsyncHandler : AsyncStreamRequestHandler
{
    public TimedAsyncHandler() => Timeout = TimeSpan.FromMilliseconds(200);

    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16];
        _ = await RFile.ReadAsync(buffer, cancellationToken);
    }
}
