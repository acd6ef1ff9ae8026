namespace SocketServer.Tests;

/// <summary>Unix servers: the address is the path, and the socket file outlives the server, as in Python.</summary>
public class UnixSocketTests
{
    [Theory]
    [InlineData(Transport.UnixStream)]
    [InlineData(Transport.UnixDatagram)]
    public void ServerAddress_is_the_socket_path(Transport transport)
    {
        string path = TempPaths.NewSocketPath();
        using BaseServer server = transport == Transport.UnixStream
            ? new UnixStreamServer(path, () => new UpperCaseStreamHandler())
            : new UnixDatagramServer(path, () => new UpperCaseDatagramHandler());
        var address = Assert.IsType<UnixDomainSocketEndPoint>(server.ServerAddress);
        Assert.Equal(path, address.ToString());
        server.ServerClose();
        File.Delete(path);
    }

    [Theory]
    [InlineData(Transport.UnixStream)]
    [InlineData(Transport.UnixDatagram)]
    public void The_socket_file_stays_after_close_and_blocks_a_new_bind_until_removed(Transport transport)
    {
        string path = TempPaths.NewSocketPath();
        BaseServer Create() => transport == Transport.UnixStream
            ? new UnixStreamServer(path, () => new UpperCaseStreamHandler())
            : new UnixDatagramServer(path, () => new UpperCaseDatagramHandler());

        using (BaseServer first = Create())
        {
            Task<string> reply = Task.Run(() => Clients.ExchangeText(transport, first.ServerAddress, "a\n"));
            first.HandleRequest();
            Assert.Equal("A\n", Bounded.Result(reply, "the reply"));
        }

        Assert.True(File.Exists(path), "Python leaves the socket file when the server closes; so do we.");
        var stale = Assert.Throws<SocketException>(() => Create().Dispose());
        Assert.Equal(SocketError.AddressAlreadyInUse, stale.SocketErrorCode);
        Assert.Contains("Remove the file if it is stale", stale.Message);

        File.Delete(path);
        using BaseServer second = Create();
        using (Serving.Start(second))
        {
            Assert.Equal("B\n", Clients.ExchangeText(transport, second.ServerAddress, "b\n"));
        }
    }

    [Fact]
    public void Closing_an_old_server_never_deletes_the_socket_of_the_server_that_replaced_it()
    {
        // A rolling restart: the new instance unlinks the stale path and binds it while the old one still runs.
        string path = TempPaths.NewSocketPath();
        var old = new UnixStreamServer(path, () => new UpperCaseStreamHandler());
        File.Delete(path);
        using var replacement = new UnixStreamServer(path, () => new UpperCaseStreamHandler());
        old.ServerClose();

        Assert.True(File.Exists(path));
        using (Serving.Start(replacement))
        {
            Assert.Equal("STILL HERE\n", Clients.ExchangeText(Transport.UnixStream, replacement.ServerAddress, "still here\n"));
        }
    }

    [Fact]
    public void An_abstract_socket_name_works_without_a_file()
    {
        string name = "\0socketserver-test-" + Guid.NewGuid().ToString("N");
        using var server = new ThreadingUnixStreamServer(name, () => new UpperCaseStreamHandler());
        using (Serving.Start(server))
        {
            Assert.Equal("ABSTRACT\n", Clients.ExchangeText(Transport.UnixStream, server.ServerAddress, "abstract\n"));
        }
    }
}
