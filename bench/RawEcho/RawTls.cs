// RawEcho --tls: the same echo behind an SslStream, as a .NET developer would write it by hand: the certificate from
// PEM files once, one SslStreamCertificateContext for every connection, the system's TLS versions (1.2 and 1.3; the
// load generator asks for 1.3), and the same loops over the decrypted stream.
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

internal static class RawTls
{
    public static SslServerAuthenticationOptions Options(string certificate, string key)
    {
        X509Certificate2 loaded = X509Certificate2.CreateFromPemFile(certificate, key);
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(loaded, additionalCertificates: null, offline: true),
        };
    }

    /// <summary>A thread per connection: the handshake, then blocking Read/Write with a 64 KiB buffer.</summary>
    public static void EchoBlocking(Socket connection, SslServerAuthenticationOptions options)
    {
        using var tls = new SslStream(new NetworkStream(connection, ownsSocket: true));
        var buffer = new byte[64 * 1024];
        try
        {
            using (var handshake = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                tls.AuthenticateAsServerAsync(options, handshake.Token).GetAwaiter().GetResult();
            }

            int read;
            while ((read = tls.Read(buffer)) > 0)
            {
                tls.Write(buffer.AsSpan(0, read));
            }
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
        }
    }

    /// <summary>A task per connection: the handshake, then ReadAsync/WriteAsync with a 64 KiB buffer.</summary>
    public static async Task EchoAsync(Socket connection, SslServerAuthenticationOptions options)
    {
        await using var tls = new SslStream(new NetworkStream(connection, ownsSocket: true));
        var buffer = new byte[64 * 1024];
        try
        {
            using (var handshake = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                await tls.AuthenticateAsServerAsync(options, handshake.Token);
            }

            int read;
            while ((read = await tls.ReadAsync(buffer)) > 0)
            {
                await tls.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
        }
    }
}
