// The load generator's TLS client (--tls): SslStream over each connection, TLS 1.3 only, and no certificate validation,
// because every server under test presents the same self-signed certificate that bench/tls.py made for the run. TLS
// resumption is off: every connection runs a full handshake, so the handshake scenario measures what a new client costs
// (.NET's client would otherwise resume its session with the same server).
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

internal static class TlsClient
{
    private static readonly SslClientAuthenticationOptions Options = new()
    {
        TargetHost = "localhost",
        EnabledSslProtocols = SslProtocols.Tls13,
        AllowTlsResume = false,
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
    };

    /// <summary>Runs the client handshake on a connected socket; the stream owns the socket. Anything but TLS 1.3 is an error,
    /// so that every figure is of the same protocol.</summary>
    public static async Task<SslStream> AuthenticateAsync(Socket socket, CancellationToken cancellationToken)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(Options, cancellationToken);
            if (stream.SslProtocol != SslProtocols.Tls13)
            {
                throw new AuthenticationException($"the server negotiated {stream.SslProtocol}, not TLS 1.3.");
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Handshakes on every socket, at most 64 at once (as they were opened), within 60 s.</summary>
    public static async Task<SslStream[]> AuthenticateAllAsync(Socket[] sockets)
    {
        var streams = new SslStream[sockets.Length];
        using var handshaking = new SemaphoreSlim(64);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(sockets.Select(async (socket, i) =>
        {
            await handshaking.WaitAsync(timeout.Token);
            try
            {
                streams[i] = await AuthenticateAsync(socket, timeout.Token);
            }
            finally
            {
                handshaking.Release();
            }
        }));
        return streams;
    }

    /// <summary>The negotiated protocol and cipher suite, for the figures.</summary>
    public static (string, object)[] Describe(SslStream stream) =>
        [("tls", stream.SslProtocol.ToString()), ("cipher", stream.NegotiatedCipherSuite.ToString())];
}
