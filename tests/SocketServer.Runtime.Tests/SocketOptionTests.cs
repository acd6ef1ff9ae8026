using SocketServer.Internal;

namespace SocketServer.Tests;

/// <summary>AllowReuseAddress, AllowReusePort and RequestQueueSize reach the socket (Linux readings).</summary>
public class SocketOptionTests
{
    [Fact]
    public void AllowReuseAddress_false_leaves_SO_REUSEADDR_unset_on_UDP_but_dotnet_sets_it_for_TCP()
    {
        using var udp = new UdpServer(Servers.LoopbackAny, () => new UpperCaseDatagramHandler());
        Assert.False(SocketOptions.IsReuseAddressEnabled(udp.Socket));

        // .NET's Socket.Bind sets SO_REUSEADDR on every non-UDP socket on Linux and macOS (so a restarted
        // server can bind while old connections are in TIME_WAIT, as on Windows). Documented in the README.
        using var tcp = new TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        Assert.True(SocketOptions.IsReuseAddressEnabled(tcp.Socket));
        Assert.False(SocketOptions.IsReusePortEnabled(tcp.Socket));
    }

    [Fact]
    public void AllowReuseAddress_sets_SO_REUSEADDR_and_nothing_else()
    {
        using var udp = new ReuseAddressUdpServer();
        Assert.True(SocketOptions.IsReuseAddressEnabled(udp.Socket));
        Assert.False(SocketOptions.IsReusePortEnabled(udp.Socket));

        using var set = new UdpServer(Servers.LoopbackAny, () => new UpperCaseDatagramHandler(), bindAndActivate: false) { AllowReuseAddress = true };
        set.ServerBind();
        Assert.True(SocketOptions.IsReuseAddressEnabled(set.Socket));
    }

    [Fact]
    public void AllowReusePort_lets_two_servers_listen_on_one_port()
    {
        using var first = new TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler(), bindAndActivate: false) { AllowReusePort = true };
        first.ServerBind();
        first.ServerActivate();
        Assert.True(SocketOptions.IsReusePortEnabled(first.Socket));

        using var second = new TcpServer(first.ServerAddress, () => new UpperCaseStreamHandler(), bindAndActivate: false) { AllowReusePort = true };
        second.ServerBind();
        second.ServerActivate();
        Assert.Equal(first.ServerAddress, second.ServerAddress);

        var refused = Assert.Throws<SocketException>(() => new TcpServer(first.ServerAddress, () => new UpperCaseStreamHandler()));
        Assert.Equal(SocketError.AddressAlreadyInUse, refused.SocketErrorCode);
    }

    [Fact]
    public void AllowReusePort_is_ignored_for_Unix_sockets_as_in_python()
    {
        string path = TempPaths.NewSocketPath();
        using var server = new UnixStreamServer(path, () => new UpperCaseStreamHandler(), bindAndActivate: false) { AllowReusePort = true };
        server.ServerBind();
        server.ServerActivate();
        Assert.True(File.Exists(path));
        server.ServerClose();
        File.Delete(path);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void RequestQueueSize_is_the_listen_backlog(int backlog)
    {
        // A Unix stream listener refuses a non-blocking connect (EAGAIN) once backlog + 1 connections wait
        // to be accepted, which makes the backlog observable without timing.
        string path = TempPaths.NewSocketPath();
        using var server = new UnixStreamServer(path, () => new UpperCaseStreamHandler(), bindAndActivate: false) { RequestQueueSize = backlog };
        server.ServerBind();
        server.ServerActivate();
        Assert.Equal(backlog + 1, CountQueuedConnections(path, limit: backlog + 5));
        server.ServerClose();
        File.Delete(path);
    }

    [Fact]
    public void The_default_backlog_is_the_system_maximum()
    {
        string path = TempPaths.NewSocketPath();
        using var server = new UnixStreamServer(path, () => new UpperCaseStreamHandler());
        Assert.Equal(BaseServer.DefaultRequestQueueSize, server.RequestQueueSize);
        Assert.Equal(200, CountQueuedConnections(path, limit: 200));
        Assert.Throws<ArgumentOutOfRangeException>(() => server.RequestQueueSize = -1);
        server.ServerClose();
        File.Delete(path);
    }

    private static int CountQueuedConnections(string path, int limit)
    {
        var clients = new List<Socket>();
        try
        {
            while (clients.Count < limit)
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
                clients.Add(client);
                try
                {
                    client.Connect(new UnixDomainSocketEndPoint(path));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    return clients.Count - 1;
                }
            }

            return clients.Count;
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}

public sealed class ReuseAddressUdpServer() : UdpServer(Servers.LoopbackAny, () => new UpperCaseDatagramHandler())
{
    // Python's way: a class attribute overridden in a subclass takes effect in the constructor's bind.
    public override bool AllowReuseAddress => true;
}
