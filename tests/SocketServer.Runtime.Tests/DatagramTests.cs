namespace SocketServer.Tests;

/// <summary>Datagram servers: the shared socket, the packet size limit, and clients without an address.</summary>
public class DatagramTests
{
    [Theory]
    [InlineData(Transport.Udp)]
    [InlineData(Transport.UnixDatagram)]
    public void ShutdownRequest_and_CloseRequest_never_touch_the_servers_socket(Transport transport)
    {
        var recorder = new Recorder();
        BaseServer server = Recording.Create(transport, Mode.Sync, recorder);
        using (Serving.Start(server))
        {
            Assert.Equal("ONE", Clients.ExchangeText(transport, server.ServerAddress, "one"));
            server.ShutdownRequest(new DatagramRequest([], server.Socket));
            server.CloseRequest(new DatagramRequest([], server.Socket));
            Assert.Equal("TWO", Clients.ExchangeText(transport, server.ServerAddress, "two"));
        }

        Assert.Equal(2, recorder.Count("Handle"));
    }

    [Theory]
    [InlineData(Transport.Udp, 10_000, UdpServer.DefaultMaxPacketSize)]
    [InlineData(Transport.UnixDatagram, 10_000, UdpServer.DefaultMaxPacketSize)]
    [InlineData(Transport.Udp, 8_192, 8_192)]
    [InlineData(Transport.Udp, 100, 100)]
    public void A_datagram_longer_than_MaxPacketSize_arrives_truncated_to_it(Transport transport, int sent, int expected)
    {
        Assert.Equal(8192, UdpServer.DefaultMaxPacketSize);
        byte[]? seen = null;
        var done = new ManualResetEventSlim();
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ProbeDatagramHandler(h =>
        {
            seen = ((DatagramRequestHandler)h).Packet;
            done.Set();
        }));
        Assert.Equal(8192, ((UdpServer)server).MaxPacketSize);
        byte[] payload = Enumerable.Range(0, sent).Select(i => (byte)(i * 7)).ToArray();
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress);
            client.SendTo(payload, server.ServerAddress);
            Bounded.Wait(done, "the datagram");
        }

        Assert.Equal(payload[..expected], seen);
    }

    [Fact]
    public void MaxPacketSize_can_be_lowered_and_must_be_positive()
    {
        byte[]? seen = null;
        var done = new ManualResetEventSlim();
        using var server = new UdpServer(Servers.LoopbackAny, () => new ProbeDatagramHandler(h =>
        {
            seen = ((DatagramRequestHandler)h).Packet;
            done.Set();
        }));
        server.MaxPacketSize = 16;
        Assert.Throws<ArgumentOutOfRangeException>(() => server.MaxPacketSize = 0);
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress);
            client.SendTo(new byte[100], server.ServerAddress);
            Bounded.Wait(done, "the datagram");
        }

        Assert.Equal(16, seen!.Length);
    }

    [Fact]
    public void The_UDP_client_address_is_the_senders_endpoint()
    {
        EndPoint? seen = null;
        var done = new ManualResetEventSlim();
        using var server = new UdpServer(Servers.LoopbackAny, () => new ProbeDatagramHandler(h =>
        {
            seen = h.ClientAddress;
            done.Set();
        }));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress);
            client.SendTo("who"u8.ToArray(), server.ServerAddress);
            Bounded.Wait(done, "the datagram");
            Assert.Equal(client.LocalEndPoint, seen);
        }
    }

    [Fact]
    public void An_unbound_Unix_datagram_client_has_no_address_and_a_silent_handler_is_fine()
    {
        var recorder = new Recorder();
        EndPoint? seen = new IPEndPoint(IPAddress.Any, 1);
        var done = new ManualResetEventSlim();
        using var server = new RecordingUnixDatagramServer(recorder, () => new ProbeDatagramHandler(h =>
        {
            seen = h.ClientAddress;
            done.Set();
        }), bindAndActivate: true);
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress, bindUnixPath: false);
            client.SendTo("anonymous"u8.ToArray(), server.ServerAddress);
            Bounded.Wait(done, "the datagram");
            recorder.WaitFor("CloseRequest");
        }

        Assert.Null(seen);
        Assert.Empty(recorder.Errors);
    }

    [Fact]
    public void A_reply_to_an_unbound_Unix_datagram_client_is_reported_not_lost_silently()
    {
        var recorder = new Recorder();
        using var server = new RecordingUnixDatagramServer(recorder, () => new UpperCaseDatagramHandler(), bindAndActivate: true);
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress, bindUnixPath: false);
            client.SendTo("anonymous"u8.ToArray(), server.ServerAddress);
            recorder.WaitFor("CloseRequest");
        }

        var error = Assert.IsType<InvalidOperationException>(Assert.Single(recorder.Errors));
        Assert.Contains("not bound to a path", error.Message);
        Assert.Null(Assert.Single(recorder.ErrorAddresses));
    }
}
