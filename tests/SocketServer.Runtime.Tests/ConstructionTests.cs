using SocketServer.Internal;

namespace SocketServer.Tests;

/// <summary>Binding, activation, addresses and what a failed construction leaves behind.</summary>
public class ConstructionTests
{
    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Udp)]
    public void Port_zero_gives_the_real_endpoint(Transport transport)
    {
        using BaseServer server = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        var address = Assert.IsType<IPEndPoint>(server.ServerAddress);
        Assert.NotEqual(0, address.Port);
        Assert.Equal(IPAddress.Loopback, address.Address);
        Assert.Equal(server.Socket.LocalEndPoint, address);
        using (Serving.Start(server))
        {
            Assert.Equal("PORT\n", Clients.ExchangeText(transport, address, "port\n"));
        }
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Udp)]
    public void An_IPv6_endpoint_gives_an_IPv6_server(Transport transport)
    {
        var loopback6 = new IPEndPoint(IPAddress.IPv6Loopback, 0);
        using BaseServer server = transport == Transport.Tcp
            ? new TcpServer(loopback6, () => new UpperCaseStreamHandler())
            : new UdpServer(loopback6, () => new UpperCaseDatagramHandler());
        Assert.Equal(AddressFamily.InterNetworkV6, server.AddressFamily);
        using (Serving.Start(server))
        {
            Assert.Equal("SIX\n", Clients.ExchangeText(transport, server.ServerAddress, "six\n"));
        }
    }

    [Fact]
    public void The_host_and_port_constructor_resolves_like_python()
    {
        using var literal = new TcpServer("127.0.0.1", 0, () => new UpperCaseStreamHandler());
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)literal.ServerAddress).Address);
        using var named = new UdpServer("localhost", 0, () => new UpperCaseDatagramHandler());
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)named.ServerAddress).Address);
        using var dns = new TcpServer(new DnsEndPoint("localhost", 0), () => new UpperCaseStreamHandler());
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)dns.ServerAddress).Address);

        // "" means every interface, as in Python; not bound here, tests stay on loopback.
        Assert.Equal(new IPEndPoint(IPAddress.Any, 80), EndPoints.FromHostAndPort("", 80));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 7), EndPoints.FromHostAndPort("::1", 7));
    }

    [Fact]
    public void The_reported_family_and_type_follow_the_transport()
    {
        foreach (Transport transport in Enum.GetValues<Transport>())
        {
            using BaseServer server = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
            Assert.Equal(transport.IsUnix() ? AddressFamily.Unix : AddressFamily.InterNetwork, server.AddressFamily);
            Assert.Equal(transport.IsStream() ? SocketType.Stream : SocketType.Dgram, server.SocketType);
            Assert.Equal(server.SocketType, server.Socket.SocketType);
            server.ServerClose();
            Servers.RemoveSocketFile(server);
        }
    }

    [Theory]
    [MemberData(nameof(TransportData))]
    public void Without_bindAndActivate_the_socket_stays_unbound_until_ServerBind_and_ServerActivate(Transport transport)
    {
        using BaseServer server = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport), bindAndActivate: false);
        if (server.ServerAddress is UnixDomainSocketEndPoint path)
        {
            Assert.False(File.Exists(path.ToString()));
        }
        else
        {
            Assert.False(server.Socket.IsBound);
        }
        if (server.ServerAddress is IPEndPoint requested)
        {
            Assert.Equal(0, requested.Port);
        }

        server.ServerBind();
        if (transport.IsUnix())
        {
            Assert.True(File.Exists(server.ServerAddress.ToString()));
        }
        else
        {
            Assert.NotEqual(0, ((IPEndPoint)server.ServerAddress).Port);
        }

        if (transport.IsStream())
        {
            // Bound but not listening: connections are refused.
            var refused = Assert.Throws<SocketException>(() => Clients.Connect(server.ServerAddress).Dispose());
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        server.ServerActivate();
        using (Serving.Start(server))
        {
            Assert.Equal("LATE\n", Clients.ExchangeText(transport, server.ServerAddress, "late\n"));
        }
    }

    public static TheoryData<Transport> TransportData => TransportExtensions.All();

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Udp)]
    public void A_failed_bind_throws_a_clear_exception(Transport transport)
    {
        using BaseServer first = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        var failure = Assert.Throws<SocketException>(() => transport == Transport.Tcp
            ? new TcpServer(first.ServerAddress, () => new UpperCaseStreamHandler())
            : new UdpServer(first.ServerAddress, () => new UpperCaseDatagramHandler()));
        Assert.Equal(SocketError.AddressAlreadyInUse, failure.SocketErrorCode);
        string expected = $"Could not bind {(transport == Transport.Tcp ? "TcpServer" : "UdpServer")} at {first.ServerAddress}";
        Assert.StartsWith(expected, failure.Message);
        Assert.Equal(failure.Message.IndexOf(expected, StringComparison.Ordinal), failure.Message.LastIndexOf(expected, StringComparison.Ordinal));
        Assert.Contains("choose another port", failure.Message);
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Udp)]
    public void A_failed_bind_by_hand_throws_the_same_clear_exception_once(Transport transport)
    {
        // bindAndActivate: false, then ServerBind(): the way to set AllowReusePort or socket options before the bind.
        using BaseServer first = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        using BaseServer second = transport == Transport.Tcp
            ? new TcpServer(first.ServerAddress, () => new UpperCaseStreamHandler(), bindAndActivate: false)
            : new UdpServer(first.ServerAddress, () => new UpperCaseDatagramHandler(), bindAndActivate: false);
        var failure = Assert.Throws<SocketException>(second.ServerBind);
        Assert.Equal(SocketError.AddressAlreadyInUse, failure.SocketErrorCode);
        string expected = $"Could not bind {(transport == Transport.Tcp ? "TcpServer" : "UdpServer")} at {first.ServerAddress}";
        Assert.StartsWith(expected, failure.Message);
        Assert.Equal(failure.Message.IndexOf(expected, StringComparison.Ordinal), failure.Message.LastIndexOf(expected, StringComparison.Ordinal));
        Assert.Contains("set AllowReusePort on every server that shares the port", failure.Message);
    }

    [Fact]
    public void A_failed_ServerBind_override_closes_the_server_and_rethrows()
    {
        var closed = new List<string>();
        var failure = Assert.Throws<FormatException>(() => new FailingBindServer(closed));
        Assert.Equal("bind refused on purpose", failure.Message);
        Assert.Equal(["ServerClose"], closed);
    }

    [Fact]
    public void Addresses_of_the_wrong_kind_are_rejected_with_guidance()
    {
        var unixForTcp = Assert.Throws<ArgumentException>(() => new TcpServer(new UnixDomainSocketEndPoint("/tmp/x.sock"), () => new UpperCaseStreamHandler()));
        Assert.Contains("UnixStreamServer", unixForTcp.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TcpServer("127.0.0.1", 70000, () => new UpperCaseStreamHandler()));
        Assert.Throws<ArgumentNullException>(() => new TcpServer(Servers.LoopbackAny, null!));
        Assert.Throws<ArgumentException>(() => new TcpServer("no-such-host.invalid", 0, () => new UpperCaseStreamHandler()));
    }
}

/// <summary>
/// Construction is checked in one collection that runs alone: it counts the process's open descriptors.
/// </summary>
[Collection(nameof(ProcessWideState))]
public class HandleLeakTests
{
    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Udp)]
    [InlineData(Transport.UnixStream)]
    [InlineData(Transport.UnixDatagram)]
    public void Constructing_a_failing_server_a_thousand_times_leaks_no_descriptor(Transport transport)
    {
        using BaseServer occupant = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        EndPoint taken = occupant.ServerAddress;
        int Attempt()
        {
            try
            {
                using BaseServer _ = transport switch
                {
                    Transport.Tcp => new TcpServer(taken, () => new UpperCaseStreamHandler()),
                    Transport.Udp => new UdpServer(taken, () => new UpperCaseDatagramHandler()),
                    Transport.UnixStream => new UnixStreamServer((UnixDomainSocketEndPoint)taken, () => new UpperCaseStreamHandler()),
                    _ => new UnixDatagramServer((UnixDomainSocketEndPoint)taken, () => new UpperCaseDatagramHandler()),
                };
                return 0;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return 1;
            }
        }

        Attempt(); // warm up: the first call loads what the runtime keeps open for good
        int before = OpenDescriptors();
        int failures = Enumerable.Range(0, 1000).Sum(_ => Attempt());
        int after = OpenDescriptors();

        Assert.Equal(1000, failures);
        Assert.True(after - before < 20, $"{after - before} descriptors more after 1,000 failed constructions ({before} → {after}).");
        occupant.ServerClose();
        Servers.RemoveSocketFile(occupant);
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;
}

[CollectionDefinition(nameof(ProcessWideState), DisableParallelization = true)]
public sealed class ProcessWideState;

public sealed class FailingBindServer(List<string> closed) : TcpServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler())
{
    public override void ServerBind() => throw new FormatException("bind refused on purpose");

    public override void ServerClose()
    {
        closed.Add("ServerClose");
        base.ServerClose();
    }
}
