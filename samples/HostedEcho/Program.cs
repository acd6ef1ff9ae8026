// A threading TCP echo server run by the .NET generic host, as a service runs in production: the host starts it,
// logs through ILogger (to stderr here, so stdout carries only the first line), and on Ctrl+C or SIGTERM stops
// accepting, lets running echoes finish for --drain-seconds, cuts the rest, and exits with code 0.
//
//   dotnet run --project samples/HostedEcho -- --port 0 --drain-seconds 5
//
// With --reuse-port, several instances share one port (SO_REUSEPORT) and the kernel spreads connections among them;
// behind a load balancer each instance takes its own port instead (samples/ScaleOut runs two behind HAProxy).
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketServer.Samples;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var options = SampleOptions.Parse(args, defaultDrain: TimeSpan.FromSeconds(10), reusePort: true);

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

// The host gives every service ShutdownTimeout to stop; leave the drain room inside it to finish and close.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Drain + TimeSpan.FromSeconds(5));
builder.Services.AddSocketServer<HostedEchoServer>(server =>
{
    server.CreateServer = _ => HostedEchoServer.Create(options);
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

    /// <summary>Creates the server, bound and listening, with <c>SO_REUSEPORT</c> set first if asked.</summary>
    public static HostedEchoServer Create(SampleOptions options)
    {
        // AllowReusePort must be set before the bind, so this binds by hand: as Python's bind_and_activate=False.
        var server = new HostedEchoServer(options.Host, options.Port, bindAndActivate: false) { AllowReusePort = options.ReusePort };
        try
        {
            server.ServerBind();
            server.ServerActivate();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }
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
