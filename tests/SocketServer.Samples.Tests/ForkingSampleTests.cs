using System.Text.RegularExpressions;

namespace SocketServer.Samples.Tests;

/// <summary>samples/ForkingTcp shows Python's isolation: each request counts 1 in its own process; the parent's count stays 0.</summary>
public class ForkingSampleTests
{
    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    public void Every_request_counts_one_in_a_process_of_its_own_and_the_parent_counts_none(string spares)
    {
        using ChildProcess server = ChildProcess.Sample("ForkingTcp", "--host", "127.0.0.1", "--port", "0", "--spares", spares);
        int port = server.ReadListeningPort();
        int parent = int.Parse(server.ReadLine()["parent process ".Length..]);

        var processes = new HashSet<int>();
        for (int i = 1; i <= 3; i++)
        {
            var (exitCode, output, errors) = ChildProcess.Run(ChildProcess.Python(DocsExamplesTests.DocsClientOn("tcp_client.py", port), "request", $"{i}"));
            Assert.True(exitCode == 0, errors);
            Match answer = Regex.Match(output[1], $@"^Received: request {i}: process (\d+) counted 1$");
            Assert.True(answer.Success, output[1]);
            processes.Add(int.Parse(answer.Groups[1].Value));
        }

        Assert.Equal(3, processes.Count);
        Assert.DoesNotContain(parent, processes);
        server.Signal(Signals.SIGTERM);
        Assert.Equal(0, server.WaitForExit());
        Assert.Equal(["the parent's count after serving: 0"], server.RemainingLines());
    }
}
