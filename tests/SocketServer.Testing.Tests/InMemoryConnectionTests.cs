namespace SocketServer.Testing.Tests;

/// <summary>Stream handlers served in memory by real server types: no socket is bound, no port is used.</summary>
public sealed class InMemoryConnectionTests
{
    private static readonly IPEndPoint Unused = new(IPAddress.Loopback, 0);

    [Fact]
    public void A_sync_server_serves_a_sync_handler_line_by_line()
    {
        using var server = new SyncUpperCaseServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);

        connection.WriteLine("hello");
        Assert.Equal("HELLO", connection.ReadLine());
        connection.WriteLine("world");
        Assert.Equal("WORLD", connection.ReadLine());
        connection.Complete();

        Assert.Null(connection.ReadLine());
        Assert.Equal("HELLO\nWORLD\n".Length, connection.BytesReceived);
        RequestOutcome outcome = connection.WaitForCompletion();
        Assert.True(outcome.Verified);
        Assert.Empty(outcome.Errors);
        Assert.False(server.Socket.IsBound);
    }

    [Fact]
    public void A_threading_server_serves_on_its_request_thread_and_counts_the_request_while_it_runs()
    {
        using var server = new ThreadingUpperCaseServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);

        connection.WriteLine("one");
        Assert.Equal("ONE", connection.ReadLine());
        Assert.Equal(1, server.ActiveRequests);
        connection.Write("two\nthree"u8);
        connection.Complete();

        Assert.Equal("TWO\nTHREE", connection.ReadToEnd());
        connection.WaitForCompletion();
        Assert.Equal(0, server.ActiveRequests);
    }

    [Fact]
    public async Task An_async_server_serves_an_async_handler()
    {
        using var server = new AsyncUpperCaseServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);

        await connection.WriteLineAsync("hello");
        Assert.Equal("HELLO", await connection.ReadLineAsync());
        await connection.WriteAsync("bytes\n"u8.ToArray());
        Assert.Equal("BYTES\n"u8.ToArray(), await connection.ReadBytesAsync(6));
        connection.Complete();

        Assert.Equal("", await connection.ReadToEndAsync());
        RequestOutcome outcome = await connection.WaitForCompletionAsync();
        Assert.Empty(outcome.Errors);
    }

    [Fact]
    public void One_server_serves_several_connections_at_once()
    {
        using var server = new ThreadingUpperCaseServer(Unused, bindAndActivate: false);
        using var first = InMemoryConnection.Open(server);
        using var second = InMemoryConnection.Open(server);

        first.WriteLine("first");
        second.WriteLine("second");
        Assert.Equal("SECOND", second.ReadLine());
        Assert.Equal("FIRST", first.ReadLine());
        first.Complete();
        second.Complete();
        first.WaitForCompletion();
        second.WaitForCompletion();
    }

    [Fact]
    public void The_handler_sees_the_client_address_the_test_gives()
    {
        var client = new IPEndPoint(IPAddress.Parse("127.0.0.9"), 4242);
        using var server = new SyncUpperCaseServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server, client);
        connection.Complete();
        connection.WaitForCompletion();

        Assert.Contains(client, UpperCaseHandler.SeenClients);
        Assert.Same(client, connection.ClientAddress);
    }

    [Fact]
    public void VerifyRequest_of_a_mix_in_refuses_a_client_address_and_no_handler_runs()
    {
        using var server = new LoopbackOnlyServer(Unused, bindAndActivate: false);
        var outsider = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 5000);
        using var refused = InMemoryConnection.Open(server, outsider);

        // The request ends without a handler: the reply ends, with nothing in it.
        Assert.Equal("", refused.ReadToEnd());
        RequestOutcome outcome = refused.WaitForCompletion();
        Assert.False(outcome.Verified);
        Assert.Empty(outcome.Errors);
        Assert.DoesNotContain(outsider, UpperCaseHandler.SeenClients);

        using var allowed = InMemoryConnection.Open(server, new IPEndPoint(IPAddress.Loopback, 5000));
        allowed.WriteLine("hello");
        Assert.Equal("HELLO", allowed.ReadLine());
        allowed.Complete();
        Assert.True(allowed.WaitForCompletion().Verified);
    }

    [Fact]
    public void An_exception_of_the_handler_reaches_Errors_and_the_servers_own_HandleError()
    {
        using var server = new FailingServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);

        Assert.Equal("partial", connection.ReadLine());
        Assert.Null(connection.ReadLine());
        connection.WaitForCompletion();

        Exception error = Assert.Single(connection.Errors);
        Assert.Equal("the handler failed on purpose", error.Message);
        lock (server.Handled)
        {
            Assert.Same(error, Assert.Single(server.Handled));
        }
    }

    [Fact]
    public void The_handlers_Timeout_bounds_its_reads_of_the_connection()
    {
        using var server = new TimedServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);

        // Nothing is written: the handler's read times out, and that reaches HandleError.
        Assert.Null(connection.ReadLine());
        connection.WaitForCompletion();

        Assert.IsAssignableFrom<IOException>(Assert.Single(connection.Errors));
    }

    [Fact]
    public void A_user_mix_in_on_the_connection_seam_sees_the_in_memory_stream()
    {
        using var server = new PrefixServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);

        connection.WriteLine("hello");
        Assert.Equal("> HELLO", connection.ReadLine());
        connection.Complete();
        connection.WaitForCompletion();
    }

    [Fact]
    public async Task A_user_mix_in_on_the_asynchronous_seam_sees_the_in_memory_stream()
    {
        using var server = new AsyncPrefixServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);

        await connection.WriteLineAsync("hello");
        Assert.Equal("> HELLO", await connection.ReadLineAsync());
        connection.Complete();
        await connection.WaitForCompletionAsync();
    }
}
