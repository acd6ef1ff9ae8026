// bench/soak.py runs this server:
//
//   FaultServer --transport tcp|unixstream|udp --concurrency threading|async [--path P]
//               [--flood-mib N (100)] [--corrupt-after BYTES] [--drop-after BYTES]
//
// It echoes like samples/Echo, with two differences. A stream client whose first bytes are "flood\n" gets --flood-mib
// MiB written back instead (through WFile, 64 KiB a write): the fault suite's client that asks for that and stops
// reading shows whether WFile blocks, while other clients go on, with flat memory. And, for the soak's self-check,
// the echo can break on purpose, once per process: --corrupt-after flips the byte at that offset of everything echoed,
// --drop-after ends the connection that reaches that offset without echoing it (a datagram: sends no reply).
// TCP and UDP bind 127.0.0.1 with a free port; prints "listening on <address>"; SIGTERM or Ctrl+C stops it.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SocketServer;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var options = FaultOptions.Parse(args);
BrokenEcho.Configure(options.CorruptAfter, options.DropAfter);
Flood.Size = options.FloodMiB * 1024L * 1024;
using BaseServer server = FaultServers.Create(options);
using var stopOnTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var stopOnInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();
if (options.Transport == "unixstream")
{
    File.Delete(options.Path);
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    ThreadPool.QueueUserWorkItem(_ => server.Shutdown());
}

internal sealed record FaultOptions(string Transport, string Concurrency, string Path, int FloodMiB, long CorruptAfter, long DropAfter)
{
    public static FaultOptions Parse(string[] args)
    {
        var options = new FaultOptions("tcp", "threading", System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fault-server.sock"), 100, -1, -1);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            options = args[i] switch
            {
                "--transport" when value is "tcp" or "unixstream" or "udp" => options with { Transport = value },
                "--concurrency" when value is "threading" or "async" => options with { Concurrency = value },
                "--path" => options with { Path = value },
                "--flood-mib" => options with { FloodMiB = int.Parse(value, CultureInfo.InvariantCulture) },
                "--corrupt-after" => options with { CorruptAfter = long.Parse(value, CultureInfo.InvariantCulture) },
                "--drop-after" => options with { DropAfter = long.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException(
                    $"Unexpected argument: {args[i]} {value}. Usage: --transport tcp|unixstream|udp --concurrency threading|async " +
                    "[--path P] [--flood-mib N] [--corrupt-after BYTES] [--drop-after BYTES]"),
            };
        }

        return options;
    }
}

internal static class FaultServers
{
    public static BaseServer Create(FaultOptions options)
    {
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        var unix = new UnixDomainSocketEndPoint(options.Path);
        return (options.Transport, options.Concurrency) switch
        {
            ("tcp", "threading") => new TcpThreadingFaults(loopback),
            ("tcp", _) => new TcpAsyncFaults(loopback),
            ("unixstream", "threading") => new UnixStreamThreadingFaults(unix),
            ("unixstream", _) => new UnixStreamAsyncFaults(unix),
            ("udp", "threading") => new UdpThreadingFaults(loopback),
            _ => new UdpAsyncFaults(loopback),
        };
    }
}

// Request threads must not keep the process alive: a flood blocked on a client that stopped reading never ends by itself.
[SocketServer(Tcp, Threading, Handler = typeof(FloodOrEchoHandler))]
internal sealed partial class TcpThreadingFaults { public bool DaemonThreads => true; }

[SocketServer(Tcp, Async, Handler = typeof(AsyncFloodOrEchoHandler))]
internal sealed partial class TcpAsyncFaults;

[SocketServer(UnixStream, Threading, Handler = typeof(FloodOrEchoHandler))]
internal sealed partial class UnixStreamThreadingFaults { public bool DaemonThreads => true; }

[SocketServer(UnixStream, Async, Handler = typeof(AsyncFloodOrEchoHandler))]
internal sealed partial class UnixStreamAsyncFaults;

[SocketServer(Udp, Threading, Handler = typeof(BrokenDatagramEchoHandler))]
internal sealed partial class UdpThreadingFaults { public bool DaemonThreads => true; }

[SocketServer(Udp, Async, Handler = typeof(AsyncBrokenDatagramEchoHandler))]
internal sealed partial class UdpAsyncFaults;
