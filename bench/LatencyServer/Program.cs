// bench/forking_latency.py runs this: `LatencyServer forking <spares> [<max spares>]` or `LatencyServer threading`, on
// 127.0.0.1 with a free port; prints "listening on <endpoint>"; SIGTERM stops it.
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using SocketServer;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var loopback = new IPEndPoint(IPAddress.Loopback, 0);
using BaseServer server = args[0] == "forking"
    ? new ForkingLatencyServer(loopback)
    {
        SpareChildren = int.Parse(args[1]),
        MaxSpareChildren = args.Length > 2 ? int.Parse(args[2]) : ForkingMixIn.DefaultMaxSpareChildren,
    }
    : new ThreadingLatencyServer(loopback);
using var stop = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    ThreadPool.QueueUserWorkItem(_ => server.Shutdown());
});
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();

[SocketServer(Tcp, Forking, Handler = typeof(PidHandler))]
internal sealed partial class ForkingLatencyServer;

[SocketServer(Tcp, Threading, Handler = typeof(PidHandler))]
internal sealed partial class ThreadingLatencyServer
{
    public bool DaemonThreads => true;
}

/// <summary>Reads one line and answers with the process that handled it: the handler the CPython twin runs too.</summary>
internal sealed class PidHandler : StreamRequestHandler
{
    public override void Handle()
    {
        RFile.ReadLine();
        WFile.Write(Encoding.ASCII.GetBytes($"pid {Environment.ProcessId}\n"));
    }
}
