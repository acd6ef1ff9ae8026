namespace SocketServer.Testing.Tests;

/// <summary>Datagram handlers served in memory: the reply the handler sends comes back to the test.</summary>
public sealed class InMemoryDatagramClientTests
{
    private static readonly IPEndPoint Unused = new(IPAddress.Loopback, 0);

    [Fact]
    public void A_sync_datagram_handler_replies()
    {
        using var server = new UdpUpperCaseServer(Unused, bindAndActivate: false);
        var client = new InMemoryDatagramClient(server);

        IReadOnlyList<byte[]> replies = client.Send("hello"u8);

        Assert.Equal("HELLO"u8.ToArray(), Assert.Single(replies));
        Assert.Empty(client.Errors);
        Assert.True(client.LastOutcome!.Verified);
        Assert.False(server.Socket.IsBound);
    }

    [Fact]
    public async Task An_async_datagram_handler_replies_on_an_async_server()
    {
        using var server = new AsyncUdpUpperCaseServer(Unused, bindAndActivate: false);
        var client = new InMemoryDatagramClient(server);

        Assert.Equal("ONE"u8.ToArray(), Assert.Single(await client.SendAsync("one"u8.ToArray())));
        Assert.Equal("TWO"u8.ToArray(), Assert.Single(await client.SendAsync("two"u8.ToArray())));
    }

    [Fact]
    public void A_datagram_longer_than_MaxPacketSize_is_truncated_as_the_kernel_would()
    {
        using var server = new UdpUpperCaseServer(Unused, bindAndActivate: false) { MaxPacketSize = 3 };
        var client = new InMemoryDatagramClient(server);

        Assert.Equal("ABC"u8.ToArray(), Assert.Single(client.Send("abcdef"u8)));
    }

    [Fact]
    public void VerifyRequest_refuses_a_client_address_and_nothing_is_sent_back()
    {
        using var server = new LoopbackOnlyUdpServer(Unused, bindAndActivate: false);

        var outsider = new InMemoryDatagramClient(server, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 53));
        Assert.Empty(outsider.Send("hello"u8));
        Assert.False(outsider.LastOutcome!.Verified);

        var local = new InMemoryDatagramClient(server, new IPEndPoint(IPAddress.Loopback, 53));
        Assert.Equal("HELLO"u8.ToArray(), Assert.Single(local.Send("hello"u8)));
        Assert.True(local.LastOutcome!.Verified);
    }
}
