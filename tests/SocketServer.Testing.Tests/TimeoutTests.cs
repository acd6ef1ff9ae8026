namespace SocketServer.Testing.Tests;

/// <summary>The harness never hangs a test: every wait ends, with a message that says what it waited for.</summary>
public sealed class TimeoutTests
{
    private static readonly IPEndPoint Unused = new(IPAddress.Loopback, 0);

    [Fact]
    public void ReadLine_times_out_when_the_handler_waits_for_input_and_says_so()
    {
        using var server = new ThreadingUpperCaseServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);
        connection.Timeout = TimeSpan.FromMilliseconds(50);

        TimeoutException error = Assert.Throws<TimeoutException>(() => connection.ReadLine());

        Assert.Contains("ReadLine() waited 0.05 s for a line from ThreadingUpperCaseServer's handler", error.Message);
        Assert.Contains("call Complete() to end the input", error.Message);

        // The connection still works after a timeout: the handler was only waiting.
        connection.Timeout = InMemoryConnection.DefaultTimeout;
        connection.WriteLine("late");
        Assert.Equal("LATE", connection.ReadLine());
    }

    [Fact]
    public async Task ReadToEndAsync_times_out_while_the_handler_keeps_the_connection_open()
    {
        using var server = new AsyncUpperCaseServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);
        await connection.WriteLineAsync("partial reply");
        Assert.Equal("PARTIAL"u8.ToArray(), await connection.ReadBytesAsync(7)); // the rest of the line arrived with it
        connection.Timeout = TimeSpan.FromMilliseconds(50);

        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => connection.ReadToEndAsync());

        Assert.Contains("ReadToEndAsync() waited 0.05 s for the end of the reply from AsyncUpperCaseServer's handler", error.Message);
        Assert.Contains("the server wrote 14 bytes, 7 unread: \" REPLY\\n\"", error.Message);
        connection.Timeout = InMemoryConnection.DefaultTimeout;
        connection.Complete();
        Assert.Equal(" REPLY\n", await connection.ReadToEndAsync());
    }

    [Fact]
    public void WaitForCompletion_times_out_when_the_request_does_not_end()
    {
        using var server = new ThreadingUpperCaseServer(Unused, bindAndActivate: false);
        using var connection = InMemoryConnection.Open(server);
        connection.Timeout = TimeSpan.FromMilliseconds(50);

        TimeoutException error = Assert.Throws<TimeoutException>(() => connection.WaitForCompletion());

        Assert.Contains("WaitForCompletion() waited 0.05 s for ThreadingUpperCaseServer to end the request", error.Message);
        Assert.Contains("If the handler reads until the end of its input, call Complete() first.", error.Message);
        connection.Complete();
        connection.Timeout = InMemoryConnection.DefaultTimeout;
        connection.WaitForCompletion();
    }

    [Fact]
    public void Send_times_out_when_the_datagram_handler_does_not_end()
    {
        using var server = new BlockedUdpServer(Unused, bindAndActivate: false);
        var client = new InMemoryDatagramClient(server) { Timeout = TimeSpan.FromMilliseconds(50) };
        try
        {
            TimeoutException error = Assert.Throws<TimeoutException>(() => client.Send("stuck"u8));

            Assert.Contains("Send() waited 0.05 s for BlockedUdpServer to handle a 5-byte datagram, and its handler is still running", error.Message);
        }
        finally
        {
            BlockedDatagramHandler.Release.Set();
        }
    }
}
