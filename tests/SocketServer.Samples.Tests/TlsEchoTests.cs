using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SocketServer.Samples.Tests;

/// <summary>
/// samples/TlsEcho against TLS peers nobody here wrote: Debian's <c>openssl s_client</c> and Python's <c>ssl</c> module.
/// Certificates are made in the test (CertificateRequest) and written as PEM files to a temporary directory.
/// </summary>
public sealed class TlsEchoTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tlsecho-").FullName;
    private readonly PemPair _localhost;
    private readonly PemPair _a;
    private readonly PemPair _b;
    private readonly string _trusted;

    public TlsEchoTests()
    {
        _localhost = SelfSigned("localhost");
        _a = SelfSigned("a.test");
        _b = SelfSigned("b.test");
        _trusted = Path.Combine(_directory, "trusted.pem");
        File.WriteAllText(_trusted, string.Join("\n", _localhost.CertificatePem, _a.CertificatePem, _b.CertificatePem) + "\n");
    }

    public static TheoryData<string> Concurrencies => ["threading", "async", "forking"];

    [Theory]
    [MemberData(nameof(Concurrencies))]
    public void Openssl_s_client_gets_its_lines_echoed(string concurrency)
    {
        using ChildProcess server = Start(concurrency);
        int port = server.ReadListeningPort();
        using ChildProcess openssl = ChildProcess.Start(
            "openssl", "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-CAfile", _trusted, "-verify_return_error", "-quiet");
        openssl.WriteLine("hello from openssl");
        Assert.Equal("hello from openssl", openssl.ReadLine());
        openssl.WriteLine("and again");
        Assert.Equal("and again", openssl.ReadLine());
    }

    [Theory]
    [MemberData(nameof(Concurrencies))]
    public void Python_ssl_gets_a_short_message_and_a_MiB_echoed(string concurrency)
    {
        using ChildProcess server = Start(concurrency);
        int port = server.ReadListeningPort();
        Assert.StartsWith("ok TLSv1.3 ", Peer("echo", port.ToString(), _trusted, "localhost", "5"));
        Assert.Equal($"ok TLSv1.3 {_localhost.Sha256}", Peer("echo", port.ToString(), _trusted, "localhost", (1024 * 1024).ToString()));
    }

    [Fact]
    public void SNI_picks_the_certificate_of_the_host_name_asked_for()
    {
        using ChildProcess server = Start("threading", "--sni", $"a.test={_a.CertificatePath},{_a.KeyPath}", "--sni", $"b.test={_b.CertificatePath},{_b.KeyPath}");
        int port = server.ReadListeningPort();
        Assert.Equal($"ok TLSv1.3 {_a.Sha256}", Peer("echo", port.ToString(), _trusted, "a.test", "5"));
        Assert.Equal($"ok TLSv1.3 {_b.Sha256}", Peer("echo", port.ToString(), _trusted, "b.test", "5"));
        Assert.Equal($"ok TLSv1.3 {_localhost.Sha256}", Peer("echo", port.ToString(), _trusted, "localhost", "5"));

        using ChildProcess openssl = ChildProcess.Start(
            "openssl", "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "b.test", "-CAfile", _trusted, "-verify_return_error", "-quiet");
        openssl.WriteLine("sni");
        Assert.Equal("sni", openssl.ReadLine());
        Assert.Contains("CN = b.test", openssl.WaitForStandardError("CN = b.test", "the certificate openssl was sent"));
    }

    [Fact]
    public void TLS_1_3_and_1_2_negotiate_and_TLS_1_0_is_refused()
    {
        using ChildProcess server = Start("threading");
        int port = server.ReadListeningPort();
        Assert.StartsWith("ok TLSv1.3 ", Peer("echo", port.ToString(), _trusted, "localhost", "5", "--version", "1.3"));
        Assert.StartsWith("ok TLSv1.2 ", Peer("echo", port.ToString(), _trusted, "localhost", "5", "--version", "1.2"));
        Assert.StartsWith("refused ", Peer("echo", port.ToString(), _trusted, "localhost", "5", "--version", "1.0"));

        var (exitCode, _, _) = ChildProcess.Run(ChildProcess.Start(
            "openssl", "s_client", "-connect", $"127.0.0.1:{port}", "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0", "-CAfile", _trusted));
        Assert.NotEqual(0, exitCode);

        server.WaitForStandardError("The TLS handshake with 127.0.0.1:", "the refused handshake reported");
        Assert.StartsWith("ok TLSv1.3 ", Peer("echo", port.ToString(), _trusted, "localhost", "5"));
    }

    [Fact]
    public void A_client_without_the_required_certificate_is_refused_and_the_server_goes_on()
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=TlsEcho test client CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using X509Certificate2 authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string authorityPath = Path.Combine(_directory, "client-ca.pem");
        File.WriteAllText(authorityPath, authority.ExportCertificatePem());

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=alice", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using X509Certificate2 client = clientRequest.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        string clientCertificate = Path.Combine(_directory, "alice.pem");
        string clientKeyPath = Path.Combine(_directory, "alice.key");
        File.WriteAllText(clientCertificate, client.ExportCertificatePem());
        File.WriteAllText(clientKeyPath, clientKey.ExportPkcs8PrivateKeyPem());

        using ChildProcess server = Start("threading", "--client-ca", authorityPath);
        int port = server.ReadListeningPort();
        Assert.StartsWith("refused ", Peer("echo", port.ToString(), _trusted, "localhost", "5"));
        server.WaitForStandardError("The TLS handshake with 127.0.0.1:", "the refused client reported");
        Assert.StartsWith("refused ", Peer("echo", port.ToString(), _trusted, "localhost", "5", "--cert", _a.CertificatePath, "--key", _a.KeyPath));
        Assert.StartsWith("ok TLSv1.3 ", Peer("echo", port.ToString(), _trusted, "localhost", "5", "--cert", clientCertificate, "--key", clientKeyPath));
    }

    [Theory]
    [InlineData("threading")]
    [InlineData("async")]
    [InlineData("forking")]
    public void A_client_that_never_sends_a_ClientHello_is_dropped_after_the_handshake_timeout_while_others_are_served(string concurrency)
    {
        using ChildProcess server = Start(concurrency, "--handshake-timeout", "3");
        int port = server.ReadListeningPort();
        using ChildProcess silent = ChildProcess.Python(PeerScript, "silent", port.ToString());
        Assert.Equal("connected", silent.ReadLine());

        Assert.StartsWith("ok TLSv1.3 ", Peer("echo", port.ToString(), _trusted, "localhost", (64 * 1024).ToString()));

        Assert.Equal("closed", silent.ReadLine());
        server.WaitForStandardError("did not finish within TlsMixIn.HandshakeTimeout (3 s)", "the silent client's timeout reported");
        Assert.StartsWith("ok TLSv1.3 ", Peer("echo", port.ToString(), _trusted, "localhost", "5"));
    }

    [Theory]
    [MemberData(nameof(Concurrencies))]
    public void Plain_text_sent_to_the_TLS_port_is_refused_and_the_server_goes_on(string concurrency)
    {
        using ChildProcess server = Start(concurrency);
        int port = server.ReadListeningPort();
        Assert.StartsWith("closed ", Peer("plain", port.ToString()));
        Assert.Contains(" failed: ", server.WaitForStandardError("The TLS handshake with 127.0.0.1:", "the plain-text client reported"));
        Assert.StartsWith("ok TLSv1.3 ", Peer("echo", port.ToString(), _trusted, "localhost", "5"));
    }

    [Theory]
    [InlineData("threading")]
    [InlineData("async")]
    public void A_thousand_handshakes_in_a_row_leak_no_descriptors_and_keep_memory_bounded(string concurrency)
    {
        using ChildProcess server = Start(concurrency);
        int port = server.ReadListeningPort();
        Assert.Equal("ok 100", Peer("handshakes", port.ToString(), _trusted, "100")); // warm up: code loaded, pools filled
        int descriptorsBefore = Descriptors(server.Id);
        long rssBefore = ResidentKiB(server.Id);

        Assert.Equal("ok 1000", Peer("handshakes", port.ToString(), _trusted, "1000"));

        int descriptorsAfter = Descriptors(server.Id);
        long rssAfter = ResidentKiB(server.Id);
        Console.WriteLine($"TlsEcho {concurrency}: 1,000 handshakes: descriptors {descriptorsBefore} -> {descriptorsAfter}, VmRSS {rssBefore} -> {rssAfter} KiB");
        Assert.True(descriptorsAfter <= descriptorsBefore + 2, $"Descriptors went from {descriptorsBefore} to {descriptorsAfter}.");
        Assert.True(rssAfter < rssBefore + 64 * 1024, $"VmRSS went from {rssBefore} KiB to {rssAfter} KiB.");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string PeerScript => Path.Combine(AppContext.BaseDirectory, "Tls", "tls_peer.py");

    private ChildProcess Start(string concurrency, params string[] more) => ChildProcess.Sample(
        "TlsEcho", ["--cert", _localhost.CertificatePath, "--key", _localhost.KeyPath, "--concurrency", concurrency, "--host", "127.0.0.1", "--port", "0", .. more]);

    private static string Peer(params string[] arguments)
    {
        var (_, output, errors) = ChildProcess.Run(ChildProcess.Python([PeerScript, .. arguments]));
        Assert.True(output.Length > 0, $"The Python peer printed nothing. stderr: {errors}");
        return output[0];
    }

    private static int Descriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    private static long ResidentKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    private PemPair SelfSigned(string hostName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string certificatePath = Path.Combine(_directory, hostName + ".pem");
        string keyPath = Path.Combine(_directory, hostName + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new PemPair(certificatePath, keyPath, certificate.ExportCertificatePem(), Convert.ToHexString(SHA256.HashData(certificate.RawData)));
    }

    private sealed record PemPair(string CertificatePath, string KeyPath, string CertificatePem, string Sha256);
}
