// An echo server over TLS: every byte back until the client closes, with a certificate from PEM files.
//
//   dotnet run --project samples/TlsEcho -- --cert cert.pem --key key.pem --concurrency threading --port 0
//   openssl s_client -connect localhost:<port> -quiet
//
// --client-ca ca.pem requires clients to present a certificate signed by that authority; --handshake-timeout 5 drops
// a client that has not finished its handshake 5 seconds after connecting (10 by default); --sni www.example.com=www.pem,www.key
// (repeatable) sends that certificate to clients asking for that host name (SNI). Ctrl+C or SIGTERM stops it.
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using SocketServer.Samples;
using static SocketServer.Concurrency;
using static SocketServer.Transport;

var (tls, rest) = TlsEchoOptions.Parse(args);
var options = SampleOptions.Parse(rest);
using BaseServer server = tls.Concurrency switch
{
    "async" => new AsyncTlsEcho(options.Host, options.Port),
    "forking" => new ForkingTlsEcho(options.Host, options.Port),
    "sync" => new SyncTlsEcho(options.Host, options.Port),
    _ => new ThreadingTlsEcho(options.Host, options.Port),
};
TlsMixIn tlsMixIn = server switch
{
    AsyncTlsEcho s => s.TlsMixIn,
    ForkingTlsEcho s => s.TlsMixIn,
    SyncTlsEcho s => s.TlsMixIn,
    _ => ((ThreadingTlsEcho)server).TlsMixIn,
};
tlsMixIn.LoadPemCertificate(tls.Certificate, tls.Key);
tlsMixIn.HandshakeTimeout = tls.HandshakeTimeout;
foreach (var (hostName, (certificate, key)) in tls.ByHostName)
{
    tlsMixIn.CertificatesByHostName[hostName] = X509Certificate2.CreateFromPemFile(certificate, key);
}

if (tls.ClientAuthority is { } authority)
{
    tlsMixIn.ClientCertificateMode = TlsClientCertificateMode.Required;
    tlsMixIn.ClientCertificateAuthorities.ImportFromPemFile(authority);
}

using var stop = new StopOnSignal(server);
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();

/// <summary>Echoes every byte until the client closes (Sync, Threading and Forking servers).</summary>
internal sealed class TlsEchoHandler : StreamRequestHandler
{
    public TlsEchoHandler() => DisableNagleAlgorithm = true;

    public override void Handle()
    {
        // Ends a blocked read when the server stops, so a long-lived echo does not hold the server open.
        using CancellationTokenRegistration stopping = Server.StoppingToken.Register(() => Connection.Shutdown(SocketShutdown.Both));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = RFile.Read(buffer)) > 0)
        {
            WFile.Write(buffer, 0, read);
        }
    }
}

/// <summary>Echoes every byte until the client closes, without a thread while waiting.</summary>
internal sealed class AsyncTlsEchoHandler : AsyncStreamRequestHandler
{
    public AsyncTlsEchoHandler() => DisableNagleAlgorithm = true;

    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await RFile.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await WFile.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}

/// <summary>The TLS options, taken out of the command line; the rest goes to <see cref="SampleOptions"/>.</summary>
internal sealed record TlsEchoOptions(
    string Certificate, string Key, string Concurrency, string? ClientAuthority, TimeSpan HandshakeTimeout, Dictionary<string, (string Certificate, string Key)> ByHostName)
{
    private static readonly string[] Concurrencies = ["sync", "threading", "forking", "async"];

    public static (TlsEchoOptions Options, string[] Others) Parse(string[] args)
    {
        string? certificate = null;
        string? key = null;
        string concurrency = "threading";
        string? clientAuthority = null;
        TimeSpan handshakeTimeout = TimeSpan.FromSeconds(10);
        var byHostName = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--cert" when value is not null:
                    certificate = value;
                    break;
                case "--key" when value is not null:
                    key = value;
                    break;
                case "--concurrency" when Concurrencies.Contains(value):
                    concurrency = value!;
                    break;
                case "--client-ca" when value is not null:
                    clientAuthority = value;
                    break;
                case "--handshake-timeout" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is > 0 and <= 3600:
                    handshakeTimeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--sni" when value?.Split('=', 2) is [{ Length: > 0 } host, var files] && files.Split(',') is [{ Length: > 0 } cert, { Length: > 0 } pem]:
                    byHostName[host] = (cert, pem);
                    break;
                case "--cert" or "--key" or "--concurrency" or "--client-ca" or "--handshake-timeout" or "--sni":
                    Fail($"Unexpected argument: {args[i]} {value}");
                    break;
                default:
                    rest.Add(args[i]);
                    continue;
            }

            i++;
        }

        if (certificate is null || key is null)
        {
            Fail("--cert and --key are required.");
        }

        return (new TlsEchoOptions(certificate!, key!, concurrency, clientAuthority, handshakeTimeout, byHostName), [.. rest]);
    }

    private static void Fail(string problem)
    {
        Console.Error.WriteLine(problem);
        Console.Error.WriteLine(
            "Usage: --cert <PEM certificate> --key <PEM private key> [--concurrency sync|threading|forking|async (default threading)] " +
            "[--client-ca <PEM authority>: require client certificates it signed] [--handshake-timeout <seconds> (default 10)] " +
            "[--sni <host name>=<PEM certificate>,<PEM key> (repeatable): the certificate for clients asking for that host] " +
            "[--host <name or address> (default localhost)] [--port <0-65535> (default 9999; 0 picks a free port)]");
        Environment.Exit(2);
    }
}

// Echo requests are long-lived: request threads must not keep the process alive (DaemonThreads).
[SocketServer(Tcp, Sync, typeof(TlsMixIn), Handler = typeof(TlsEchoHandler))] internal sealed partial class SyncTlsEcho;
[SocketServer(Tcp, Threading, typeof(TlsMixIn), Handler = typeof(TlsEchoHandler))] internal sealed partial class ThreadingTlsEcho { public bool DaemonThreads => true; }
[SocketServer(Tcp, Forking, typeof(TlsMixIn), Handler = typeof(TlsEchoHandler))] internal sealed partial class ForkingTlsEcho;
[SocketServer(Tcp, Async, typeof(TlsMixIn), Handler = typeof(AsyncTlsEchoHandler))] internal sealed partial class AsyncTlsEcho;
