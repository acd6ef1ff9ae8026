// A Forking server for the tests. Arguments: --transport tcp|udp|unixstream|unixdatagram, --spares N, --max-spares N,
// --max-children N, --block-on-close true|false, --broken-children (children exit with 3 before serving),
// --before MODE: what the program does itself before serving, in the parent and in every child alike:
//   service-actions  -> ServiceActions()
//   handle-timeout   -> HandleTimeout()
//   collect-children -> CollectChildren(), then CollectChildren(blocking: true)
//   two-servers      -> builds a second Forking server (SecondHost, TCP, 1 spare), calls its ServiceActions(),
//                       and serves it on a background thread
//   loop             -> serves with its own loop instead of ServeForever(): ServiceActions(), then HandleRequest()
//                       (Timeout 50 ms, so HandleTimeout() runs too), until "close"
// The parent prints "listening on <address>" and "parent <pid>", then obeys one command per line on standard input:
//   active   -> "active: null" | "active: none" | "active: <pid>,<pid>"
//   spares   -> "spares: target <how many the server keeps now> count <spares started or starting>"
//   await-spares T C -> waits (up to 60 s, rechecking after each turn of the serving loop) until the spares are target T
//               count C, then answers as "spares" does
//   count    -> "count: <the parent's count>"
//   collect  -> CollectChildren(), then "collected"
//   spawn-ls -> runs `ls -l /proc/self/fd` as an unrelated process and prints its lines as "fd: ..."
//   reject on|off -> VerifyRequest refuses every request (printing "rejected") or none; "rejecting: on|off"
//   metrics  -> waits until no request runs, then "metrics: name=value ..." from the parent's own meter listener
// Every process (parent and children) listens to its own SocketServer meter and counts what the program's own code
// ran: handlers created, FinishRequest, CreateRequestStream and ShutdownRequest calls.
//   close    -> "closing", Shutdown() (with --before loop: ends the loop), ServerClose(), "closed", exit 0
// Requests (a line, or a datagram): count | hold (stream: answers, waits for the next line, answers "released") |
// throw | die (the child kills itself with SIGKILL) | watch (stream: answers, waits for the server's
// StoppingToken, answers "stopped") | start-child (the child asks the runtime to start a process: "refused: <why>"
// or "started <pid>") | process-request (the child calls its server's ProcessRequest: "refused: <why>" or "processed") |
// steps ("pid <pid> warmed <True|False> handlers <n> finish <n> streams <n> shutdown <n> io_transmit <bytes>": what the
// program's own code ran in this process so far, whether the child warmed up first, and what its meter saw written) |
// pgo ("pid <pid> pgo <DOTNET_TieredPGO in this process, or unset>").
using System.Diagnostics;
using System.Net;
using System.Text;
using SocketServer;
using SocketServer.Internal;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

namespace ForkingHost;

public static class Program
{
    private static readonly object OutputGate = new();

    private static volatile bool _stopLoop;

    public static void Main(string[] args)
    {
        string transport = Option(args, "--transport") ?? "tcp";
        string before = Option(args, "--before") ?? "nothing";
        if (ForkingMixIn.IsChildProcess && args.Contains("--broken-children"))
        {
            Environment.Exit(3);
        }

        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        string path = Path.Combine(Path.GetTempPath(), $"forking-host-{Guid.NewGuid():N}"[..30] + ".sock");
        IForkingHost host = transport switch
        {
            "tcp" => new TcpHost(loopback, () => new LineHandler()),
            "udp" => new UdpHost(loopback, () => new PacketHandler()),
            "unixstream" => new UnixStreamHost(path, () => new LineHandler()),
            "unixdatagram" => new UnixDatagramHost(path, () => new PacketHandler()),
            _ => throw new ArgumentException($"unknown transport {transport}"),
        };
        host.SpareChildren = int.Parse(Option(args, "--spares") ?? "2");
        host.MaxSpareChildren = int.Parse(Option(args, "--max-spares") ?? $"{ForkingMixIn.DefaultMaxSpareChildren}");
        host.MaxChildren = int.Parse(Option(args, "--max-children") ?? "40");
        host.BlockOnClose = bool.Parse(Option(args, "--block-on-close") ?? "true");
        var server = (BaseServer)host;
        SecondHost? second = before == "two-servers" ? new SecondHost(loopback, () => new LineHandler()) { SpareChildren = 1, MaxChildren = 1 } : null;

        ProcessMetrics.Start();
        if (!ForkingMixIn.IsChildProcess)
        {
            Say($"listening on {server.ServerAddress}");
            Say($"parent {Environment.ProcessId}");
            Action stop = before == "loop" ? () => _stopLoop = true : server.Shutdown;
            new Thread(() => Obey(host, stop)) { IsBackground = true, Name = "commands" }.Start();
        }

        // What the program does itself before serving: it runs in every child too.
        switch (before)
        {
            case "service-actions":
                server.ServiceActions();
                break;
            case "handle-timeout":
                server.HandleTimeout();
                break;
            case "collect-children":
                host.ForkingMixIn.CollectChildren();
                host.ForkingMixIn.CollectChildren(blocking: true);
                break;
            case "two-servers":
                second!.ServiceActions();
                new Thread(() => second.ServeForever(TimeSpan.FromMilliseconds(50))) { IsBackground = true, Name = "second server" }.Start();
                break;
            case "loop" or "nothing":
                break;
            default:
                throw new ArgumentException($"unknown --before {before}");
        }

        if (before == "loop")
        {
            server.Timeout = TimeSpan.FromMilliseconds(50);
            while (!_stopLoop)
            {
                server.ServiceActions();
                server.HandleRequest();
            }
        }
        else
        {
            server.ServeForever(TimeSpan.FromMilliseconds(50));
        }

        server.ServerClose();
        if (second is not null)
        {
            second.Shutdown();
            second.ServerClose();
        }

        if (File.Exists(path))
        {
            File.Delete(path);
        }

        Say("closed");
    }

    public static void Say(string line)
    {
        lock (OutputGate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>Whether VerifyRequest refuses requests (the "reject" command).</summary>
    public static volatile bool Rejecting;

    /// <summary>The host servers' VerifyRequest: refuses every request while <see cref="Rejecting"/>, and says so.</summary>
    public static bool Verify()
    {
        if (Rejecting)
        {
            Say("rejected");
            return false;
        }

        return true;
    }

    public static string Reply(IForkingHost host, string command) => command switch
    {
        "count" => $"pid {Environment.ProcessId} count {++host.Count}",
        "pgo" => $"pid {Environment.ProcessId} pgo {Environment.GetEnvironmentVariable(ChildLauncher.TieredPgoVariable) ?? "unset"}",
        "steps" => $"pid {Environment.ProcessId} warmed {ForkingChild.WarmedUp} handlers {Steps.Handlers} finish {Steps.Finish} streams {Steps.Streams} " +
            $"shutdown {Steps.Shutdown} {ProcessMetrics.Snapshot().Split(' ').Single(m => m.StartsWith("io_transmit=", StringComparison.Ordinal)).Replace('=', ' ')}",
        "start-child" => StartChild(),
        "process-request" => ProcessRequest((BaseServer)host),
        "throw" => throw new InvalidOperationException("thrown on purpose"),
        "die" => Die(),
        _ => $"pid {Environment.ProcessId} unknown {command}",
    };

    /// <summary>In a child: what the Forking mix-in's process start does here (it must refuse).</summary>
    private static string StartChild()
    {
        var invitation = new ForkingChild.Invitation("\0socketserver-forking-tests-nobody", new byte[32], typeof(TcpHost).FullName!);
        try
        {
            using Process started = ChildLauncher.Start(invitation);
            started.Kill();
            return $"started {started.Id}";
        }
        catch (InvalidOperationException refused)
        {
            return $"refused: {refused.Message}";
        }
    }

    /// <summary>In a child: what the server's ProcessRequest does here (it must refuse; the request is not a real one).</summary>
    private static string ProcessRequest(BaseServer server)
    {
        try
        {
            server.ProcessRequest(new object(), null);
            return "processed";
        }
        catch (InvalidOperationException refused)
        {
            return $"refused: {refused.Message}";
        }
    }

    private static string Die()
    {
        Process.GetCurrentProcess().Kill();
        return "unreachable";
    }

    private static void Obey(IForkingHost host, Action stop)
    {
        while (Console.ReadLine() is { } command)
        {
            switch (command.Trim())
            {
                case "active":
                    Say("active: " + (host.ForkingMixIn.ActiveChildren is { } pids ? (pids.Count == 0 ? "none" : string.Join(',', pids)) : "null"));
                    break;
                case "count":
                    Say($"count: {host.Count}");
                    break;
                case "spares":
                    (int target, int spares) = host.ForkingMixIn.SpareState((IForkingSettings)host);
                    Say($"spares: target {target} count {spares}");
                    break;
                case "collect":
                    host.ForkingMixIn.CollectChildren();
                    Say("collected");
                    break;
                case "spawn-ls":
                    using (var ls = Process.Start(new ProcessStartInfo("ls", "-l /proc/self/fd") { RedirectStandardOutput = true })!)
                    {
                        foreach (string line in ls.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        {
                            Say("fd: " + line);
                        }

                        ls.WaitForExit();
                    }

                    Say("fd: end");
                    break;
                case "reject on":
                case "reject off":
                    Rejecting = command.Trim() == "reject on";
                    Say($"rejecting: {(Rejecting ? "on" : "off")}");
                    break;
                case "metrics":
                    if (!((BaseServer)host).WaitForActiveRequests(TimeSpan.FromSeconds(60)))
                    {
                        Say("metrics: requests still running");
                        break;
                    }

                    Say("metrics: " + ProcessMetrics.Snapshot());
                    break;
                case "close":
                    Say("closing");
                    stop();
                    return;
                case var awaited when awaited.StartsWith("await-spares ", StringComparison.Ordinal):
                    Say(AwaitSpares(host, awaited["await-spares ".Length..]));
                    break;
            }
        }
    }

    /// <summary>Pulsed after every turn of the serving loop (<see cref="HostSteps.ServiceActions"/>), where the spares change.</summary>
    private static readonly object LoopTurns = new();

    internal static void LoopTurned()
    {
        lock (LoopTurns)
        {
            Monitor.PulseAll(LoopTurns);
        }
    }

    /// <summary>The "spares" line once it reads "target T count C" (<paramref name="wanted"/> is "T C"), or as it is after 60 s.</summary>
    private static string AwaitSpares(IForkingHost host, string wanted)
    {
        string expected = "spares: target " + wanted.Replace(" ", " count ", StringComparison.Ordinal);
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        lock (LoopTurns)
        {
            while (true)
            {
                (int target, int spares) = host.ForkingMixIn.SpareState((IForkingSettings)host);
                string line = $"spares: target {target} count {spares}";
                TimeSpan left = deadline - DateTime.UtcNow;
                if (line == expected || left <= TimeSpan.Zero)
                {
                    return line;
                }

                Monitor.Wait(LoopTurns, left);
            }
        }
    }

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>What the tests need of each host server; the generated members implement it.</summary>
public interface IForkingHost
{
    int Count { get; set; }

    int MaxChildren { get; set; }

    int SpareChildren { get; set; }

    int MaxSpareChildren { get; set; }

    bool BlockOnClose { get; set; }

    ForkingMixIn ForkingMixIn { get; }
}

[SocketServer(Tcp, Forking, typeof(HostSteps))]
public partial class TcpHost : IForkingHost
{
    public int Count { get; set; }

    internal static void Report(Exception exception) => Program.Say($"error {Environment.ProcessId} {exception.GetType().Name}: {exception.Message}");
}

/// <summary>The second Forking server of the "two-servers" program: a different type, so children are invited for one or the other.</summary>
[SocketServer(Tcp, Forking)]
public partial class SecondHost : IForkingHost
{
    public int Count { get; set; }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception) => TcpHost.Report(exception);
}

[SocketServer(Udp, Forking, typeof(HostSteps))]
public partial class UdpHost : IForkingHost
{
    public int Count { get; set; }
}

[SocketServer(UnixStream, Forking, typeof(HostSteps))]
public partial class UnixStreamHost : IForkingHost
{
    public int Count { get; set; }
}

[SocketServer(UnixDatagram, Forking, typeof(HostSteps))]
public partial class UnixDatagramHost : IForkingHost
{
    public int Count { get; set; }
}

/// <summary>
/// The steps every host of this program shares, written once as a mix-in (listed on each host, as a Python program lists
/// its mix-ins): counts the request steps this process ran, verifies as the program was told, reports errors, and tells
/// await-spares that the serving loop turned.
/// </summary>
public sealed class HostSteps : ServerMixIn
{
    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        Steps.Finish++;
        base.FinishRequest(request, clientAddress);
    }

    public override Stream CreateRequestStream(object request, EndPoint? clientAddress)
    {
        Steps.Streams++;
        return base.CreateRequestStream(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        Steps.Shutdown++;
        base.ShutdownRequest(request);
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress) => Program.Verify();

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception) => TcpHost.Report(exception);

    public override void ServiceActions()
    {
        base.ServiceActions();
        Program.LoopTurned();
    }
}

/// <summary>What the program's own code ran in this process: a Forking child runs exactly one request of the program's.</summary>
public static class Steps
{
    public static int Handlers { get; set; }

    public static int Finish { get; set; }

    public static int Streams { get; set; }

    public static int Shutdown { get; set; }
}

public sealed class LineHandler : StreamRequestHandler
{
    public LineHandler() => Steps.Handlers++;

    public override void Handle()
    {
        string command = Encoding.UTF8.GetString(RFile.ReadLine()).Trim();
        if (command == "watch")
        {
            WFile.Write(Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} watching\n"));
            Server.StoppingToken.WaitHandle.WaitOne();
            WFile.Write("stopped\n"u8);
            return;
        }

        if (command == "hold")
        {
            WFile.Write(Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} holding\n"));
            RFile.ReadLine();
            WFile.Write("released\n"u8);
            return;
        }

        WFile.Write(Encoding.UTF8.GetBytes(Program.Reply((IForkingHost)Server, command) + "\n"));
    }
}

public sealed class PacketHandler : DatagramRequestHandler
{
    public PacketHandler() => Steps.Handlers++;

    public override void Handle() =>
        WFile.Write(Encoding.UTF8.GetBytes(Program.Reply((IForkingHost)Server, Encoding.UTF8.GetString(Packet).Trim())));
}
