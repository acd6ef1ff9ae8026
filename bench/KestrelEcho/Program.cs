// Kestrel's echo, as its docs write one: a ConnectionHandler that copies the connection's input pipe to its output.
// Kestrel's socket transport (defaults: zero-byte reads before buffers are rented, pooled memory) carries it.
// --tls --cert C --key K puts Kestrel's TLS connection middleware (ListenOptions.UseHttps) in front of the same
// handler: the Kestrel peer of bench/tls.py.
//
//   dotnet bench/KestrelEcho/bin/Release/net10.0/KestrelEcho.dll --transport tcp|unixstream [--port 0] [--path P]
//       [--tls --cert cert.pem --key key.pem]
//
// Prints "listening on <endpoint>" and echoes until SIGTERM/SIGINT.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

string transport = "tcp", path = Path.Combine(Path.GetTempPath(), "kestrel-echo.sock");
string? certificate = null, key = null;
int port = 0;
bool tls = args.Contains("--tls"); // the one option without a value
args = [.. args.Where(a => a != "--tls")];
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--cert": certificate = args[i + 1]; break;
        case "--key": key = args[i + 1]; break;
        case "--transport": transport = args[i + 1]; break;
        case "--port": port = int.Parse(args[i + 1]); break;
        case "--path": path = args[i + 1]; break;
        default: Console.Error.WriteLine($"unexpected argument {args[i]}"); return 2;
    }
}

if (tls && (certificate is null || key is null))
{
    Console.Error.WriteLine("--tls needs --cert and --key (PEM files)");
    return 2;
}

X509Certificate2? serverCertificate = tls ? X509Certificate2.CreateFromPemFile(certificate!, key!) : null;
if (transport == "unixstream")
{
    File.Delete(path);
}

// The TLS middleware (when asked for) first, then the echo: the order in which the connection passes through them.
void Pipeline(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
{
    if (serverCertificate is not null)
    {
        listen.UseHttps(serverCertificate);
    }

    listen.UseConnectionHandler<EchoConnectionHandler>();
}

using IHost host = Host.CreateDefaultBuilder()
    .ConfigureLogging(logging => logging.ClearProviders())
    .ConfigureWebHost(web => web
        .UseKestrel(kestrel =>
        {
            if (transport == "unixstream")
            {
                kestrel.ListenUnixSocket(path, Pipeline);
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, port, Pipeline);
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
