using System.Text.RegularExpressions;

namespace SocketServer.Samples.Tests;

/// <summary>The user mix-in sample: an allow-list and a logger composed around a threading echo server.</summary>
public class GuardedEchoTests
{
    [Fact]
    public void An_allowed_client_is_echoed_and_logged()
    {
        using ChildProcess server = ChildProcess.Sample("GuardedEcho", "--host", "127.0.0.1", "--port", "0", "--allow", "127.0.0.1");
        int port = server.ReadListeningPort();
        var (exitCode, output, errors) = ChildProcess.Run(ChildProcess.Python(DocsExamplesTests.DocsClientOn("tcp_client.py", port), "hello", "mix-ins"));
        Assert.True(exitCode == 0, errors);
        Assert.Equal(["Sent:     hello mix-ins", "Received: hello mix-ins", ""], output);

        Assert.Matches(@"^accepted 127\.0\.0\.1:\d+$", server.ReadLine());
        Assert.Matches(@"^served 127\.0\.0\.1:\d+$", server.ReadLine());
        server.Signal(Signals.SIGTERM);
        Assert.Equal(0, server.WaitForExit());
    }

    [Fact]
    public void A_client_not_on_the_list_is_rejected_before_any_handler_runs()
    {
        using ChildProcess server = ChildProcess.Sample("GuardedEcho", "--host", "127.0.0.1", "--port", "0", "--allow", "192.0.2.1,::1");
        int port = server.ReadListeningPort();
        var (exitCode, output, errors) = ChildProcess.Run(ChildProcess.Python(DocsExamplesTests.DocsClientOn("tcp_client.py", port), "let", "me", "in"));
        Assert.True(exitCode == 0, errors);
        Assert.Equal(["Sent:     let me in", "Received: "], output);

        Assert.Matches(@"^rejected 127\.0\.0\.1:\d+$", server.ReadLine());
        server.Signal(Signals.SIGTERM);
        Assert.Equal(0, server.WaitForExit());
        Assert.DoesNotContain(server.RemainingLines(), line => line.StartsWith("served", StringComparison.Ordinal));
    }
}
