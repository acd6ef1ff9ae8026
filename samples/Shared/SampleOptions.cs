namespace SocketServer.Samples;

/// <summary>The command line every sample takes: <c>--host</c>, <c>--port</c>, and for some <c>--handler</c> or <c>--allow</c>.</summary>
internal sealed record SampleOptions(string Host, int Port, string Handler, string Allow, int Spares)
{
    /// <summary>Parses the arguments, or prints what is wrong and the usage to stderr and exits with code 2.</summary>
    public static SampleOptions Parse(string[] args, string defaultHandler = "", string[]? handlers = null, string? defaultAllow = null, int? defaultSpares = null)
    {
        try
        {
            return ParseOrThrow(args, defaultHandler, handlers ?? [], defaultAllow, defaultSpares);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Environment.Exit(2);
            throw;
        }
    }

    private static SampleOptions ParseOrThrow(string[] args, string defaultHandler, string[] handlers, string? defaultAllow, int? defaultSpares)
    {
        int spares = defaultSpares ?? 0;
        string host = "localhost";
        int port = 9999;
        string handler = defaultHandler;
        string allow = defaultAllow ?? string.Empty;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw Usage($"{args[i]} needs a value.", handlers, defaultAllow, defaultSpares);
            switch (args[i])
            {
                case "--host":
                    host = value;
                    break;
                case "--port" when int.TryParse(value, out int parsed) && parsed is >= 0 and <= 65535:
                    port = parsed;
                    break;
                case "--handler" when handlers.Contains(value):
                    handler = value;
                    break;
                case "--allow" when defaultAllow is not null:
                    allow = value;
                    break;
                case "--spares" when defaultSpares is not null && int.TryParse(value, out int parsedSpares) && parsedSpares >= 0:
                    spares = parsedSpares;
                    break;
                default:
                    throw Usage($"Unexpected argument: {args[i]} {value}", handlers, defaultAllow, defaultSpares);
            }

            i++;
        }

        return new SampleOptions(host, port, handler, allow, spares);
    }

    private static ArgumentException Usage(string problem, string[] handlers, string? defaultAllow, int? defaultSpares) => new(
        $"{problem}{Environment.NewLine}Usage: --host <name or address> (default localhost) --port <0-65535> (default 9999; 0 picks a free port)" +
        (handlers.Length > 0 ? $" --handler {string.Join('|', handlers)}" : "") +
        (defaultAllow is not null ? $" --allow <address>[,<address>...] (default {defaultAllow})" : "") +
        (defaultSpares is not null ? $" --spares <count> (default {defaultSpares})" : ""));
}
