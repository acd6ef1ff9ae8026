// A threading TCP echo server run by the .NET generic host, as a service runs in production: the host starts it,
// logs through ILogger (to stderr here, so stdout carries only the first line), and on Ctrl+C or SIGTERM stops
// accepting, lets running echoes finish for --drain-seconds, cuts the rest, and exits with code 0.
//
//   dotnet run --project samples/HostedEcho -- --port 0 --drain-seconds 5
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var options = HostedEchoOptions.Parse(args);

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

// The host gives every service ShutdownTimeout to stop; leave the drain room inside it to finish and close.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Drain + TimeSpan.FromSeconds(5));
builder.Services.AddSocketServer<HostedEchoServer>(server =>
{
    server.CreateServer = _ => new HostedEchoServer(options.Host, options.Port);
    server.DrainTimeout = options.Drain;
});

using IHost app = builder.Build();
try
{
    await app.StartAsync(); // binds: an address in use fails here, with the runtime's message
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

Console.WriteLine($"listening on {app.Services.GetRequiredService<HostedEchoServer>().ServerAddress}");
await app.WaitForShutdownAsync(); // Ctrl+C or SIGTERM: the host stops the server (drain, then cut)
return 0;

/// <summary>A threading TCP echo server.</summary>
[SocketServer(Tcp, Threading, Handler = typeof(EchoHandler))]
internal sealed partial class HostedEchoServer
{
    // The host drains running echoes and then cuts them; a request thread must not keep the process alive past that.
    public bool DaemonThreads => true;
}

/// <summary>Echoes every byte until the client closes (or the host, after the drain, cuts the connection).</summary>
internal sealed class EchoHandler : StreamRequestHandler
{
    // An echo is interactive: send each reply at once rather than let Nagle's algorithm hold small ones back.
    public EchoHandler() => DisableNagleAlgorithm = true;

    public override void Handle()
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = RFile.Read(buffer)) > 0)
        {
            WFile.Write(buffer, 0, read);
        }
    }
}

/// <summary>The command line: <c>--host</c>, <c>--port</c> and <c>--drain-seconds</c>.</summary>
internal sealed record HostedEchoOptions(string Host, int Port, TimeSpan Drain)
{
    /// <summary>Parses the arguments, or prints the problem and the usage to stderr and exits with code 2.</summary>
    public static HostedEchoOptions Parse(string[] args)
    {
        string host = "localhost";
        int port = 9999;
        double drainSeconds = 10;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 == args.Length)
            {
                Fail($"{args[i]} needs a value.");
            }

            string value = args[i + 1];
            switch (args[i])
            {
                case "--host":
                    host = value;
                    break;
                case "--port" when int.TryParse(value, out int parsed) && parsed is >= 0 and <= 65535:
                    port = parsed;
                    break;
                case "--drain-seconds" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and <= 3600:
                    drainSeconds = seconds;
                    break;
                default:
                    Fail($"Unexpected argument: {args[i]} {value}");
                    break;
            }
        }

        return new HostedEchoOptions(host, port, TimeSpan.FromSeconds(drainSeconds));
    }

    private static void Fail(string problem)
    {
        Console.Error.WriteLine(problem);
        Console.Error.WriteLine(
            "Usage: --host <name or address> (default localhost) --port <0-65535> (default 9999; 0 picks a free port) " +
            "--drain-seconds <0-3600> (default 10: how long running echoes may go on after Ctrl+C or SIGTERM)");
        Environment.Exit(2);
    }
}
