using SocketServer.Internal;

namespace SocketServer.Forking.Tests;

/// <summary>
/// The child's side alone: the test plays the parent (control channel, invitation, SCM_RIGHTS hand-off) and starts
/// the host program as an invited child, so it can read the child's exit code.
/// </summary>
public class ChildProtocolTests
{
    [Theory]
    [InlineData("count", 0)]
    [InlineData("throw", 1)]
    [InlineData("die", 137)]
    public void A_child_runs_one_request_and_exits_0_or_1_after_an_exception(string command, int expectedExitCode)
    {
        using var control = new ControlChannel();
        var invitation = new ForkingChild.Invitation(control.Name, control.Token, "ForkingHost.TcpHost").Encode();
        using ChildProcess child = ChildProcess.Built(
            Path.Combine("tests", "SocketServer.Forking.Host"),
            "SocketServer.Forking.Host",
            new Dictionary<string, string> { [ForkingChild.InvitationVariable] = invitation },
            "--transport", "tcp");

        Task<Socket> connected = control.ConnectionOf(child.Id);
        Assert.True(connected.Wait(ChildProcess.Limit), "The child never connected.");

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000 };
        client.Connect(listener.LocalEndPoint!);
        using (Socket accepted = listener.Accept())
        {
            DescriptorPassing.Send(connected.Result, new RequestEnvelope(listener.LocalEndPoint!, client.LocalEndPoint, null).Encode(), accepted);
        }

        control.Forget(child.Id);
        client.Send(Encoding.UTF8.GetBytes(command + "\n"));
        string reply = Encoding.UTF8.GetString(Host.ReadToEnd(client)).Trim();

        Assert.Equal(expectedExitCode, child.WaitForExit());
        if (command == "count")
        {
            Assert.Equal($"pid {child.Id} count 1", reply);
        }
        else
        {
            Assert.Equal("", reply);
        }

        // The program's start-up lines are not repeated by a child; only what the request printed is.
        string[] output = child.RemainingLines();
        Assert.DoesNotContain(output, l => l.StartsWith("listening on", StringComparison.Ordinal));
        if (command == "throw")
        {
            Assert.Equal([$"error {child.Id} InvalidOperationException: thrown on purpose"], output);
        }
    }

    [Fact]
    public void A_spare_that_is_told_to_go_exits_0_without_serving()
    {
        using var control = new ControlChannel();
        var invitation = new ForkingChild.Invitation(control.Name, control.Token, "ForkingHost.UdpHost").Encode();
        using ChildProcess child = ChildProcess.Built(
            Path.Combine("tests", "SocketServer.Forking.Host"),
            "SocketServer.Forking.Host",
            new Dictionary<string, string> { [ForkingChild.InvitationVariable] = invitation },
            "--transport", "udp");
        Assert.True(control.ConnectionOf(child.Id).Wait(ChildProcess.Limit));

        control.Dispose();
        Assert.Equal(0, child.WaitForExit());
        Assert.Empty(child.RemainingLines());
    }

    [Fact]
    public void A_connection_without_the_token_is_refused()
    {
        using var control = new ControlChannel();
        using var stranger = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        stranger.Connect(new UnixDomainSocketEndPoint(control.Name));
        stranger.Send(new byte[32]);
        stranger.ReceiveTimeout = 60_000;
        Assert.Equal(0, stranger.Receive(new byte[8])); // closed by the parent
        Assert.False(control.ConnectionOf(Environment.ProcessId).IsCompleted);
    }
}
