using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer;

/// <summary>
/// Serves a stream server's connections over TLS: list it in the server's attribute,
/// <c>[SocketServer(Tcp, Threading, typeof(TlsMixIn), Handler = typeof(EchoHandler))]</c>, give it a certificate
/// (<c>server.TlsMixIn.LoadPemCertificate("cert.pem", "key.pem")</c>) before serving, and the handler's <c>RFile</c>,
/// <c>WFile</c> and <c>RequestStream</c> carry the decrypted bytes. Works with TCP and Unix stream servers and with every
/// concurrency: Sync, Threading, Forking and Async.
/// </summary>
/// <remarks>
/// <para>
/// The handshake is the request's <see cref="BaseServer.CreateRequestStream"/> step: it runs where the request runs — on
/// the request's thread (Threading), in its child process (Forking), as its task (Async), never on the serving loop of
/// those servers. On a Sync server the loop is where requests run, so a slow handshake holds the loop as a slow request
/// does; bound it with <see cref="HandshakeTimeout"/>.
/// </para>
/// <para>
/// A handshake that fails (the client spoke something other than TLS, offered no protocol version or cipher in common,
/// sent no acceptable client certificate) or does not finish within <see cref="HandshakeTimeout"/> throws a
/// <see cref="TlsHandshakeException"/> that names the client and the cause; it reaches <see cref="BaseServer.HandleError"/>,
/// the connection is closed and the server goes on. The handler does not run for that connection.
/// </para>
/// <para>
/// Set the options before <c>ServeForever()</c> and do not change them while serving. A Forking server's children run
/// the program again, so the options set there (and the certificate files) apply in each child.
/// </para>
/// <para>
/// The server's <c>socketserver.io</c> metric counts the bytes on the connection: over TLS, the encrypted bytes, the
/// handshake included.
/// </para>
/// </remarks>
public class TlsMixIn : ServerMixIn
{
    private readonly ConcurrentDictionary<X509Certificate2, SslStreamCertificateContext> _contexts = new();
    private TimeSpan _handshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The server's certificate, with its private key: the one sent to a client whose requested host name (SNI) has no
    /// entry in <see cref="CertificatesByHostName"/>, or that requested none. Set it, or call
    /// <see cref="LoadPemCertificate"/> or <see cref="LoadPfxCertificate"/>.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Certificates chosen by the host name the client asks for (TLS's Server Name Indication), ignoring case. A key
    /// <c>*.example.com</c> answers any single label in its place (<c>www.example.com</c>, not <c>example.com</c>). A
    /// host name with no entry gets <see cref="Certificate"/>.
    /// </summary>
    public IDictionary<string, X509Certificate2> CertificatesByHostName { get; } =
        new Dictionary<string, X509Certificate2>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The application protocols the server accepts (ALPN), in order of preference, e.g.
    /// <see cref="SslApplicationProtocol.Http11"/>. Empty (the default): no ALPN. A handler reads the one agreed on from
    /// <c>((SslStream)RequestStream).NegotiatedApplicationProtocol</c>.
    /// </summary>
    public IList<SslApplicationProtocol> ApplicationProtocols { get; } = new List<SslApplicationProtocol>();

    /// <summary>Whether clients are asked for a certificate, and must present one. <see cref="TlsClientCertificateMode.None"/> by default.</summary>
    public TlsClientCertificateMode ClientCertificateMode { get; set; }

    /// <summary>
    /// The certificate authorities a client certificate must chain to. Empty (the default): the system's trusted roots.
    /// Used by the default validation only, not by a <see cref="ClientCertificateValidation"/> of your own.
    /// </summary>
    public X509Certificate2Collection ClientCertificateAuthorities { get; } = [];

    /// <summary>
    /// Decides whether a client's certificate is accepted, in place of the default validation (which accepts a certificate
    /// that chains to <see cref="ClientCertificateAuthorities"/>, or to the system's roots, without errors, and a missing one
    /// only when <see cref="ClientCertificateMode"/> is <see cref="TlsClientCertificateMode.Optional"/>). The certificate is
    /// <see langword="null"/> when the client sent none. Runs during the handshake, on the request's thread or task.
    /// </summary>
    public RemoteCertificateValidationCallback? ClientCertificateValidation { get; set; }

    /// <summary>
    /// The TLS versions the server accepts, e.g. <c>SslProtocols.Tls12 | SslProtocols.Tls13</c>.
    /// <see cref="SslProtocols.None"/> (the default) lets the system choose: TLS 1.2 and 1.3 on current systems.
    /// </summary>
    public SslProtocols EnabledProtocols { get; set; }

    /// <summary>
    /// How long a client has from connecting to the end of the handshake: 10 seconds by default. A client that sends
    /// nothing, or too slowly, is dropped with a <see cref="TlsHandshakeException"/> when it passes.
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits without limit (a silent client then holds its thread, child or task,
    /// and on a Sync server the loop, until it closes).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative, and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        set
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The handshake timeout is positive, or Timeout.InfiniteTimeSpan for none.");
            }

            _handshakeTimeout = value;
        }
    }

    /// <summary>Sets <see cref="Certificate"/> from PEM files: the certificate (its chain may follow it) and its private key.</summary>
    /// <param name="certificatePath">The PEM certificate file.</param>
    /// <param name="keyPath">The PEM private key file (PKCS#8, RSA or EC), unencrypted.</param>
    /// <returns>The certificate loaded.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A file does not hold what it should, or the key does not match.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public X509Certificate2 LoadPemCertificate(string certificatePath, string keyPath) =>
        Certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    /// <summary>Sets <see cref="Certificate"/> from a PKCS#12 (PFX) file holding the certificate and its private key.</summary>
    /// <param name="path">The PFX file.</param>
    /// <param name="password">Its password, or <see langword="null"/> for none.</param>
    /// <returns>The certificate loaded.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file is not a PFX, or the password is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public X509Certificate2 LoadPfxCertificate(string path, string? password = null) =>
        Certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);

    /// <summary>Opens the connection's stream, then authenticates as the server over it, on the calling thread.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <returns>The authenticated <see cref="SslStream"/>.</returns>
    /// <exception cref="TlsHandshakeException">The handshake failed or timed out.</exception>
    public override Stream CreateRequestStream(object request, EndPoint? clientAddress)
    {
        Stream connection = base.CreateRequestStream(request, clientAddress);

        // SslStream's handshake is asynchronous at heart; waiting for it here keeps it on the request's own thread (or
        // the Sync server's loop), bounded by the same deadline as the asynchronous path.
        return AuthenticateAsync(connection, clientAddress, Server.StoppingToken).GetAwaiter().GetResult();
    }

    /// <summary>Opens the connection's stream, then authenticates as the server over it, without blocking a thread.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>The authenticated <see cref="SslStream"/>.</returns>
    /// <exception cref="TlsHandshakeException">The handshake failed or timed out.</exception>
    public override async ValueTask<Stream> CreateRequestStreamAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken)
    {
        Stream connection = await base.CreateRequestStreamAsync(request, clientAddress, cancellationToken).ConfigureAwait(false);
        return await AuthenticateAsync(connection, clientAddress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The handshake's options for a client that asked for <paramref name="hostName"/>: the certificate for it, the client
    /// certificate policy, the protocols. Override to set more (cipher suites, a certificate chosen otherwise); call
    /// <c>base</c> and change what it returns, or build your own.
    /// </summary>
    /// <param name="hostName">The host name the client asked for (SNI), or <c>""</c> if it asked for none.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <returns>A new options object for this handshake.</returns>
    /// <exception cref="InvalidOperationException">No certificate answers the host name.</exception>
    protected virtual SslServerAuthenticationOptions CreateAuthenticationOptions(string hostName, EndPoint? clientAddress)
    {
        X509Certificate2 certificate = SelectCertificate(hostName);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _contexts.GetOrAdd(certificate, static c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true)),
            EnabledSslProtocols = EnabledProtocols,
            ClientCertificateRequired = ClientCertificateMode != TlsClientCertificateMode.None,
            RemoteCertificateValidationCallback = ValidateClientCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (ApplicationProtocols.Count > 0)
        {
            options.ApplicationProtocols = [.. ApplicationProtocols];
        }

        if (ClientCertificateAuthorities.Count > 0)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(ClientCertificateAuthorities);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }

    private X509Certificate2 SelectCertificate(string hostName)
    {
        if (hostName.Length > 0 && CertificatesByHostName.Count > 0)
        {
            if (CertificatesByHostName.TryGetValue(hostName, out X509Certificate2? exact))
            {
                return exact;
            }

            int dot = hostName.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && CertificatesByHostName.TryGetValue(string.Concat("*", hostName.AsSpan(dot)), out X509Certificate2? wildcard))
            {
                return wildcard;
            }
        }

        return Certificate ?? throw new InvalidOperationException(
            $"{GetType().Name} has no certificate for {(hostName.Length > 0 ? $"the host name \"{hostName}\"" : "a client that names no host")}: " +
            "set Certificate (or call LoadPemCertificate or LoadPfxCertificate) before serving, or add the host name to CertificatesByHostName.");
    }

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (ClientCertificateValidation is { } validate)
        {
            return validate(sender, certificate, chain, errors);
        }

        return certificate is null ? ClientCertificateMode != TlsClientCertificateMode.Required : errors == SslPolicyErrors.None;
    }

    private async Task<Stream> AuthenticateAsync(Stream connection, EndPoint? clientAddress, CancellationToken stopping)
    {
        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(
                static (_, hello, state, _) =>
                {
                    var (mixIn, client) = ((TlsMixIn, EndPoint?))state!;
                    return new ValueTask<SslServerAuthenticationOptions>(mixIn.CreateAuthenticationOptions(hello.ServerName ?? string.Empty, client));
                },
                (this, clientAddress),
                deadline.Token).ConfigureAwait(false);
            return tls;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new TlsHandshakeException(
                $"The TLS handshake with {Describe(clientAddress)} did not finish within {GetType().Name}.HandshakeTimeout " +
                $"({HandshakeTimeout.TotalSeconds:0.###} s): the client sent no ClientHello, or too slowly. The connection is closed.");
        }
        catch (Exception failure) when (failure is AuthenticationException or IOException or InvalidOperationException or NotSupportedException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new TlsHandshakeException($"The TLS handshake with {Describe(clientAddress)} failed: {Cause(failure)} The connection is closed.", failure);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Describe(EndPoint? clientAddress) => clientAddress?.ToString() is { Length: > 0 } address ? address : "an unnamed client";

    /// <summary>The innermost message worth reading: .NET wraps OpenSSL's reason in one or two general exceptions.</summary>
    private static string Cause(Exception failure)
    {
        var parts = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            string message = e.Message.TrimEnd();
            if (message.Length > 0 && !parts.Contains(message))
            {
                parts.Add(message.EndsWith('.') ? message : message + ".");
            }
        }

        return string.Join(" ", parts);
    }
}
