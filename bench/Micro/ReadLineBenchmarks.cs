using BenchmarkDotNet.Attributes;
using SocketServer.IO;

namespace Micro;

/// <summary>
/// <c>RFile.ReadLine</c> and <c>ReadLineAsync</c>: a handler's <see cref="BufferedReadStream"/> (8 KiB buffer, the default line
/// limit) over an endless in-memory connection of identical lines. The line itself is the one allocation a line read
/// needs (its array: 56 B for 32 B, 1,048 B for 1 KiB); anything above that is the reader's own.
/// </summary>
[MemoryDiagnoser]
public class ReadLineBenchmarks
{
    private BufferedReadStream _rfile = null!;

    [Params(32, 1024)]
    public int LineBytes { get; set; }

    [GlobalSetup]
    public void Setup() => _rfile = new BufferedReadStream(new LineSource(LineBytes), SocketServer.StreamRequestHandler.DefaultBufferSize);

    [GlobalCleanup]
    public void Cleanup() => _rfile.Dispose();

    [Benchmark]
    public byte[] ReadLine() => _rfile.ReadLine();

    [Benchmark]
    public ValueTask<byte[]> ReadLineAsync() => _rfile.ReadLineAsync();
}
