using System.Net;
using SocketServer;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

namespace Micro;

// The servers the benchmarks hand requests to, composed by the generator as a user's are. None is bound: the
// benchmarks call their steps directly (created with bindAndActivate: false).

/// <summary>A plain TCP server: the one a handler's streams (RFile, WFile) count their bytes on.</summary>
[SocketServer(Tcp)]
internal sealed partial class PlainServer;

/// <summary>A Threading server whose request threads are daemons (the process never waits for them).</summary>
[SocketServer(Tcp, Threading)]
internal sealed partial class ThreadingServer
{
    public bool DaemonThreads => true;
}

/// <summary>An Async server.</summary>
[SocketServer(Tcp, Async)]
internal sealed partial class AsyncServer;

internal static class Unbound
{
    public static readonly EndPoint Loopback = new IPEndPoint(IPAddress.Loopback, 0);
}

/// <summary>Counts the requests it handles and does nothing else.</summary>
internal sealed class CountingHandler(Action handled) : BaseRequestHandler
{
    public override void Handle() => handled();
}

/// <summary>An asynchronous handler that does nothing: what is measured is the shell around it.</summary>
internal sealed class NoOpAsyncHandler : AsyncRequestHandler
{
    public override Task HandleAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A stream handler that does nothing: its Setup makes the RFile and WFile every synchronous handler gets.</summary>
internal sealed class StreamHandler : StreamRequestHandler;

/// <summary>An asynchronous stream handler that does nothing: its SetupAsync makes the WFile every async handler gets.</summary>
internal sealed class AsyncStreamHandler : AsyncStreamRequestHandler;
