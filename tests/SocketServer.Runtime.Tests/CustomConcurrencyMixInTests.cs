using System.Collections.Concurrent;

namespace SocketServer.Tests;

/// <summary>
/// A concurrency mix-in written outside the runtime: it runs every request on one dedicated thread of its own, and
/// runs it there with <see cref="BaseServer.RunRequest"/>, as the built-in mix-ins do.
/// </summary>
public sealed class DedicatedThreadMixIn : ServerMixIn
{
    public const string ThreadName = "dedicated request thread";

    private readonly BlockingCollection<Action> _requests = [];
    private Thread? _thread;

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        if (_thread is null)
        {
            _thread = new Thread(() =>
            {
                foreach (Action run in _requests.GetConsumingEnumerable())
                {
                    run();
                }
            })
            {
                IsBackground = true,
                Name = ThreadName,
            };
            _thread.Start();
        }

        _requests.Add(() => Server.RunRequest(request, clientAddress));
    }

    public override void ServerClose()
    {
        _requests.CompleteAdding();
        _thread?.Join();
        base.ServerClose();
    }
}

/// <summary>The same, for asynchronous handlers: each request is a task started with <see cref="BaseServer.RunRequestAsync"/>.</summary>
public sealed class TaskPerRequestMixIn : ServerMixIn
{
    private readonly ConcurrentBag<Task> _running = [];

    public override void ProcessRequest(object request, EndPoint? clientAddress) =>
        _running.Add(Task.Run(() => Server.RunRequestAsync(request, clientAddress)));

    public override void ServerClose()
    {
        Task.WaitAll([.. _running]);
        base.ServerClose();
    }
}

/// <summary>Records what reaches HandleError, and replaces it (so nothing is written to standard error).</summary>
public sealed class ErrorWatchMixIn : ServerMixIn
{
    public ConcurrentQueue<(EndPoint? Client, Exception Error)> Errors { get; } = new();

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception) => Errors.Enqueue((clientAddress, exception));
}

/// <summary>Replies with the name of the thread it runs on; fails on "fail".</summary>
public sealed class ThreadNameHandler : StreamRequestHandler
{
    public override void Handle()
    {
        string line = Encoding.ASCII.GetString(RFile.ReadLine()).Trim();
        if (line == "fail")
        {
            throw new InvalidOperationException("the handler failed on purpose");
        }

        WFile.Write(Encoding.ASCII.GetBytes(Thread.CurrentThread.Name + "\n"));
    }
}

/// <summary>Replies "ok"; fails on "fail".</summary>
public sealed class AsyncOkHandler : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        string line = Encoding.ASCII.GetString(await RFile.ReadLineAsync(cancellationToken: cancellationToken)).Trim();
        if (line == "fail")
        {
            throw new InvalidOperationException("the async handler failed on purpose");
        }

        await WFile.WriteAsync(Encoding.ASCII.GetBytes("ok\n"), cancellationToken);
    }
}

[SocketServer(Transport.Tcp, Concurrency.Sync, typeof(ErrorWatchMixIn), typeof(DedicatedThreadMixIn), Handler = typeof(ThreadNameHandler))]
public partial class DedicatedThreadServer;

[SocketServer(Transport.Tcp, Concurrency.Sync, typeof(ErrorWatchMixIn), typeof(TaskPerRequestMixIn), Handler = typeof(AsyncOkHandler))]
public partial class TaskPerRequestServer;

/// <summary>
/// A third-party concurrency mix-in that runs its requests through <see cref="BaseServer.RunRequest"/> (or its async
/// twin) gets what the built-in ones get: its requests are counted and timed in the metrics, they stop counting as active
/// when they end, and their errors reach HandleError and the error metric.
/// </summary>
public class CustomConcurrencyMixInTests
{
    [Fact]
    public void A_custom_mix_ins_requests_run_where_it_sends_them_and_are_counted_and_their_errors_reach_HandleError()
    {
        using var metrics = new Measurements(nameof(DedicatedThreadServer));
        using var server = new DedicatedThreadServer(Servers.LoopbackAny);
        using (Serving.Start(server))
        {
            Assert.Equal($"{DedicatedThreadMixIn.ThreadName}\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "who\n"));
            Assert.Equal($"{DedicatedThreadMixIn.ThreadName}\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "who\n"));
            Assert.Equal("", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "fail\n"));
            Assert.True(server.WaitForActiveRequests(Bounded.Limit), "A request still counted as active after its reply.");
        }

        (EndPoint? client, Exception error) = Assert.Single(server.ErrorWatchMixIn.Errors);
        Assert.Equal("the handler failed on purpose", error.Message);
        Assert.NotNull(client);
        AssertCounted(metrics, "System.InvalidOperationException");
    }

    [Fact]
    public void A_custom_mix_ins_asynchronous_requests_are_counted_and_their_errors_reach_HandleError()
    {
        using var metrics = new Measurements(nameof(TaskPerRequestServer));
        using var server = new TaskPerRequestServer(Servers.LoopbackAny);
        using (Serving.Start(server))
        {
            Assert.Equal("ok\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "hello\n"));
            Assert.Equal("ok\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "hello\n"));
            Assert.Equal("", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "fail\n"));
            Assert.True(server.WaitForActiveRequests(Bounded.Limit), "A request still counted as active after its reply.");
        }

        (_, Exception error) = Assert.Single(server.ErrorWatchMixIn.Errors);
        Assert.Equal("the async handler failed on purpose", error.Message);
        AssertCounted(metrics, "System.InvalidOperationException");
    }

    /// <summary>Three requests taken and timed, one of them (and only it) with the error's type; one error counted.</summary>
    private static void AssertCounted(Measurements metrics, string errorType)
    {
        Assert.Equal(3, metrics.Sum("socketserver.requests"));
        Assert.Equal(3, metrics.Count("socketserver.request.duration"));
        Assert.Equal(1, metrics.Count("socketserver.request.duration", ("error.type", errorType)));
        Assert.Equal(1, metrics.Sum("socketserver.errors", ("error.type", errorType)));
        Assert.Equal(0, metrics.Sum("socketserver.active_requests"));
    }
}
