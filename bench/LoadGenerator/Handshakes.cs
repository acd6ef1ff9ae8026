// The handshake scenario (--scenario handshake --tls): what a server pays for each new TLS client. N clients in
// parallel each connect, run the TLS 1.3 handshake, echo one --size message, close (close_notify, then the socket), and
// start over; nothing is reused, so every connection is a full handshake.
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using HdrHistogram;

internal static class Handshakes
{
    public static async Task<string> RunAsync(LoadOptions options)
    {
        var window = new Window();
        var histograms = Enumerable.Range(0, options.Connections).Select(_ => new LongHistogram(TimeSpan.FromSeconds(60).Ticks / 10, 3)).ToArray();
        var cycles = new long[options.Connections];
        var described = new (string, object)[1][];
        Task workers = Task.WhenAll(Enumerable.Range(0, options.Connections).Select(i =>
            Task.Run(() => LoopAsync(options, window, histograms[i], cycles, i, described))));
        await window.RunAsync(options, workers);
        var all = new LongHistogram(TimeSpan.FromSeconds(60).Ticks / 10, 3);
        foreach (LongHistogram histogram in histograms)
        {
            all.Add(histogram);
        }

        return Json.Of([
            ("scenario", "handshake"),
            ("connections", options.Connections),
            ("size", options.Size),
            ("handshakes", cycles.Sum()),
            ("seconds", Math.Round(window.Seconds, 3)),
            ("rps", Math.Round(cycles.Sum() / window.Seconds)),
            ("p50_us", all.TotalCount == 0 ? 0 : all.GetValueAtPercentile(50)),
            ("p99_us", all.TotalCount == 0 ? 0 : all.GetValueAtPercentile(99)),
            .. described[0] ?? [],
            .. window.CpuFigures(),
        ]);
    }

    /// <summary>One client: connect + handshake (timed), one echo, close; again until the window ends. Each step is bounded.</summary>
    private static async Task LoopAsync(LoadOptions options, Window window, LongHistogram latency, long[] cycles, int index, (string, object)[][] described)
    {
        byte[] message = Connections.Pattern(options.Size);
        byte[] reply = new byte[message.Length];
        while (!window.Stopping)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            long started = Stopwatch.GetTimestamp();
            Socket socket = options.Target.NewSocket();
            SslStream tls;
            try
            {
                await socket.ConnectAsync(options.Target.EndPoint, timeout.Token);
                tls = await TlsClient.AuthenticateAsync(socket, timeout.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await using (tls)
            {
                long microseconds = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                if (!await Connections.RoundTripAsync(tls, message, reply, timeout.Token) || !reply.AsSpan().SequenceEqual(message))
                {
                    throw new InvalidDataException("the echo after the handshake differs from what was sent.");
                }

                await tls.ShutdownAsync();
                described[0] ??= TlsClient.Describe(tls);
                if (window.Recording)
                {
                    latency.RecordValue(Math.Max(1, microseconds));
                    cycles[index]++;
                }
            }
        }
    }
}
