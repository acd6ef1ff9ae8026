using System.Collections.Concurrent;

/// <summary>
/// The settings of <see cref="WorkerPoolMixIn"/>: every server composed with it gets a public <c>Workers</c> property
/// starting at the default below, unless it declares its own.
/// </summary>
public interface IWorkerPoolSettings
{
    /// <summary>How many requests run at once, each on a worker thread of the pool; more wait in arrival order.</summary>
    [SettingDefault(4)]
    int Workers { get; }
}

/// <summary>
/// A concurrency mix-in written outside the runtime: a bounded pool of worker threads. It replaces
/// <c>ProcessRequest</c> (the serving loop queues the request and goes back to accepting) and runs each request with
/// <see cref="BaseServer.RunRequest"/>, so requests are counted, traced and reported as the built-in mix-ins' are.
/// Compose it with <c>Concurrency.Sync</c>: it is the server's concurrency.
/// </summary>
public sealed class WorkerPoolMixIn : ServerMixIn<IWorkerPoolSettings>
{
    private readonly BlockingCollection<(object Request, EndPoint? ClientAddress)> _queue = [];
    private readonly List<Thread> _workers = [];
    private int _busy;

    /// <summary>How many workers are running a request now: never more than the server's <c>Workers</c>.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Queues the request for the next free worker; starts the workers on the first request.</summary>
    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        if (_workers.Count == 0)
        {
            // Read at call time, like every setting: the server's Workers as it is when serving starts.
            for (int i = 0; i < Math.Max(1, Settings.Workers); i++)
            {
                var worker = new Thread(Work) { IsBackground = true, Name = $"worker {i + 1}" };
                _workers.Add(worker);
                worker.Start();
            }
        }

        _queue.Add((request, clientAddress));
    }

    /// <summary>Stops accepting, lets the workers finish what is queued, then passes the step on (the transport closes).</summary>
    public override void ServerClose()
    {
        StopAcceptingRequests();
        _queue.CompleteAdding();
        foreach (Thread worker in _workers)
        {
            worker.Join();
        }

        base.ServerClose();
    }

    private void Work()
    {
        foreach ((object request, EndPoint? clientAddress) in _queue.GetConsumingEnumerable())
        {
            Interlocked.Increment(ref _busy);
            try
            {
                Server.RunRequest(request, clientAddress);
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }
    }
}
