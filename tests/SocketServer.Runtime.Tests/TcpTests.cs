namespace SocketServer.Tests;

/// <summary>What a stream server does with a connection once the handler is done.</summary>
public class TcpTests
{
    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.UnixStream)]
    public void The_client_reads_the_whole_reply_then_end_of_stream_while_its_own_side_stays_open(Transport transport)
    {
        using BaseServer server = Servers.Create(transport, Mode.Sync, Servers.UpperCase(transport));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Connect(server.ServerAddress);
            client.Send("reply then eof\n"u8.ToArray());

            // The client never shuts down its side: the end of stream comes from the server's ShutdownRequest.
            Assert.Equal("REPLY THEN EOF\n", Encoding.ASCII.GetString(Clients.ReadToEnd(client)));
            Assert.Equal(0, client.Receive(new byte[1]));
        }
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.UnixStream)]
    public void Input_the_handler_left_unread_does_not_reset_the_connection(Transport transport)
    {
        // The handler reads only the first 6 bytes; 64 KiB more sit unread in the kernel when the server
        // closes. Closing with unread input sends a reset, which can destroy the reply before the client
        // reads it; the server discards that input first.
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ReadSixBytesHandler());
        using (Serving.Start(server))
        {
            for (int attempt = 0; attempt < 20; attempt++)
            {
                using Socket client = Clients.Connect(server.ServerAddress);
                byte[] request = [.. "hello\n"u8, .. new byte[64 * 1024]];
                client.Send(request);
                Assert.Equal("HELLO\n", Encoding.ASCII.GetString(Clients.ReadToEnd(client)));
            }
        }
    }

    [Fact]
    public void A_handler_that_closes_the_connection_itself_is_not_an_error()
    {
        var recorder = new Recorder();
        using var server = new RecordingTcpServer(recorder, () => new SelfClosingHandler(), bindAndActivate: true);
        using (Serving.Start(server))
        {
            Assert.Equal("BYE", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "x\n"));
            recorder.WaitFor("CloseRequest");
        }

        Assert.Empty(recorder.Errors);
    }
}

public sealed class ReadSixBytesHandler : BaseRequestHandler
{
    public override void Handle()
    {
        var connection = (Socket)Request;
        var line = new byte[6];
        int read = 0;
        while (read < line.Length)
        {
            read += connection.Receive(line, read, line.Length - read, SocketFlags.None);
        }

        connection.Send(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()));
    }
}

public sealed class SelfClosingHandler : StreamRequestHandler
{
    public override void Handle()
    {
        WFile.Write("BYE"u8);
        Connection.Shutdown(SocketShutdown.Send);
        Connection.Close();
    }
}
