using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SocketServer.Tests;

/// <summary>A TlsMixIn that records the thread each handshake started on (the request's stream step).</summary>
public sealed class ProbedTlsMixIn : TlsMixIn
{
    private readonly List<Thread> _threads = [];

    public Thread[] HandshakeThreads { get { lock (_threads) { return [.. _threads]; } } }

    public override Stream CreateRequestStream(object request, EndPoint? clientAddress)
    {
        Record();
        return base.CreateRequestStream(request, clientAddress);
    }

    public override ValueTask<Stream> CreateRequestStreamAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken)
    {
        Record();
        return base.CreateRequestStreamAsync(request, clientAddress, cancellationToken);
    }

    private void Record()
    {
        lock (_threads)
        {
            _threads.Add(Thread.CurrentThread);
        }
    }
}

/// <summary>Keeps what reaches HandleError instead of printing it.</summary>
public sealed class ErrorsMixIn : ServerMixIn
{
    private readonly System.Collections.Concurrent.BlockingCollection<Exception> _errors = [];

    public Exception NextError()
    {
        Assert.True(_errors.TryTake(out Exception? error, Bounded.Limit), "Timed out waiting for HandleError.");
        return error;
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception) => _errors.Add(exception);
}

/// <summary>Writes back the TLS version and application protocol the handler's stream negotiated, then echoes lines upper-cased.</summary>
public sealed class TlsInfoHandler : StreamRequestHandler
{
    public override void Handle()
    {
        var tls = (SslStream)RequestStream;
        WFile.Write(Encoding.ASCII.GetBytes($"{tls.SslProtocol} {tls.NegotiatedApplicationProtocol} {tls.RemoteCertificate?.Subject}\n"));
        foreach (byte[] line in RFile.ReadLines())
        {
            WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()));
        }
    }
}

[SocketServer(Transport.Tcp, Concurrency.Sync, typeof(ErrorsMixIn), typeof(ProbedTlsMixIn), Handler = typeof(UpperCaseLinesHandler))]
public partial class TlsSyncServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(ErrorsMixIn), typeof(ProbedTlsMixIn), Handler = typeof(UpperCaseLinesHandler))]
public partial class TlsThreadingServer;

[SocketServer(Transport.Tcp, Concurrency.Async, typeof(ErrorsMixIn), typeof(ProbedTlsMixIn), Handler = typeof(AsyncUpperCaseLinesHandler))]
public partial class TlsAsyncServer;

[SocketServer(Transport.UnixStream, Concurrency.Threading, typeof(ErrorsMixIn), typeof(ProbedTlsMixIn), Handler = typeof(UpperCaseLinesHandler))]
public partial class TlsUnixThreadingServer;

[SocketServer(Transport.UnixStream, Concurrency.Async, typeof(ErrorsMixIn), typeof(ProbedTlsMixIn), Handler = typeof(AsyncUpperCaseLinesHandler))]
public partial class TlsUnixAsyncServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(ErrorsMixIn), typeof(TlsMixIn), Handler = typeof(TlsInfoHandler))]
public partial class TlsInfoServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(ErrorsMixIn), typeof(TlsMixIn))]
public partial class TlsThreadingAnyHandlerServer;

[SocketServer(Transport.Tcp, Concurrency.Async, typeof(ErrorsMixIn), typeof(TlsMixIn))]
public partial class TlsAsyncAnyHandlerServer;

/// <summary>TlsMixIn with each concurrency and transport, against .NET's SslStream as the client.</summary>
public class TlsMixInTests
{
    private static readonly X509Certificate2 LocalhostCertificate = TestCertificates.Server("localhost");

    public static TheoryData<string> Kinds => ["tcp-sync", "tcp-threading", "tcp-async", "unix-threading", "unix-async"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Lines_are_echoed_over_TLS_and_the_handshake_runs_where_the_request_runs(string kind)
    {
        using BaseServer server = Create(kind);
        ProbedTlsMixIn tls = TlsOf(server);
        tls.Certificate = LocalhostCertificate;
        using (var serving = Serving.Start(server))
        {
            using (SslStream client = Connect(server.ServerAddress))
            {
                Assert.Equal(LocalhostCertificate.Thumbprint, client.RemoteCertificate!.GetCertHashString());
                Assert.Equal("HELLO OVER TLS\n", Exchange(client, "hello over tls\n"));
                Assert.Equal("TWICE\n", Exchange(client, "twice\n"));
            }

            Thread handshake = Assert.Single(tls.HandshakeThreads);
            if (kind.EndsWith("sync", StringComparison.Ordinal) && !kind.EndsWith("async", StringComparison.Ordinal))
            {
                Assert.Same(serving.Thread, handshake); // a Sync server's requests, handshake included, run on its loop
            }
            else
            {
                Assert.NotSame(serving.Thread, handshake);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Plain_text_sent_to_the_TLS_port_fails_the_handshake_with_a_clear_error_and_the_server_goes_on(string kind)
    {
        using BaseServer server = Create(kind);
        TlsOf(server).Certificate = LocalhostCertificate;
        using (Serving.Start(server))
        {
            using (Socket plain = ConnectRaw(server.ServerAddress))
            {
                plain.Send("GET / HTTP/1.0\r\n\r\n"u8);
                ReadUntilClosed(plain);
            }

            var error = Assert.IsType<TlsHandshakeException>(ErrorsOf(server).NextError());
            Assert.StartsWith("The TLS handshake with ", error.Message);
            Assert.Contains(" failed: ", error.Message);

            using SslStream client = Connect(server.ServerAddress);
            Assert.Equal("STILL SERVING\n", Exchange(client, "still serving\n"));
        }
    }

    [Theory]
    [InlineData("tcp-threading")]
    [InlineData("tcp-async")]
    public void A_client_that_never_sends_a_ClientHello_is_dropped_after_the_handshake_timeout_while_others_are_served(string kind)
    {
        using BaseServer server = Create(kind);
        TlsOf(server).Certificate = LocalhostCertificate;
        TlsOf(server).HandshakeTimeout = TimeSpan.FromSeconds(2);
        using (Serving.Start(server))
        {
            using Socket silent = ConnectRaw(server.ServerAddress);
            using (SslStream client = Connect(server.ServerAddress))
            {
                Assert.Equal("SERVED\n", Exchange(client, "served\n"));
            }

            Assert.Equal(0, ReadUntilClosed(silent)); // the server closed it: nothing was ever sent back
            var error = Assert.IsType<TlsHandshakeException>(ErrorsOf(server).NextError());
            Assert.Contains("did not finish within ProbedTlsMixIn.HandshakeTimeout (2 s)", error.Message);
        }
    }

    [Fact]
    public void The_certificate_is_chosen_by_the_host_name_the_client_asks_for()
    {
        X509Certificate2 a = TestCertificates.Server("a.test");
        X509Certificate2 b = TestCertificates.Server("b.test");
        using var server = new TlsThreadingServer(Servers.LoopbackAny);
        server.ProbedTlsMixIn.Certificate = LocalhostCertificate;
        server.ProbedTlsMixIn.CertificatesByHostName["a.test"] = a;
        server.ProbedTlsMixIn.CertificatesByHostName["*.b.test"] = b;
        using (Serving.Start(server))
        {
            Assert.Equal(a.Thumbprint, ServerCertificateFor(server.ServerAddress, "A.test"));
            Assert.Equal(b.Thumbprint, ServerCertificateFor(server.ServerAddress, "www.b.test"));
            Assert.Equal(LocalhostCertificate.Thumbprint, ServerCertificateFor(server.ServerAddress, "b.test"));
            Assert.Equal(LocalhostCertificate.Thumbprint, ServerCertificateFor(server.ServerAddress, "other.test"));
        }
    }

    [Fact]
    public void Without_a_certificate_for_the_host_the_handshake_fails_saying_what_to_set()
    {
        using var server = new TlsThreadingServer(Servers.LoopbackAny);
        using (Serving.Start(server))
        {
            Assert.ThrowsAny<Exception>(() => Connect(server.ServerAddress).Dispose());
            var error = Assert.IsType<TlsHandshakeException>(server.ErrorsMixIn.NextError());
            Assert.Contains("has no certificate for the host name \"localhost\": set Certificate", error.Message);
        }
    }

    [Fact]
    public void The_application_protocol_is_negotiated_and_the_handler_sees_it()
    {
        using var server = new TlsInfoServer(Servers.LoopbackAny);
        server.TlsMixIn.Certificate = LocalhostCertificate;
        server.TlsMixIn.ApplicationProtocols.Add(new SslApplicationProtocol("x-echo"));
        using (Serving.Start(server))
        {
            using SslStream client = Connect(server.ServerAddress, options => options.ApplicationProtocols = [new("x-other"), new("x-echo")]);
            Assert.Equal("x-echo", client.NegotiatedApplicationProtocol.ToString());
            Assert.EndsWith(" x-echo \n", ReadLine(client));
        }
    }

    [Fact]
    public void Only_the_enabled_protocol_versions_are_accepted()
    {
        using var server = new TlsInfoServer(Servers.LoopbackAny);
        server.TlsMixIn.Certificate = LocalhostCertificate;
        server.TlsMixIn.EnabledProtocols = SslProtocols.Tls12;
        using (Serving.Start(server))
        {
            using (SslStream client = Connect(server.ServerAddress))
            {
                Assert.Equal(SslProtocols.Tls12, client.SslProtocol);
                Assert.StartsWith("Tls12 ", ReadLine(client));
            }

            Assert.ThrowsAny<Exception>(() => Connect(server.ServerAddress, options => options.EnabledSslProtocols = SslProtocols.Tls13).Dispose());
            Assert.IsType<TlsHandshakeException>(server.ErrorsMixIn.NextError());
        }
    }

    [Fact]
    public void A_required_client_certificate_is_checked_against_the_given_authorities_and_a_client_without_one_is_refused()
    {
        X509Certificate2 authority = TestCertificates.Authority("Test Client CA");
        X509Certificate2 stranger = TestCertificates.Authority("Someone Else");
        using var server = new TlsInfoServer(Servers.LoopbackAny);
        server.TlsMixIn.Certificate = LocalhostCertificate;
        server.TlsMixIn.ClientCertificateMode = TlsClientCertificateMode.Required;
        server.TlsMixIn.ClientCertificateAuthorities.Add(authority);
        using (Serving.Start(server))
        {
            using (SslStream client = Connect(server.ServerAddress, options => options.ClientCertificates = [TestCertificates.Client("alice", authority)]))
            {
                Assert.EndsWith(" CN=alice\n", ReadLine(client));
            }

            Assert.False(Served(server.ServerAddress, options => { }));
            Assert.IsType<TlsHandshakeException>(server.ErrorsMixIn.NextError());
            Assert.False(Served(server.ServerAddress, options => options.ClientCertificates = [TestCertificates.Client("mallory", stranger)]));
            Assert.IsType<TlsHandshakeException>(server.ErrorsMixIn.NextError());

            using (SslStream client = Connect(server.ServerAddress, options => options.ClientCertificates = [TestCertificates.Client("bob", authority)]))
            {
                Assert.EndsWith(" CN=bob\n", ReadLine(client));
            }
        }
    }

    [Fact]
    public void An_optional_client_certificate_may_be_missing_and_a_validation_callback_decides_instead_of_the_default()
    {
        X509Certificate2 authority = TestCertificates.Authority("Test Client CA");
        using var server = new TlsInfoServer(Servers.LoopbackAny);
        server.TlsMixIn.Certificate = LocalhostCertificate;
        server.TlsMixIn.ClientCertificateMode = TlsClientCertificateMode.Optional;
        server.TlsMixIn.ClientCertificateValidation = (_, certificate, _, _) => certificate is null || certificate.Subject == "CN=carol";
        using (Serving.Start(server))
        {
            using (SslStream anonymous = Connect(server.ServerAddress))
            {
                Assert.EndsWith("  \n", ReadLine(anonymous));
            }

            using (SslStream carol = Connect(server.ServerAddress, options => options.ClientCertificates = [TestCertificates.Client("carol", authority)]))
            {
                Assert.EndsWith(" CN=carol\n", ReadLine(carol));
            }

            Assert.False(Served(server.ServerAddress, options => options.ClientCertificates = [TestCertificates.Client("dave", authority)]));
            Assert.IsType<TlsHandshakeException>(server.ErrorsMixIn.NextError());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_handlers_Timeout_bounds_reads_of_the_decrypted_stream(bool asynchronous)
    {
        var (server, errors, tls) = CreateWithHandler(
            asynchronous,
            () => new UpperCaseLinesHandler { Timeout = TimeSpan.FromMilliseconds(300) },
            () => new AsyncUpperCaseLinesHandler { Timeout = TimeSpan.FromMilliseconds(300) });
        using (server)
        {
            tls.Certificate = LocalhostCertificate;
            using (Serving.Start(server))
            {
                using SslStream client = Connect(server.ServerAddress);
                Assert.Equal("FIRST\n", Exchange(client, "first\n"));

                // The client now sends nothing: the handler's next read times out and the server closes the connection.
                Assert.Equal(string.Empty, ReadLine(client));
                Exception error = errors.NextError();
                Assert.True(error is IOException and not TlsHandshakeException, error.ToString());
                Assert.Contains(Causes(error), e => e is SocketException { SocketErrorCode: SocketError.TimedOut });
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_handlers_MaxLineLength_bounds_lines_of_the_decrypted_stream(bool asynchronous)
    {
        var (server, errors, tls) = CreateWithHandler(
            asynchronous,
            () => new UpperCaseLinesHandler { MaxLineLength = 100 },
            () => new AsyncUpperCaseLinesHandler { MaxLineLength = 100 });
        using (server)
        {
            tls.Certificate = LocalhostCertificate;
            using (Serving.Start(server))
            {
                using SslStream client = Connect(server.ServerAddress);
                Assert.Equal(new string('A', 99) + "\n", Exchange(client, new string('a', 99) + "\n"));
                client.Write(Encoding.ASCII.GetBytes(new string('b', 1000) + "\n"));
                Assert.Equal(string.Empty, ReadLine(client));
                Assert.IsType<SocketServer.IO.LineTooLongException>(errors.NextError());
            }
        }
    }

    [Fact]
    public void The_handshake_timeout_is_positive_or_infinite()
    {
        var tls = new TlsMixIn();
        Assert.Throws<ArgumentOutOfRangeException>(() => tls.HandshakeTimeout = TimeSpan.Zero);
        tls.HandshakeTimeout = Timeout.InfiniteTimeSpan;
        Assert.Equal(Timeout.InfiniteTimeSpan, tls.HandshakeTimeout);
    }

    private static BaseServer Create(string kind) => kind switch
    {
        "tcp-sync" => new TlsSyncServer(Servers.LoopbackAny),
        "tcp-threading" => new TlsThreadingServer(Servers.LoopbackAny),
        "tcp-async" => new TlsAsyncServer(Servers.LoopbackAny),
        "unix-threading" => new TlsUnixThreadingServer(TempPaths.NewSocketPath()),
        _ => new TlsUnixAsyncServer(TempPaths.NewSocketPath()),
    };

    private static (BaseServer Server, ErrorsMixIn Errors, TlsMixIn Tls) CreateWithHandler(
        bool asynchronous, Func<BaseRequestHandler> synchronousHandler, Func<BaseRequestHandler> asynchronousHandler)
    {
        if (asynchronous)
        {
            var server = new TlsAsyncAnyHandlerServer(Servers.LoopbackAny, asynchronousHandler);
            return (server, server.ErrorsMixIn, server.TlsMixIn);
        }

        var threading = new TlsThreadingAnyHandlerServer(Servers.LoopbackAny, synchronousHandler);
        return (threading, threading.ErrorsMixIn, threading.TlsMixIn);
    }

    private static ProbedTlsMixIn TlsOf(BaseServer server) => server switch
    {
        TlsSyncServer s => s.ProbedTlsMixIn,
        TlsThreadingServer s => s.ProbedTlsMixIn,
        TlsAsyncServer s => s.ProbedTlsMixIn,
        TlsUnixThreadingServer s => s.ProbedTlsMixIn,
        TlsUnixAsyncServer s => s.ProbedTlsMixIn,
        _ => throw new ArgumentException(server.GetType().Name),
    };

    private static ErrorsMixIn ErrorsOf(BaseServer server) => server switch
    {
        TlsSyncServer s => s.ErrorsMixIn,
        TlsThreadingServer s => s.ErrorsMixIn,
        TlsAsyncServer s => s.ErrorsMixIn,
        TlsUnixThreadingServer s => s.ErrorsMixIn,
        TlsUnixAsyncServer s => s.ErrorsMixIn,
        _ => throw new ArgumentException(server.GetType().Name),
    };

    private static IEnumerable<Exception> Causes(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static Socket ConnectRaw(EndPoint address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, address is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)Bounded.Limit.TotalMilliseconds,
        };
        socket.Connect(address);
        return socket;
    }

    /// <summary>Connects and authenticates as a client that trusts any server certificate (the tests check which one came).</summary>
    private static SslStream Connect(EndPoint address, Action<SslClientAuthenticationOptions>? configure = null, string host = "localhost")
    {
        Socket socket = ConnectRaw(address);
        var client = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false)
        {
            ReadTimeout = (int)Bounded.Limit.TotalMilliseconds,
        };
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        configure?.Invoke(options);
        try
        {
            Assert.True(client.AuthenticateAsClientAsync(options).Wait(Bounded.Limit), "Timed out in the client's handshake.");
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Whether a client gets an echo: in TLS 1.3 a refused client certificate shows only at the first read.</summary>
    private static bool Served(EndPoint address, Action<SslClientAuthenticationOptions> configure)
    {
        try
        {
            using SslStream client = Connect(address, configure);
            return ReadLine(client).Length > 0;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or AggregateException)
        {
            return false;
        }
    }

    private static string ServerCertificateFor(EndPoint address, string host)
    {
        using SslStream client = Connect(address, host: host);
        return client.RemoteCertificate!.GetCertHashString();
    }

    private static string Exchange(SslStream client, string line)
    {
        client.Write(Encoding.ASCII.GetBytes(line));
        return ReadLine(client);
    }

    private static string ReadLine(SslStream client)
    {
        var line = new StringBuilder();
        int b;
        while ((b = client.ReadByte()) >= 0)
        {
            line.Append((char)b);
            if (b == '\n')
            {
                break;
            }
        }

        return line.ToString();
    }

    private static int ReadUntilClosed(Socket socket)
    {
        int total = 0;
        var buffer = new byte[1024];
        try
        {
            int read;
            while ((read = socket.Receive(buffer)) > 0)
            {
                total += read;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with unread input: a reset is a close too.
        }

        return total;
    }
}
