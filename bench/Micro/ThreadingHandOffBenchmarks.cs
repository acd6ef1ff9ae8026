using System.Collections;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using SocketServer;

namespace Micro;

/// <summary>
/// The Threading mix-in's hand-off: <c>ProcessRequest</c> gives a request to a request thread that waits for one, the
/// thread runs it (a handler that only counts), and waits again. One operation is that whole round: from the call until
/// the handler has run and its thread is back on the waiting list, so the next operation is a hand-off too, never a
/// new thread. The handler object is the one allocation the request itself needs (48 B).
/// </summary>
[MemoryDiagnoser]
public class ThreadingHandOffBenchmarks
{
    private readonly object _request = new();
    private ThreadingServer _server = null!;
    private ICollection _waiting = null!;
    private int _handled;

    [GlobalSetup]
    public void Setup()
    {
        Action handled = () => Interlocked.Increment(ref _handled); // one delegate for every request: the handler alone is allocated
        _server = new ThreadingServer(Unbound.Loopback, () => new CountingHandler(handled), bindAndActivate: false);

        // The mix-in's list of waiting threads: the benchmark waits for the thread to be back on it.
        _waiting = (ICollection)typeof(ThreadingMixIn).GetField("_idle", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(_server.ThreadingMixIn)!;
        HandOff(); // the first request starts the thread that every later one is handed to
    }

    [GlobalCleanup]
    public void Cleanup() => _server.ServerClose();

    [Benchmark]
    public void HandOff()
    {
        int expected = _handled + 1;
        _server.ProcessRequest(_request, null);
        var spin = new SpinWait();
        while (Volatile.Read(ref _handled) != expected || _waiting.Count == 0)
        {
            spin.SpinOnce(sleep1Threshold: -1); // never Sleep(1): a millisecond would swamp what is measured
        }
    }
}
