// The load generator of the benchmark harness (bench/run.py). It drives one echo server — ours, CPython's, a raw-socket
// baseline or Kestrel: they all speak the same protocol, "every byte back" — and prints one JSON line of figures.
//
//   echo  closed-loop request/response: N connections each send --size bytes (× --pipeline messages at once) and wait
//         for the echo before sending again; req/s, p50 and p99 round-trip latency (HdrHistogram, microseconds).
//         Over udp: N clients each send one datagram and wait for it back (a datagram not back in 500 ms is sent again
//         and counted in "resent"; sequence numbers discard the late copy).
//   idle  N connections each echo once and then stay open, mostly idle; the server's resident memory (VmRSS of
//         --server-pid) before and after gives its memory per connection. Every connection echoes once more at the end
//         to prove the server still holds it.
//   bulk  one connection streams --size-byte writes while a second task reads the echo; MB/s (10^6 bytes) received.
//   handshake  (--tls only) N clients each connect, handshake, echo one --size message and close, again and again;
//         handshakes per second (whole cycles) and p50/p99 of connect + handshake (microseconds).
//
// --tls runs echo and bulk over TLS 1.3 (SslStream; the certificate is not validated: see TlsClient.cs), after every
// connection's handshake, so that the window measures the encrypted echo alone.
//
// Every phase is bounded: a connection that hangs ends the run with an error, never a hang.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using HdrHistogram;

var options = LoadOptions.Parse(args);
try
{
    string json = options.Scenario switch
    {
        "echo" when options.Target.IsDatagram => await DatagramEcho.RunAsync(options),
        "echo" => await StreamEcho.RunAsync(options),
        "idle" => await IdleConnections.RunAsync(options),
        "handshake" => await Handshakes.RunAsync(options),
        _ => await Bulk.RunAsync(options),
    };
    Console.WriteLine(json);
    return 0;
}
catch (Exception error)
{
    Console.Error.WriteLine($"load generator: {error.GetType().Name}: {error.Message}");
    Console.WriteLine(Json.Of(("error", $"{error.GetType().Name}: {error.Message}")));
    return 1;
}

internal sealed record LoadOptions(
    string Scenario, Target Target, int Connections, int Size, int Pipeline, double Warmup, double Duration, int ServerPid, bool Tls)
{
    public static LoadOptions Parse(string[] args)
    {
        bool tls = args.Contains("--tls"); // the one option without a value
        args = [.. args.Where(a => a != "--tls")];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        var options = new LoadOptions(
            Get("--scenario", "echo"),
            Target.Parse(Get("--target", "")),
            int.Parse(Get("--connections", "1"), CultureInfo.InvariantCulture),
            int.Parse(Get("--size", "32"), CultureInfo.InvariantCulture),
            int.Parse(Get("--pipeline", "1"), CultureInfo.InvariantCulture),
            double.Parse(Get("--warmup", "1"), CultureInfo.InvariantCulture),
            double.Parse(Get("--duration", "3"), CultureInfo.InvariantCulture),
            int.Parse(Get("--server-pid", "0"), CultureInfo.InvariantCulture),
            tls);
        if (options.Scenario is not ("echo" or "idle" or "bulk" or "handshake") || options.Connections < 1 || options.Size < 8 || options.Pipeline < 1
            || (options.Tls && (options.Target.IsDatagram || options.Scenario == "idle")) || (options.Scenario == "handshake" && !options.Tls))
        {
            throw new ArgumentException(
                "usage: --target tcp:HOST:PORT|udp:HOST:PORT|unix:PATH --scenario echo|idle|bulk|handshake --connections N --size BYTES(>=8) " +
                "--pipeline DEPTH --warmup SECONDS --duration SECONDS [--server-pid PID (idle)] [--tls (stream echo, bulk and handshake)]");
        }

        return options;
    }
}

/// <summary>The measuring window: a warm-up that is not counted, then <see cref="LoadOptions.Duration"/> seconds that are.</summary>
internal sealed class Window
{
    private long _started;
    private long _ended;
    private (double Server, double Client) _cpuStarted;
    private (double Server, double Client) _cpuEnded;

    public volatile bool Recording;
    public volatile bool Stopping;

    public double Seconds => Stopwatch.GetElapsedTime(_started, _ended).TotalSeconds;

    /// <summary>CPU seconds the server (--server-pid; 0 without one) and this process used in the window: on a machine that
    /// other work shares, CPU per request is a steadier figure of cost than requests per second.</summary>
    public (string, object)[] CpuFigures() =>
        [("server_cpu_s", Math.Round(_cpuEnded.Server - _cpuStarted.Server, 3)), ("client_cpu_s", Math.Round(_cpuEnded.Client - _cpuStarted.Client, 3))];

    /// <summary>Runs the window; <paramref name="workers"/> must end soon after <see cref="Stopping"/> is set.</summary>
    public async Task RunAsync(LoadOptions options, Task workers)
    {
        await Task.WhenAny(workers, Task.Delay(TimeSpan.FromSeconds(options.Warmup)));
        _cpuStarted = (ProcessCpu.Seconds(options.ServerPid), ProcessCpu.OwnSeconds());
        _started = Stopwatch.GetTimestamp();
        Recording = true;
        await Task.WhenAny(workers, Task.Delay(TimeSpan.FromSeconds(options.Duration)));
        Recording = false;
        _ended = Stopwatch.GetTimestamp();
        _cpuEnded = (ProcessCpu.Seconds(options.ServerPid), ProcessCpu.OwnSeconds());
        Stopping = true;
        if (workers.IsFaulted)
        {
            await workers; // a worker failed early: report its error rather than figures.
        }

        if (await Task.WhenAny(workers, Task.Delay(TimeSpan.FromSeconds(10))) != workers)
        {
            throw new TimeoutException("the server stopped answering: connections still waiting 10 s after the run ended.");
        }

        await workers;
    }
}

internal static class Connections
{
    /// <summary>Opens <paramref name="count"/> connections, at most 64 connecting at once (a burst beyond the
    /// listen backlog would only measure SYN retransmission).</summary>
    public static async Task<Socket[]> OpenAsync(Target target, int count)
    {
        var sockets = new Socket[count];
        using var connecting = new SemaphoreSlim(64);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await connecting.WaitAsync(timeout.Token);
            try
            {
                Socket socket = target.NewSocket();
                await socket.ConnectAsync(target.EndPoint, timeout.Token);
                sockets[i] = socket;
            }
            finally
            {
                connecting.Release();
            }
        }));
        return sockets;
    }

    public static void CloseAll(IEnumerable<IDisposable?> connections)
    {
        foreach (IDisposable? connection in connections)
        {
            connection?.Dispose();
        }
    }

    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + (i % 26));
        }

        return bytes;
    }

    /// <summary>Writes <paramref name="message"/> and reads exactly as many bytes back; false if the peer closed.</summary>
    public static async ValueTask<bool> RoundTripAsync(Stream stream, byte[] message, byte[] reply, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(message, cancellationToken);
        int received = 0;
        while (received < reply.Length)
        {
            int read = await stream.ReadAsync(reply.AsMemory(received), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            received += read;
        }

        return true;
    }

    /// <summary>Sends <paramref name="message"/> and reads exactly as many bytes back; false if the peer closed.</summary>
    public static async ValueTask<bool> RoundTripAsync(Socket socket, byte[] message, byte[] reply, CancellationToken cancellationToken)
    {
        await socket.SendAsync(message, SocketFlags.None, cancellationToken);
        int received = 0;
        while (received < reply.Length)
        {
            int read = await socket.ReceiveAsync(reply.AsMemory(received), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            received += read;
        }

        return true;
    }
}

internal static class StreamEcho
{
    public static async Task<string> RunAsync(LoadOptions options)
    {
        Socket[] sockets = await Connections.OpenAsync(options.Target, options.Connections);
        SslStream[]? tls = null;
        try
        {
            tls = options.Tls ? await TlsClient.AuthenticateAllAsync(sockets) : null;
            var window = new Window();
            var histograms = sockets.Select(_ => new LongHistogram(TimeSpan.FromSeconds(60).Ticks / 10, 3)).ToArray();
            var requests = new long[sockets.Length];
            Task workers = Task.WhenAll(sockets.Select((socket, i) => Task.Run(() => LoopAsync(socket, tls?[i], options, window, histograms[i], requests, i))));
            await window.RunAsync(options, workers);
            var all = new LongHistogram(TimeSpan.FromSeconds(60).Ticks / 10, 3);
            foreach (LongHistogram histogram in histograms)
            {
                all.Add(histogram);
            }

            return Json.Figures(options, requests.Sum(), window.Seconds, all, tls is null ? [] : [.. TlsClient.Describe(tls[0]), .. window.CpuFigures()]);
        }
        finally
        {
            Connections.CloseAll(tls ?? []);
            Connections.CloseAll(sockets);
        }
    }

    /// <summary>Round trips on the socket, or on its TLS stream when there is one.</summary>
    private static async Task LoopAsync(Socket socket, SslStream? tls, LoadOptions options, Window window, LongHistogram latency, long[] requests, int index)
    {
        byte[] message = Connections.Pattern(options.Size * options.Pipeline);
        byte[] reply = new byte[message.Length];
        while (!window.Stopping)
        {
            long started = Stopwatch.GetTimestamp();
            if (!await (tls is null
                ? Connections.RoundTripAsync(socket, message, reply, CancellationToken.None)
                : Connections.RoundTripAsync(tls, message, reply, CancellationToken.None)))
            {
                throw new IOException("the server closed a connection in the middle of the run.");
            }

            long microseconds = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (!reply.AsSpan().SequenceEqual(message))
            {
                throw new InvalidDataException("the echo differs from what was sent.");
            }

            if (window.Recording)
            {
                latency.RecordValue(Math.Max(1, microseconds));
                requests[index] += options.Pipeline;
            }
        }
    }
}

internal static class DatagramEcho
{
    public static async Task<string> RunAsync(LoadOptions options)
    {
        var clients = new Socket[options.Connections];
        try
        {
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i] = options.Target.NewSocket();
                clients[i].Connect(options.Target.EndPoint);
            }

            var window = new Window();
            var histograms = clients.Select(_ => new LongHistogram(TimeSpan.FromSeconds(60).Ticks / 10, 3)).ToArray();
            var requests = new long[clients.Length];
            var resent = new long[clients.Length];
            Task workers = Task.WhenAll(clients.Select((client, i) => Task.Run(() => LoopAsync(client, options, window, histograms[i], requests, resent, i))));
            await window.RunAsync(options, workers);
            var all = new LongHistogram(TimeSpan.FromSeconds(60).Ticks / 10, 3);
            foreach (LongHistogram histogram in histograms)
            {
                all.Add(histogram);
            }

            return Json.Figures(options, requests.Sum(), window.Seconds, all, ("resent", resent.Sum()));
        }
        finally
        {
            Connections.CloseAll(clients);
        }
    }

    private static async Task LoopAsync(Socket client, LoadOptions options, Window window, LongHistogram latency, long[] requests, long[] resent, int index)
    {
        byte[] message = Connections.Pattern(options.Size);
        byte[] reply = new byte[options.Size + 1];
        long sequence = 0;
        while (!window.Stopping)
        {
            sequence++;
            BinaryPrimitives.WriteInt64LittleEndian(message, sequence);
            long started = Stopwatch.GetTimestamp();
            await client.SendAsync(message, SocketFlags.None);
            while (true)
            {
                // A lost datagram (or reply) is sent again after 500 ms; a reply to an earlier copy is skipped.
                using var lost = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                int read;
                try
                {
                    read = await client.ReceiveAsync(reply, SocketFlags.None, lost.Token);
                }
                catch (OperationCanceledException) when (!window.Stopping)
                {
                    resent[index]++;
                    await client.SendAsync(message, SocketFlags.None);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (read == message.Length && BinaryPrimitives.ReadInt64LittleEndian(reply) == sequence)
                {
                    break;
                }
            }

            long microseconds = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (window.Recording)
            {
                latency.RecordValue(Math.Max(1, microseconds));
                requests[index]++;
            }
        }
    }
}

internal static class IdleConnections
{
    public static async Task<string> RunAsync(LoadOptions options)
    {
        if (options.ServerPid <= 0)
        {
            throw new ArgumentException("idle needs --server-pid: the process whose memory is measured.");
        }

        // Warm the server's accept and request paths first so JIT and thread-pool growth are not counted per connection.
        for (int round = 0; round < 4; round++)
        {
            Socket[] warm = await Connections.OpenAsync(options.Target, 64);
            await EchoOnceAsync(warm, options.Size);
            Connections.CloseAll(warm);
        }

        await Task.Delay(500);
        ProcessStatus before = ProcessStatus.Read(options.ServerPid);
        var opening = Stopwatch.StartNew();
        Socket[] sockets = await Connections.OpenAsync(options.Target, options.Connections);
        try
        {
            await EchoOnceAsync(sockets, options.Size);
            double openSeconds = opening.Elapsed.TotalSeconds;
            await Task.Delay(1000); // let the server settle: what it keeps per idle connection is what is measured.
            ProcessStatus after = ProcessStatus.Read(options.ServerPid);
            int held = await EchoOnceAsync(sockets, options.Size);
            double perConnection = (after.ResidentBytes - before.ResidentBytes) / 1024.0 / options.Connections;
            return Json.Of(
                ("scenario", "idle"),
                ("connections", options.Connections),
                ("held", held),
                ("open_seconds", Math.Round(openSeconds, 2)),
                ("rss_before_mib", Math.Round(before.ResidentBytes / 1048576.0, 1)),
                ("rss_after_mib", Math.Round(after.ResidentBytes / 1048576.0, 1)),
                ("kib_per_connection", Math.Round(perConnection, 2)),
                ("threads_before", before.Threads),
                ("threads_after", after.Threads));
        }
        finally
        {
            Connections.CloseAll(sockets);
        }
    }

    /// <summary>Echoes one message on every connection, 256 at a time; returns how many came back whole.</summary>
    private static async Task<int> EchoOnceAsync(Socket[] sockets, int size)
    {
        int succeeded = 0;
        using var inFlight = new SemaphoreSlim(256);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(sockets.Select(async socket =>
        {
            await inFlight.WaitAsync(timeout.Token);
            try
            {
                byte[] message = Connections.Pattern(size);
                byte[] reply = new byte[size];
                if (await Connections.RoundTripAsync(socket, message, reply, timeout.Token) && reply.AsSpan().SequenceEqual(message))
                {
                    Interlocked.Increment(ref succeeded);
                }
            }
            finally
            {
                inFlight.Release();
            }
        }));
        return succeeded;
    }
}

/// <summary>Resident memory and thread count of a process, from /proc/PID/status.</summary>
internal readonly record struct ProcessStatus(long ResidentBytes, int Threads)
{
    public static ProcessStatus Read(int pid)
    {
        long resident = 0;
        int threads = 0;
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.Split('\t', ' ').Last(), CultureInfo.InvariantCulture);
            }
        }

        return new ProcessStatus(resident, threads);
    }
}

internal static class Bulk
{
    public static async Task<string> RunAsync(LoadOptions options)
    {
        Socket[] sockets = await Connections.OpenAsync(options.Target, 1);
        Socket socket = sockets[0];
        SslStream? tls = null;
        try
        {
            tls = options.Tls ? await TlsClient.AuthenticateAsync(socket, CancellationToken.None) : null;
            var window = new Window();
            long receivedInWindow = 0;
            byte[] chunk = Connections.Pattern(options.Size);
            async Task SendAsync()
            {
                while (!window.Stopping)
                {
                    if (tls is null)
                    {
                        await socket.SendAsync(chunk, SocketFlags.None);
                    }
                    else
                    {
                        await tls.WriteAsync(chunk);
                    }
                }

                // The server echoes what is in flight, then sees the end. Over TLS too without a close_notify first: OpenSSL
                // fails a read of the echo still in flight after this side has sent close_notify ("application data
                // after close notify"), and every server's SslStream reads the end of the TCP stream as its end.
                socket.Shutdown(SocketShutdown.Send);
            }

            async Task ReceiveAsync()
            {
                byte[] buffer = new byte[Math.Max(options.Size, 64 * 1024)];
                int read;
                while ((read = await (tls is null ? socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None) : tls.ReadAsync(buffer.AsMemory()))) > 0)
                {
                    if (window.Recording)
                    {
                        receivedInWindow += read;
                    }
                }
            }

            await window.RunAsync(options, Task.WhenAll(Task.Run(SendAsync), Task.Run(ReceiveAsync)));
            return Json.Of([
                ("scenario", "bulk"),
                ("connections", 1),
                ("size", options.Size),
                ("seconds", Math.Round(window.Seconds, 3)),
                ("mb_per_s", Math.Round(receivedInWindow / window.Seconds / 1e6, 1)),
                .. tls is null ? Array.Empty<(string, object)>() : [.. TlsClient.Describe(tls), .. window.CpuFigures()],
            ]);
        }
        finally
        {
            tls?.Dispose();
            Connections.CloseAll(sockets);
        }
    }
}

internal static class Json
{
    public static string Figures(LoadOptions options, long requests, double seconds, LongHistogram latency, params (string, object)[] extra) =>
        Of([
            ("scenario", "echo"),
            ("connections", options.Connections),
            ("size", options.Size),
            ("pipeline", options.Pipeline),
            ("requests", requests),
            ("seconds", Math.Round(seconds, 3)),
            ("rps", Math.Round(requests / seconds)),
            ("p50_us", latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(50)),
            ("p99_us", latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(99)),
            .. extra,
        ]);

    public static string Of(params (string Name, object Value)[] fields) =>
        "{" + string.Join(", ", fields.Select(f => $"\"{f.Name}\": {Value(f.Value)}")) + "}";

    private static string Value(object value) => value switch
    {
        string text => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
