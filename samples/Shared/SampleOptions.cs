using System.Globalization;

namespace SocketServer.Samples;

/// <summary>
/// The command line every sample takes: <c>--host</c>, <c>--port</c>, and for some <c>--handler</c>, <c>--allow</c>,
/// <c>--spares</c>, <c>--drain-seconds</c> or the <c>--reuse-port</c> switch.
/// </summary>
internal sealed record SampleOptions(string Host, int Port, string Handler, string Allow, int Spares, TimeSpan Drain, bool ReusePort)
{
    /// <summary>Parses the arguments, or prints what is wrong and the usage to stderr and exits with code 2.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="defaultHandler">The handler used without <c>--handler</c>.</param>
    /// <param name="handlers">The values <c>--handler</c> accepts; none: no <c>--handler</c> option.</param>
    /// <param name="defaultAllow">Enables <c>--allow</c> with this default.</param>
    /// <param name="defaultSpares">Enables <c>--spares</c> with this default.</param>
    /// <param name="defaultDrain">Enables <c>--drain-seconds</c> with this default.</param>
    /// <param name="reusePort">Enables the <c>--reuse-port</c> switch.</param>
    public static SampleOptions Parse(
        string[] args,
        string defaultHandler = "",
        string[]? handlers = null,
        string? defaultAllow = null,
        int? defaultSpares = null,
        TimeSpan? defaultDrain = null,
        bool reusePort = false)
    {
        var accepted = new Accepted(handlers ?? [], defaultAllow, defaultSpares, defaultDrain, reusePort);
        try
        {
            return ParseOrThrow(args, defaultHandler, accepted);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Environment.Exit(2);
            throw;
        }
    }

    private static SampleOptions ParseOrThrow(string[] args, string defaultHandler, Accepted accepted)
    {
        var options = new SampleOptions(
            "localhost", 9999, defaultHandler, accepted.DefaultAllow ?? string.Empty, accepted.DefaultSpares ?? 0, accepted.DefaultDrain ?? TimeSpan.Zero, false);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--reuse-port" && accepted.ReusePort)
            {
                options = options with { ReusePort = true };
                continue;
            }

            string value = i + 1 < args.Length ? args[i + 1] : throw accepted.Usage($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--host" => options with { Host = value },
                "--port" when int.TryParse(value, out int port) && port is >= 0 and <= 65535 => options with { Port = port },
                "--handler" when accepted.Handlers.Contains(value) => options with { Handler = value },
                "--allow" when accepted.DefaultAllow is not null => options with { Allow = value },
                "--spares" when accepted.DefaultSpares is not null && int.TryParse(value, out int spares) && spares >= 0 => options with { Spares = spares },
                "--drain-seconds" when accepted.DefaultDrain is not null
                    && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and <= 3600
                    => options with { Drain = TimeSpan.FromSeconds(seconds) },
                _ => throw accepted.Usage($"Unexpected argument: {args[i]} {value}"),
            };
            i++;
        }

        return options;
    }

    /// <summary>Which options a sample takes, and their defaults.</summary>
    private sealed record Accepted(string[] Handlers, string? DefaultAllow, int? DefaultSpares, TimeSpan? DefaultDrain, bool ReusePort)
    {
        public ArgumentException Usage(string problem) => new(
            $"{problem}{Environment.NewLine}Usage: --host <name or address> (default localhost) --port <0-65535> (default 9999; 0 picks a free port)" +
            (Handlers.Length > 0 ? $" --handler {string.Join('|', Handlers)}" : "") +
            (DefaultAllow is not null ? $" --allow <address>[,<address>...] (default {DefaultAllow})" : "") +
            (DefaultSpares is not null ? $" --spares <count> (default {DefaultSpares})" : "") +
            (DefaultDrain is { } drain
                ? $" --drain-seconds <0-3600> (default {drain.TotalSeconds.ToString(CultureInfo.InvariantCulture)}: how long running requests may go on after Ctrl+C or SIGTERM)"
                : "") +
            (ReusePort ? " --reuse-port (share the port with other processes that set it: SO_REUSEPORT)" : ""));
    }
}
