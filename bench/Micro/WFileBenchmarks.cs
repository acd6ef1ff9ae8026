using BenchmarkDotNet.Attributes;
using SocketServer;

namespace Micro;

/// <summary>
/// Writes to a handler's <c>WFile</c>, made by the handler's own Setup over a connected loopback socket whose peer a
/// thread drains: the synchronous handler's (unbuffered, <c>WBufSize</c> 0: every write is sent before it returns) and
/// the asynchronous handler's. Each operation is one write of <see cref="Bytes"/>; what it costs includes the send.
/// </summary>
[MemoryDiagnoser]
public class WFileBenchmarks
{
    private SocketPair _pair = null!;
    private PlainServer _server = null!;
    private StreamHandler _handler = null!;
    private AsyncStreamHandler _asyncHandler = null!;
    private byte[] _payload = null!;

    [Params(32, 64 * 1024)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Bytes];
        _pair = new SocketPair();
        _server = new PlainServer(Unbound.Loopback, () => new StreamHandler(), bindAndActivate: false);
        _handler = new StreamHandler();
        _handler.Attach(_pair.Server, null, _server);
        _handler.Setup();
        _asyncHandler = new AsyncStreamHandler();
        _asyncHandler.Attach(_pair.Server, null, _server);
        _asyncHandler.SetupAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pair.Dispose();
        _server.ServerClose();
    }

    [Benchmark]
    public void Write() => _handler.WFile.Write(_payload);

    [Benchmark]
    public ValueTask WriteAsync() => _asyncHandler.WFile.WriteAsync(_payload);
}
