// A long-lived echo server: every byte back until the client closes (datagrams: each datagram back), on any
// transport with any concurrency mix-in. The benchmark harness (bench/) drives it.
//
//   dotnet run --project samples/Echo -- --transport tcp --concurrency async --port 0
//   dotnet run --project samples/Echo -- --transport unixstream --concurrency threading --path /tmp/echo.sock
//   dotnet run --project samples/Echo -- --transport tcp --concurrency async --timeout 30   (drops a client idle 30 s)
//
// Ctrl+C or SIGTERM stops it: Shutdown() fires the server's StoppingToken, which ends running echoes too.
// Under systemd socket activation (LISTEN_FDS), it serves the passed socket:
//   systemd-socket-activate -l 127.0.0.1:9999 dotnet samples/Echo/bin/Debug/net10.0/Echo.dll --transport tcp
using System.Buffers;
using System.Globalization;
using SocketServer.Samples;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var options = EchoOptions.Parse(args);

// Started by systemd socket activation (or systemd-socket-activate): serve the socket it passed instead of binding.
IReadOnlyList<Socket> inherited = ForkingMixIn.IsChildProcess ? [] : SocketActivation.TakeListeningSockets();
using BaseServer server = EchoServers.Create(options, bindAndActivate: inherited.Count == 0);
if (inherited.Count > 0)
{
    ((TcpServer)server).AdoptSocket(inherited[0]);
}

using var stop = new StopOnSignal(server);
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();
if (options.Path is { } path && inherited.Count == 0 && !ForkingMixIn.IsChildProcess)
{
    File.Delete(path); // Unix servers leave their socket file, as in Python; this program made it, so it removes it.
}

/// <summary>Echoes every byte until the client closes (synchronous: Sync, Threading and Forking servers).</summary>
internal sealed class StreamEchoHandler : StreamRequestHandler
{
    // An echo is interactive: send each reply at once rather than let Nagle's algorithm hold small ones back.
    public StreamEchoHandler() => DisableNagleAlgorithm = true;

    public override void Handle()
    {
        // Ends a blocked read when the server stops, so a long-lived echo does not hold the server open.
        using CancellationTokenRegistration stopping = Server.StoppingToken.Register(() => Connection.Shutdown(SocketShutdown.Both));
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = RFile.Read(buffer)) > 0)
        {
            WFile.Write(buffer, 0, read);
        }
    }
}

/// <summary>Echoes every byte until the client closes, without a thread, and without a buffer while idle.</summary>
internal sealed class AsyncStreamEchoHandler : AsyncStreamRequestHandler
{
    // An echo is interactive: send each reply at once rather than let Nagle's algorithm hold small ones back.
    public AsyncStreamEchoHandler() => DisableNagleAlgorithm = true;

    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        byte[]? buffer = null;
        try
        {
            bool drained = true;
            while (true)
            {
                if (drained)
                {
                    // Idle: give the buffer back, and wait for data with a zero-byte read, which needs none.
                    ReturnBuffer(ref buffer);
                    _ = await RFile.ReadAsync(Memory<byte>.Empty, cancellationToken);
                }

                // Through RFile (not Connection), so the bytes count in the socketserver.io metric. A buffer this large
                // goes straight to the connection: RFile never takes a buffer of its own.
                buffer ??= ArrayPool<byte>.Shared.Rent(64 * 1024);
                int read = await RFile.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                await WFile.WriteAsync(buffer.AsMemory(0, read), cancellationToken);

                // A full buffer means more is probably waiting: read again at once, keeping the buffer (bulk transfers).
                drained = read < buffer.Length;
            }
        }
        finally
        {
            ReturnBuffer(ref buffer);
        }
    }

    private static void ReturnBuffer(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }
}

/// <summary>Sends each datagram back.</summary>
internal sealed class DatagramEchoHandler : DatagramRequestHandler
{
    public override void Handle() => WFile.Write(Packet);
}

/// <summary>Sends each datagram back, asynchronously.</summary>
internal sealed class AsyncDatagramEchoHandler : AsyncDatagramRequestHandler
{
    public override Task HandleAsync(CancellationToken cancellationToken)
    {
        WFile.Write(Packet);
        return Task.CompletedTask;
    }
}

internal sealed record EchoOptions(string Transport, string Concurrency, string Host, int Port, string? Path, TimeSpan? Timeout)
{
    private static readonly string[] Transports = ["tcp", "udp", "unixstream", "unixdatagram"];
    private static readonly string[] Concurrencies = ["sync", "threading", "forking", "async"];

    public bool IsUnix => Transport.StartsWith("unix", StringComparison.Ordinal);

    /// <summary>Parses the arguments, or prints the problem and the usage to stderr and exits with code 2.</summary>
    public static EchoOptions Parse(string[] args)
    {
        string transport = "tcp";
        string concurrency = "threading";
        string host = "localhost";
        int port = 9999;
        string? path = null;
        TimeSpan? timeout = null;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 == args.Length)
            {
                Fail($"{args[i]} needs a value.");
            }

            string value = args[i + 1];
            switch (args[i])
            {
                case "--transport" when Transports.Contains(value):
                    transport = value;
                    break;
                case "--concurrency" when Concurrencies.Contains(value):
                    concurrency = value;
                    break;
                case "--host":
                    host = value;
                    break;
                case "--port" when int.TryParse(value, out int parsed) && parsed is >= 0 and <= 65535:
                    port = parsed;
                    break;
                case "--path":
                    path = value;
                    break;
                case "--timeout" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is > 0 and <= 86400:
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                default:
                    Fail($"Unexpected argument: {args[i]} {value}");
                    break;
            }
        }

        var options = new EchoOptions(transport, concurrency, host, port, path, timeout);
        return options.IsUnix ? options with { Path = path ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "socketserver-echo.sock") } : options;
    }

    private static void Fail(string problem)
    {
        Console.Error.WriteLine(problem);
        Console.Error.WriteLine(
            "Usage: --transport tcp|udp|unixstream|unixdatagram (default tcp) --concurrency sync|threading|forking|async (default threading) " +
            "--host <name or address> (default localhost) --port <0-65535> (default 9999; 0 picks a free port) --path <socket path> (Unix transports) " +
            "--timeout <seconds> (stream handlers' Timeout: a client that sends nothing for that long is dropped; default none)");
        Environment.Exit(2);
    }
}

/// <summary>Every transport × concurrency pair, each declared as users declare servers.</summary>
internal static class EchoServers
{
    public static BaseServer Create(EchoOptions options, bool bindAndActivate)
    {
        bool async = options.Concurrency == "async";
        TimeSpan? timeout = options.Timeout;
        Func<BaseRequestHandler> stream = async
            ? () => new AsyncStreamEchoHandler { Timeout = timeout }
            : () => new StreamEchoHandler { Timeout = timeout };
        Func<BaseRequestHandler> datagram = async ? () => new AsyncDatagramEchoHandler() : () => new DatagramEchoHandler();
        string path = options.Path ?? "";
        string host = options.Host;
        int port = options.Port;
        return (options.Transport, options.Concurrency) switch
        {
            ("tcp", "sync") => new TcpSyncEcho(host, port, stream, bindAndActivate),
            ("tcp", "threading") => new TcpThreadingEcho(host, port, stream, bindAndActivate),
            ("tcp", "forking") => new TcpForkingEcho(host, port, stream, bindAndActivate),
            ("tcp", _) => new TcpAsyncEcho(host, port, stream, bindAndActivate),
            ("udp", "sync") => new UdpSyncEcho(host, port, datagram, bindAndActivate),
            ("udp", "threading") => new UdpThreadingEcho(host, port, datagram, bindAndActivate),
            ("udp", "forking") => new UdpForkingEcho(host, port, datagram, bindAndActivate),
            ("udp", _) => new UdpAsyncEcho(host, port, datagram, bindAndActivate),
            ("unixstream", "sync") => new UnixStreamSyncEcho(path, stream, bindAndActivate),
            ("unixstream", "threading") => new UnixStreamThreadingEcho(path, stream, bindAndActivate),
            ("unixstream", "forking") => new UnixStreamForkingEcho(path, stream, bindAndActivate),
            ("unixstream", _) => new UnixStreamAsyncEcho(path, stream, bindAndActivate),
            ("unixdatagram", "sync") => new UnixDatagramSyncEcho(path, datagram, bindAndActivate),
            ("unixdatagram", "threading") => new UnixDatagramThreadingEcho(path, datagram, bindAndActivate),
            ("unixdatagram", "forking") => new UnixDatagramForkingEcho(path, datagram, bindAndActivate),
            _ => new UnixDatagramAsyncEcho(path, datagram, bindAndActivate),
        };
    }
}

// Echo requests are long-lived: request threads must not keep the process alive (DaemonThreads). Stopping fires
// StoppingToken — in Forking children too — which ends running echoes, so ServerClose need not wait long.
[SocketServer(Tcp)] internal sealed partial class TcpSyncEcho;
[SocketServer(Tcp, Threading)] internal sealed partial class TcpThreadingEcho { public bool DaemonThreads => true; }
[SocketServer(Tcp, Forking)] internal sealed partial class TcpForkingEcho;
[SocketServer(Tcp, Async)] internal sealed partial class TcpAsyncEcho;
[SocketServer(Udp)] internal sealed partial class UdpSyncEcho;
[SocketServer(Udp, Threading)] internal sealed partial class UdpThreadingEcho { public bool DaemonThreads => true; }
[SocketServer(Udp, Forking)] internal sealed partial class UdpForkingEcho;
[SocketServer(Udp, Async)] internal sealed partial class UdpAsyncEcho;
[SocketServer(UnixStream)] internal sealed partial class UnixStreamSyncEcho;
[SocketServer(UnixStream, Threading)] internal sealed partial class UnixStreamThreadingEcho { public bool DaemonThreads => true; }
[SocketServer(UnixStream, Forking)] internal sealed partial class UnixStreamForkingEcho;
[SocketServer(UnixStream, Async)] internal sealed partial class UnixStreamAsyncEcho;
[SocketServer(UnixDatagram)] internal sealed partial class UnixDatagramSyncEcho;
[SocketServer(UnixDatagram, Threading)] internal sealed partial class UnixDatagramThreadingEcho { public bool DaemonThreads => true; }
[SocketServer(UnixDatagram, Forking)] internal sealed partial class UnixDatagramForkingEcho;
[SocketServer(UnixDatagram, Async)] internal sealed partial class UnixDatagramAsyncEcho;
