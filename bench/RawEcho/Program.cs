// The hand-written baseline: an echo server on System.Net.Sockets alone, as a .NET developer would write one without
// this library. "threads": a thread per connection, blocking Receive/Send (what our Threading mix-in competes with);
// "async": one async loop per connection, ReceiveAsync/SendAsync (what our Async mix-in competes with). Both use a
// 64 KiB buffer per connection, as the Echo sample's synchronous handler does. --tls --cert C --key K puts an SslStream
// in front of either (RawTls.cs): the raw TLS baseline of bench/tls.py.
//
//   dotnet bench/RawEcho/bin/Release/net10.0/RawEcho.dll --mode threads|async --transport tcp|unixstream [--port 0] [--path P]
//       [--tls --cert cert.pem --key key.pem]
//
// Prints "listening on <endpoint>" and echoes until SIGTERM/SIGINT.
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;

string mode = "threads", transport = "tcp", path = Path.Combine(Path.GetTempPath(), "raw-echo.sock");
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
        case "--mode": mode = args[i + 1]; break;
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

SslServerAuthenticationOptions? tlsOptions = tls ? RawTls.Options(certificate!, key!) : null;
using var listener = transport == "unixstream"
    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
    : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
if (transport == "unixstream")
{
    File.Delete(path);
    listener.Bind(new UnixDomainSocketEndPoint(path));
}
else
{
    listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
}

listener.Listen(int.MaxValue);
using var stopping = new CancellationTokenSource();
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopping.Cancel(); });
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopping.Cancel(); });
Console.WriteLine($"listening on {listener.LocalEndPoint}");

Task serving = mode == "async" ? AcceptAsync() : Task.Run(AcceptThreads);
try
{
    await Task.Delay(Timeout.Infinite, stopping.Token);
}
catch (OperationCanceledException)
{
}

listener.Close();
if (transport == "unixstream")
{
    File.Delete(path);
}

return 0;

void AcceptThreads()
{
    while (true)
    {
        Socket connection;
        try
        {
            connection = listener.Accept();
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            return;
        }

        if (connection.AddressFamily != AddressFamily.Unix)
        {
            connection.NoDelay = true;
        }

        new Thread(() =>
        {
            if (tlsOptions is null)
            {
                EchoBlocking(connection);
            }
            else
            {
                RawTls.EchoBlocking(connection, tlsOptions);
            }
        }) { IsBackground = true }.Start();
    }
}

static void EchoBlocking(Socket connection)
{
    using (connection)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = connection.Receive(buffer)) > 0)
            {
                connection.Send(buffer.AsSpan(0, read));
            }
        }
        catch (SocketException)
        {
        }
    }
}

async Task AcceptAsync()
{
    while (!stopping.IsCancellationRequested)
    {
        Socket connection;
        try
        {
            connection = await listener.AcceptAsync(stopping.Token);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            return;
        }

        if (connection.AddressFamily != AddressFamily.Unix)
        {
            connection.NoDelay = true;
        }

        _ = tlsOptions is null ? EchoAsync(connection) : RawTls.EchoAsync(connection, tlsOptions);
    }
}

static async Task EchoAsync(Socket connection)
{
    using (connection)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (SocketException)
        {
        }
    }
}
