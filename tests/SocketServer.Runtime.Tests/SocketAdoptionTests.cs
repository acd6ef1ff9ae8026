namespace SocketServer.Tests;

/// <summary>TcpServer.AdoptSocket and SocketActivation: serving a socket someone else bound.</summary>
public class SocketAdoptionTests
{
    [Fact]
    public void A_bound_socket_that_is_not_listening_yet_is_adopted_listened_on_and_served()
    {
        var bound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(Servers.LoopbackAny);
        using var server = new ThreadingTcpServer(new IPEndPoint(IPAddress.Any, 1), Servers.UpperCase(Transport.Tcp), bindAndActivate: false);
        server.AdoptSocket(bound);
        Assert.Same(bound, server.Socket);
        Assert.Equal(bound.LocalEndPoint, server.ServerAddress);
        using (Serving.Start(server))
        {
            Assert.Equal("ADOPTED\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "adopted\n"));
        }

        Assert.Throws<ObjectDisposedException>(() => bound.Listen());
    }

    [Fact]
    public void A_listening_unix_socket_is_adopted_with_its_path()
    {
        string path = TempPaths.NewSocketPath();
        var listening = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listening.Bind(new UnixDomainSocketEndPoint(path));
        listening.Listen();
        using var server = new ThreadingUnixStreamServer(TempPaths.NewSocketPath(), Servers.UpperCase(Transport.UnixStream), bindAndActivate: false);
        server.AdoptSocket(listening);
        Assert.Equal(path, server.ServerAddress.ToString());
        using (Serving.Start(server))
        {
            Assert.Equal("UNIX\n", Clients.ExchangeText(Transport.UnixStream, server.ServerAddress, "unix\n"));
        }
    }

    [Fact]
    public void Adopting_the_wrong_kind_of_socket_says_what_is_wrong()
    {
        using var tcp = new ThreadingTcpServer(Servers.LoopbackAny, Servers.UpperCase(Transport.Tcp), bindAndActivate: false);
        using var datagram = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        datagram.Bind(Servers.LoopbackAny);
        Assert.Contains("serves Stream sockets, but the socket to adopt is a Dgram socket", Assert.Throws<ArgumentException>(() => tcp.AdoptSocket(datagram)).Message, StringComparison.Ordinal);

        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        Assert.Contains("serves IP sockets", Assert.Throws<ArgumentException>(() => tcp.AdoptSocket(unix)).Message, StringComparison.Ordinal);

        using var unbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Contains("not bound", Assert.Throws<ArgumentException>(() => tcp.AdoptSocket(unbound)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => tcp.AdoptSocket(null!));

        using var bound = new ThreadingTcpServer(Servers.LoopbackAny, Servers.UpperCase(Transport.Tcp));
        using var another = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        another.Bind(Servers.LoopbackAny);
        Assert.Contains("bindAndActivate: false", Assert.Throws<InvalidOperationException>(() => bound.AdoptSocket(another)).Message, StringComparison.Ordinal);

        bound.ServerClose();
        Assert.Throws<ObjectDisposedException>(() => bound.AdoptSocket(another));
    }

    [Fact]
    public void Socket_activation_variables_meant_for_another_process_are_ignored_and_removed()
    {
        Environment.SetEnvironmentVariable("LISTEN_PID", (Environment.ProcessId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("LISTEN_FDS", "1");
        Assert.Empty(SocketActivation.TakeListeningSockets());
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_PID"));
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_FDS"));
        Assert.Empty(SocketActivation.TakeListeningSockets());
    }
}
