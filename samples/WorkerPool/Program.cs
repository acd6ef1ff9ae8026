// A concurrency of our own: a bounded worker pool, written as a mix-in outside the runtime and composed in place of
// Threading, with no generator change. Its Workers setting appears on the server like DaemonThreads does on a
// Threading server.
//
//   dotnet run --project samples/WorkerPool -- --workers 2
using SocketServer.Samples;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

// --workers is this sample's own option; the others are every sample's.
var rest = new List<string>(args);
int at = rest.IndexOf("--workers");
int? workers = at >= 0 && at + 1 < rest.Count ? int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
if (workers is not null)
{
    rest.RemoveRange(at, 2);
}

var options = SampleOptions.Parse([.. rest]);
using var server = new WorkerPoolServer(options.Host, options.Port);
server.Workers = workers ?? server.Workers;
using var stop = new StopOnSignal(server);
Console.WriteLine($"listening on {server.ServerAddress}");
Console.WriteLine($"{server.Workers} workers");
server.ServeForever();

/// <summary>Python would write <c>class WorkerPoolServer(WorkerPoolMixIn, TCPServer)</c>.</summary>
[SocketServer(Tcp, Sync, typeof(WorkerPoolMixIn), Handler = typeof(HoldHandler))]
internal sealed partial class WorkerPoolServer;

/// <summary>
/// Reads the request line, tells its client how many workers are busy (itself included) and how many requests the
/// server counts, then echoes the next line: the client decides how long the request runs.
/// </summary>
internal sealed class HoldHandler : StreamRequestHandler
{
    public override void Handle()
    {
        _ = RFile.ReadLine();
        var server = (WorkerPoolServer)Server;
        WFile.Write(Encoding.ASCII.GetBytes($"started busy={server.WorkerPoolMixIn.Busy} active={server.ActiveRequests}\n"));
        WFile.Write(RFile.ReadLine());
    }
}
