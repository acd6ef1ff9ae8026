using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketServer.Samples.Tests;

/// <summary>samples/Echo on every transport and concurrency: echoes, and stops on a signal even with a client still connected.</summary>
public class EchoSampleTests
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (string transport in new[] { "tcp", "udp", "unixstream", "unixdatagram" })
        {
            foreach (string concurrency in new[] { "sync", "threading", "forking", "async" })
            {
                data.Add(transport, concurrency);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Echo_answers_and_stops_on_SIGTERM_with_a_client_still_connected(string transport, string concurrency)
    {
        string path = Path.Combine(Path.GetTempPath(), $"echo-{Guid.NewGuid():N}"[..24] + ".sock");
        using ChildProcess server = ChildProcess.Sample("Echo", "--transport", transport, "--concurrency", concurrency, "--host", "127.0.0.1", "--port", "0", "--path", path);
        string listening = server.ReadLine();
        Assert.StartsWith("listening on ", listening);
        string address = listening["listening on ".Length..];
        bool unix = transport.StartsWith("unix", StringComparison.Ordinal);
        EndPoint endPoint = unix ? new UnixDomainSocketEndPoint(address) : IPEndPoint.Parse(address);
        if (unix)
        {
            Assert.Equal(path, address);
        }

        Socket? held = null;
        try
        {
            if (transport is "tcp" or "unixstream")
            {
                held = StreamClients.Connect(endPoint);
                foreach (string part in new[] { "every ", "byte ", "back" })
                {
                    Assert.Equal(part, StreamClients.Echo(held, part));
                }
            }
            else
            {
                using var datagram = new Socket(endPoint.AddressFamily, SocketType.Dgram, unix ? ProtocolType.Unspecified : ProtocolType.Udp) { ReceiveTimeout = 60_000 };
                datagram.Bind(unix ? new UnixDomainSocketEndPoint(path + ".client") : new IPEndPoint(IPAddress.Loopback, 0));
                datagram.SendTo("one datagram"u8.ToArray(), endPoint);
                var reply = new byte[64];
                Assert.Equal("one datagram", Encoding.ASCII.GetString(reply, 0, datagram.Receive(reply)));
            }

            server.Signal(Signals.SIGTERM);
            Assert.Equal(0, server.WaitForExit());
            if (unix)
            {
                Assert.False(File.Exists(path), "The sample removes the socket file it made.");
            }

            if (held is not null)
            {
                // The server's stop ended the echo: the client sees the end of the stream.
                Assert.Equal(0, held.Receive(new byte[16]));
            }
        }
        finally
        {
            held?.Dispose();
        }
    }

    [Theory]
    [InlineData("tcp", "sync")]
    [InlineData("tcp", "threading")]
    [InlineData("tcp", "forking")]
    [InlineData("tcp", "async")]
    [InlineData("unixstream", "threading")]
    [InlineData("unixstream", "async")]
    public void With_a_timeout_a_client_that_sends_nothing_is_dropped_and_the_next_is_served(string transport, string concurrency)
    {
        string path = Path.Combine(Path.GetTempPath(), $"echo-{Guid.NewGuid():N}"[..24] + ".sock");
        using ChildProcess server = ChildProcess.Sample(
            "Echo", "--transport", transport, "--concurrency", concurrency, "--host", "127.0.0.1", "--port", "0", "--path", path, "--timeout", "0.5");
        string address = server.ReadLine()["listening on ".Length..];
        EndPoint endPoint = transport == "unixstream" ? new UnixDomainSocketEndPoint(address) : IPEndPoint.Parse(address);
        try
        {
            using (Socket idle = StreamClients.Connect(endPoint))
            {
                Assert.Equal("served, then silent", StreamClients.Echo(idle, "served, then silent"));

                // It sends nothing more: the handler's Timeout ends the connection (the read is bounded by 60 s, not 0.5 s).
                Assert.Equal(0, idle.Receive(new byte[16]));
            }

            using Socket next = StreamClients.Connect(endPoint);
            Assert.Equal("next", StreamClients.Echo(next, "next"));
        }
        finally
        {
            server.Signal(Signals.SIGTERM);
            server.WaitForExit();
        }
    }

    [Theory]
    [InlineData("--concurrency", "fibers")]
    [InlineData("--timeout", "0")]
    [InlineData("--timeout", "soon")]
    public void Bad_arguments_print_the_usage_and_exit_2(string option, string value)
    {
        var (exitCode, _, errors) = ChildProcess.Run(ChildProcess.Sample("Echo", option, value));
        Assert.Equal(2, exitCode);
        Assert.Contains("Usage: --transport tcp|udp|unixstream|unixdatagram", errors);
        Assert.Contains("--timeout <seconds>", errors);
    }
}
