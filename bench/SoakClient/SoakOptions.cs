using System.Globalization;

/// <summary>The command line of the soak client; every option has the default of <c>bench/soak.py</c>.</summary>
internal sealed record SoakOptions(
    Target Target,
    int Connections,
    TimeSpan Duration,
    int ReconnectEvery,
    int MinSize,
    int MaxSize,
    int Seed,
    TimeSpan Progress,
    TimeSpan ReplyTimeout)
{
    public const string Usage =
        "usage: SoakClient --target tcp:HOST:PORT|udp:HOST:PORT|unix:PATH [--connections N (256)] [--duration SECONDS (600)] " +
        "[--reconnect-every MESSAGES (500)] [--min-size BYTES (32)] [--max-size BYTES (65536)] [--seed N (1)] " +
        "[--progress SECONDS (10)] [--reply-timeout SECONDS (30 for streams; a datagram not back in 1 s is lost)]";

    /// <summary>The smallest message: the header (connection and sequence number) must fit.</summary>
    public const int HeaderSize = 12;

    public static SoakOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 == args.Length || !args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{args[i]}' is not an option with a value.\n{Usage}");
            }

            values[args[i]] = args[i + 1];
        }

        string Get(string name, string fallback) => values.Remove(name, out string? value) ? value : fallback;
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        TimeSpan Seconds(string name, double fallback) =>
            TimeSpan.FromSeconds(double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture));

        var target = Target.Parse(Get("--target", ""));
        var options = new SoakOptions(
            target,
            Int("--connections", 256),
            Seconds("--duration", 600),
            Int("--reconnect-every", 500),
            Int("--min-size", 32),
            Int("--max-size", 64 * 1024),
            Int("--seed", 1),
            Seconds("--progress", 10),
            Seconds("--reply-timeout", target.IsDatagram ? 1 : 30));
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option {values.Keys.First()}\n{Usage}");
        }

        if (options.Connections < 1 || options.ReconnectEvery < 1 || options.MinSize < HeaderSize || options.MaxSize < options.MinSize ||
            options.Duration <= TimeSpan.Zero || options.Progress <= TimeSpan.Zero || options.ReplyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--connections and --reconnect-every are at least 1, {HeaderSize} <= --min-size <= --max-size, times are positive.\n{Usage}");
        }

        return options;
    }
}
