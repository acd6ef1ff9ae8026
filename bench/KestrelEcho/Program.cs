// Kestrel's echo, as its docs write one: a ConnectionHandler that copies the connection's input pipe to its output.
// Kestrel's socket transport (defaults: zero-byte reads before buffers are rented, pooled memory) carries it.
//
//   dotnet bench/KestrelEcho/bin/Release/net10.0/KestrelEcho.dll --transport tcp|unixstream [--port 0] [--path P]
//
// Prints "listening on <endpoint>" and echoes until SIGTERM/SIGINT.
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

string transport = "tcp", path = Path.Combine(Path.GetTempPath(), "kestrel-echo.sock");
int port = 0;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--transport": transport = args[i + 1]; break;
        case "--port": port = int.Parse(args[i + 1]); break;
        case "--path": path = args[i + 1]; break;
        default: Console.Error.WriteLine($"unexpected argument {args[i]}"); return 2;
    }
}

if (transport == "unixstream")
{
    File.Delete(path);
}

using IHost host = Host.CreateDefaultBuilder()
    .ConfigureLogging(logging => logging.ClearProviders())
    .ConfigureWebHost(web => web
        .UseKestrel(kestrel =>
        {
            if (transport == "unixstream")
            {
                kestrel.ListenUnixSocket(path, listen => listen.UseConnectionHandler<EchoConnectionHandler>());
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseConnectionHandler<EchoConnectionHandler>());
            }
        })
        .Configure(_ => { }))
    .Build();
await host.StartAsync();
string address = transport == "unixstream"
    ? path
    : host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"listening on {address}");
await host.WaitForShutdownAsync(); // the generic host stops on SIGTERM and Ctrl+C
if (transport == "unixstream")
{
    File.Delete(path);
}

return 0;

internal sealed class EchoConnectionHandler : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        await connection.Transport.Input.CopyToAsync(connection.Transport.Output, connection.ConnectionClosed);
    }
}
