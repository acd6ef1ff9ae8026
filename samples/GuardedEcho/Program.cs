// An echo server guarded by two mix-ins of our own, composed the way Python composes
//   class GuardedEchoServer(LoggingMixIn, AllowListMixIn, ThreadingMixIn, TCPServer)
// The allow-list rejects clients in VerifyRequest; the logger reports what happened to each.
//
//   dotnet run --project samples/GuardedEcho -- --allow 127.0.0.1,::1
using SocketServer.Samples;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var options = SampleOptions.Parse(args, defaultAllow: "127.0.0.1");
using var server = new GuardedEchoServer(options.Host, options.Port);
server.AllowListMixIn.Allow(options.Allow.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPAddress.Parse));
using var stop = new StopOnSignal(server);
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();

/// <summary>A threading TCP echo server; the first mix-in listed is the outermost.</summary>
[SocketServer(Tcp, Threading, typeof(LoggingMixIn), typeof(AllowListMixIn), Handler = typeof(EchoHandler))]
internal sealed partial class GuardedEchoServer
{
    // Echo requests end when their client leaves; they need not keep the process alive at exit.
    public bool DaemonThreads => true;
}

/// <summary>Echoes every line until the client closes its side.</summary>
internal sealed class EchoHandler : StreamRequestHandler
{
    public override void Handle()
    {
        foreach (byte[] line in RFile.ReadLines())
        {
            WFile.Write(line);
        }
    }
}

/// <summary>Rejects every client whose address is not on the list (Python: <c>verify_request</c> in a mix-in).</summary>
internal sealed class AllowListMixIn : ServerMixIn
{
    private volatile IPAddress[] _allowed = [];

    public void Allow(IEnumerable<IPAddress> addresses) => _allowed = [.. addresses];

    public override bool VerifyRequest(object request, EndPoint? clientAddress) =>
        clientAddress is IPEndPoint client && _allowed.Contains(client.Address) && base.VerifyRequest(request, clientAddress);
}

/// <summary>Reports each request's fate, then passes every step on (Python: <c>super()</c>).</summary>
internal sealed class LoggingMixIn : ServerMixIn
{
    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        bool accepted = base.VerifyRequest(request, clientAddress);
        Console.WriteLine($"{(accepted ? "accepted" : "rejected")} {clientAddress}");
        return accepted;
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        base.FinishRequest(request, clientAddress);
        Console.WriteLine($"served {clientAddress}");
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        Console.WriteLine($"failed {clientAddress}: {exception.Message}");
        base.HandleError(request, clientAddress, exception);
    }
}
