// A synchronous TCP server that echoes one line per connection, for the descriptor-exhaustion test. It prints
// "listening on <address>", serves on a thread, and obeys one command per line on standard input:
//   exhaust -> opens /dev/null until the process is out of descriptors (EMFILE), then "exhausted <count>", and keeps
//              the table full: a descriptor the runtime frees later (it opens and closes files of its own) is taken
//              back at once, so the server's accept() keeps failing until "release"
//   release -> stops topping up, closes them, then "released"
//   quit    -> Shutdown(), ServerClose(), exit 0
// Holding the descriptors itself, rather than letting clients use them up, keeps the exhaustion exact and leaves the
// runtime's own threads alone (a .NET process that cannot start a thread pool thread may end).
using System.Net;
using Microsoft.Win32.SafeHandles;
using SocketServer;

var server = new LineEchoServer(new IPEndPoint(IPAddress.Loopback, 0), () => new LineEcho());
Console.WriteLine($"listening on {server.ServerAddress}");
var serving = new Thread(() => server.ServeForever(TimeSpan.FromMilliseconds(50))) { Name = "serve forever" };
serving.Start();

using var descriptors = new DescriptorHog();
while (Console.ReadLine() is { } command)
{
    switch (command)
    {
        case "exhaust":
            Console.WriteLine($"exhausted {descriptors.Exhaust()}");
            break;
        case "release":
            descriptors.Release();
            Console.WriteLine("released");
            break;
        case "quit":
            server.Shutdown();
            serving.Join();
            server.ServerClose();
            return 0;
    }
}

return 1;

/// <summary>Holds every free descriptor of the process, and keeps taking the ones that come free, until released.</summary>
internal sealed class DescriptorHog : IDisposable
{
    private readonly List<SafeFileHandle> _held = [];
    private readonly ManualResetEventSlim _exhausted = new();
    private readonly Thread _topUp;
    private volatile bool _disposed;

    public DescriptorHog()
    {
        // Started now: once the table is full, the runtime cannot start a thread.
        _topUp = new Thread(TopUp) { IsBackground = true, Name = "descriptor top-up" };
        _topUp.Start();
    }

    /// <summary>Opens /dev/null until EMFILE; returns how many it holds.</summary>
    public int Exhaust()
    {
        lock (_held)
        {
            while (TryOpen())
            {
            }

            _exhausted.Set();
            return _held.Count;
        }
    }

    public void Release()
    {
        lock (_held)
        {
            _exhausted.Reset();
            _held.ForEach(handle => handle.Dispose());
            _held.Clear();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _exhausted.Set();
        _topUp.Join();
        Release();
    }

    private void TopUp()
    {
        while (true)
        {
            _exhausted.Wait();
            if (_disposed)
            {
                return;
            }

            lock (_held)
            {
                // Takes what came free since the last turn; Release() cannot run in between (same lock).
                while (_exhausted.IsSet && TryOpen())
                {
                }
            }

            Thread.Sleep(2); // a few hundred failed open() calls a second: cheap next to a spinning accept loop
        }
    }

    private bool TryOpen()
    {
        try
        {
            _held.Add(File.OpenHandle("/dev/null"));
            return true;
        }
        catch (IOException)
        {
            return false; // EMFILE
        }
    }
}

[SocketServer(Transport.Tcp)]
internal sealed partial class LineEchoServer;

internal sealed class LineEcho : StreamRequestHandler
{
    public override void Handle() => WFile.Write(RFile.ReadLine());
}
