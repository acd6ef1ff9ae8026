using System.Collections.Concurrent;

namespace SocketServer.Tests;

/// <summary>
/// A user mix-in for metric tests: refuses requests on demand, makes the next accepts fail as if the process were out
/// of descriptors, keeps what <c>HandleError</c> receives (instead of writing it to stderr), and lets a test wait until
/// a number of requests have been closed, which is after the server's last measurement of each.
/// </summary>
public sealed class ProbeMixIn : ServerMixIn
{
    private readonly object _gate = new();
    private int _closed;
    private int _acceptFailures;

    public bool RejectAll { get; set; }

    public ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>Makes the next <paramref name="count"/> calls of <c>GetRequest</c> fail with EMFILE before taking anything.</summary>
    public void FailAccepts(int count) => Volatile.Write(ref _acceptFailures, count);

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        if (Interlocked.Decrement(ref _acceptFailures) >= 0)
        {
            throw new SocketException((int)SocketError.TooManyOpenSockets);
        }

        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress) => !RejectAll && base.VerifyRequest(request, clientAddress);

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception) => Errors.Enqueue(exception);

    public override void CloseRequest(object request)
    {
        base.CloseRequest(request);
        lock (_gate)
        {
            _closed++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> requests have been closed in all.</summary>
    public void WaitForClosed(int count)
    {
        DateTime deadline = DateTime.UtcNow + Bounded.Limit;
        lock (_gate)
        {
            while (_closed < count)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, $"Timed out waiting for {count} closed requests ({_closed} so far).");
                Monitor.Wait(_gate, left);
            }
        }
    }
}

/// <summary>One probed server type per transport and concurrency, used by <see cref="ExactMetricsTests"/> only.</summary>
public static class Probed
{
    public static BaseServer Create(Transport transport, Mode mode, Func<BaseRequestHandler> handlers)
    {
        BaseServer server = (transport, mode) switch
        {
            (Transport.Tcp, Mode.Sync) => new ProbedTcpSync(Servers.LoopbackAny, handlers),
            (Transport.Tcp, Mode.Threading) => new ProbedTcpThreading(Servers.LoopbackAny, handlers),
            (Transport.Tcp, Mode.Async) => new ProbedTcpAsync(Servers.LoopbackAny, handlers),
            (Transport.Udp, Mode.Sync) => new ProbedUdpSync(Servers.LoopbackAny, handlers),
            (Transport.Udp, Mode.Threading) => new ProbedUdpThreading(Servers.LoopbackAny, handlers),
            (Transport.Udp, Mode.Async) => new ProbedUdpAsync(Servers.LoopbackAny, handlers),
            (Transport.UnixStream, Mode.Sync) => new ProbedUnixStreamSync(TempPaths.NewSocketPath(), handlers),
            (Transport.UnixStream, Mode.Threading) => new ProbedUnixStreamThreading(TempPaths.NewSocketPath(), handlers),
            (Transport.UnixStream, Mode.Async) => new ProbedUnixStreamAsync(TempPaths.NewSocketPath(), handlers),
            (Transport.UnixDatagram, Mode.Sync) => new ProbedUnixDatagramSync(TempPaths.NewSocketPath(), handlers),
            (Transport.UnixDatagram, Mode.Threading) => new ProbedUnixDatagramThreading(TempPaths.NewSocketPath(), handlers),
            (Transport.UnixDatagram, Mode.Async) => new ProbedUnixDatagramAsync(TempPaths.NewSocketPath(), handlers),
            _ => throw new ArgumentOutOfRangeException(nameof(transport)),
        };
        server.ErrorLog = new RecordingErrorLog();
        return server;
    }

    /// <summary>The server's <see cref="ProbeMixIn"/> (the generated property named after the mix-in).</summary>
    public static ProbeMixIn Probe(BaseServer server) =>
        (ProbeMixIn)server.GetType().GetProperty(nameof(ProbeMixIn))!.GetValue(server)!;
}

[SocketServer(Transport.Tcp, Concurrency.Sync, typeof(ProbeMixIn))] public partial class ProbedTcpSync;
[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(ProbeMixIn))] public partial class ProbedTcpThreading;
[SocketServer(Transport.Tcp, Concurrency.Async, typeof(ProbeMixIn))] public partial class ProbedTcpAsync;
[SocketServer(Transport.Udp, Concurrency.Sync, typeof(ProbeMixIn))] public partial class ProbedUdpSync;
[SocketServer(Transport.Udp, Concurrency.Threading, typeof(ProbeMixIn))] public partial class ProbedUdpThreading;
[SocketServer(Transport.Udp, Concurrency.Async, typeof(ProbeMixIn))] public partial class ProbedUdpAsync;
[SocketServer(Transport.UnixStream, Concurrency.Sync, typeof(ProbeMixIn))] public partial class ProbedUnixStreamSync;
[SocketServer(Transport.UnixStream, Concurrency.Threading, typeof(ProbeMixIn))] public partial class ProbedUnixStreamThreading;
[SocketServer(Transport.UnixStream, Concurrency.Async, typeof(ProbeMixIn))] public partial class ProbedUnixStreamAsync;
[SocketServer(Transport.UnixDatagram, Concurrency.Sync, typeof(ProbeMixIn))] public partial class ProbedUnixDatagramSync;
[SocketServer(Transport.UnixDatagram, Concurrency.Threading, typeof(ProbeMixIn))] public partial class ProbedUnixDatagramThreading;
[SocketServer(Transport.UnixDatagram, Concurrency.Async, typeof(ProbeMixIn))] public partial class ProbedUnixDatagramAsync;
