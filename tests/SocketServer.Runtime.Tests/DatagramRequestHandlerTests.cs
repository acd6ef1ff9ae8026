namespace SocketServer.Tests;

/// <summary>Packet, Socket, RFile and WFile of DatagramRequestHandler, over UDP and Unix datagram sockets.</summary>
public class DatagramRequestHandlerTests
{
    public static TheoryData<Transport> DatagramTransports => new() { Transport.Udp, Transport.UnixDatagram };

    [Theory]
    [MemberData(nameof(DatagramTransports))]
    public void The_handler_reads_the_packet_and_its_WFile_goes_back_as_one_datagram(Transport transport)
    {
        var seen = new List<string>();
        Socket? socket = null;
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ScriptedDatagramHandler(h =>
        {
            socket = h.Socket;
            seen.Add(Encoding.ASCII.GetString(h.Packet));
            foreach (byte[] line in h.RFile.ReadLines())
            {
                h.WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()));
                h.WFile.Write("|"u8);
            }
        }));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress);
            client.SendTo("one\ntwo\nthree"u8.ToArray(), server.ServerAddress);
            var reply = new byte[1024];
            int length = client.Receive(reply);
            Assert.Equal("ONE\n|TWO\n|THREE|", Encoding.ASCII.GetString(reply, 0, length));
        }

        Assert.Equal(["one\ntwo\nthree"], seen);
        Assert.Same(server.Socket, socket);
    }

    [Theory]
    [MemberData(nameof(DatagramTransports))]
    public void An_empty_WFile_is_still_sent_as_an_empty_datagram(Transport transport)
    {
        using BaseServer server = Servers.Create(transport, Mode.Sync, () => new ScriptedDatagramHandler(_ => { }));
        using (Serving.Start(server))
        {
            using Socket client = Clients.Datagram(server.ServerAddress);
            client.SendTo("say nothing"u8.ToArray(), server.ServerAddress);
            Assert.Equal(0, client.Receive(new byte[16]));
        }
    }

    [Theory]
    [MemberData(nameof(DatagramTransports))]
    public void The_reply_is_sent_even_after_Handle_threw(Transport transport)
    {
        var recorder = new Recorder();
        using BaseServer server = Recording.Create(transport, Mode.Sync, recorder, new HandlerScript(ThrowInHandle: true));
        using (Serving.Start(server))
        {
            Assert.Equal("PARTIAL", Clients.ExchangeText(transport, server.ServerAddress, "partial"));
            recorder.WaitFor("CloseRequest");
        }

        Assert.IsType<InvalidOperationException>(Assert.Single(recorder.Errors));
    }
}

public sealed class ScriptedDatagramHandler(Action<ScriptedDatagramHandler> handle) : DatagramRequestHandler
{
    public override void Handle() => handle(this);
}
