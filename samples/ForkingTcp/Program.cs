// Python's ForkingMixIn: every connection is handled in a process of its own. The handler counts requests on
// the server and answers with its process id and the count it saw: every answer says 1, from a different
// process, and the parent's count stays 0 — the isolation the Python docs describe.
//
//   dotnet run --project samples/ForkingTcp                 # then: python3 client.py count  (or: nc localhost 9999)
//   dotnet run --project samples/ForkingTcp -- --spares 0   # start a child per request instead of keeping spares
//
// .NET cannot fork(): a child is this program started again (Python's multiprocessing "spawn"). It runs Main
// up to ServeForever(), which there takes the connection handed over by the parent, handles it, and exits.
using SocketServer.Samples;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var options = SampleOptions.Parse(args, defaultSpares: ForkingMixIn.DefaultSpareChildren);
using var server = new CountingServer(options.Host, options.Port) { SpareChildren = options.Spares };
using var stop = new StopOnSignal(server);

// A child runs this too, but its output stays silent until its request: these lines print once.
Console.WriteLine($"listening on {server.ServerAddress}");
Console.WriteLine($"parent process {Environment.ProcessId}");
server.ServeForever();
Console.WriteLine($"the parent's count after serving: {server.Count}");

/// <summary>A forking TCP server that remembers how many requests it has seen (or so its handler thinks).</summary>
[SocketServer(Tcp, Forking, Handler = typeof(CountingHandler))]
internal sealed partial class CountingServer
{
    public int Count { get; set; }
}

/// <summary>Counts the request on the server and answers with the count and the process that saw it.</summary>
internal sealed class CountingHandler : StreamRequestHandler
{
    public override void Handle()
    {
        var server = (CountingServer)Server;

        // SSA003 warns that this write dies with the child process: here that is the point being shown.
#pragma warning disable SSA003
        server.Count++;
#pragma warning restore SSA003
        string request = Encoding.UTF8.GetString(RFile.ReadLine()).Trim();
        WFile.Write(Encoding.UTF8.GetBytes($"{request}: process {Environment.ProcessId} counted {server.Count}\n"));
    }
}
