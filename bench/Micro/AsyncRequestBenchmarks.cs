using BenchmarkDotNet.Attributes;

namespace Micro;

/// <summary>
/// The Async request shell around a handler that does nothing: <c>RunRequestAsync</c> alone (FinishRequestAsync, the
/// handler's SetupAsync/HandleAsync/FinishAsync, ShutdownRequest), and the Async mix-in's whole per-request path,
/// <c>ProcessRequest</c> to the request's end on the thread pool. The handler object is the one allocation a request
/// needs (40 B).
/// </summary>
[MemoryDiagnoser]
public class AsyncRequestBenchmarks
{
    private readonly object _request = new();
    private AsyncServer _server = null!;

    [GlobalSetup]
    public void Setup() => _server = new AsyncServer(Unbound.Loopback, () => new NoOpAsyncHandler(), bindAndActivate: false);

    [GlobalCleanup]
    public void Cleanup() => _server.ServerClose();

    [Benchmark]
    public Task RunRequestAsync() => _server.RunRequestAsync(_request, null);

    [Benchmark]
    public void ProcessRequest()
    {
        _server.ProcessRequest(_request, null);
        var spin = new SpinWait();
        while (_server.AsyncMixIn.RunningRequests != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1); // never Sleep(1): a millisecond would swamp what is measured
        }
    }
}
