using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SocketServer.Forking.Tests;

/// <summary>
/// A Forking child is the program run again, so it makes every call the program makes before serving. Whatever that
/// is — ServiceActions(), HandleTimeout(), CollectChildren(), a second Forking server, a loop of its own — a child
/// never starts a child: the program's processes stay within 1 + MaxChildren + SpareChildren (per server), all direct
/// children of the program, and none outlives it.
/// </summary>
public class ChildrenNeverStartChildrenTests(ITestOutputHelper output)
{
    private const int MaxChildren = 2;
    private const int SpareChildren = 1;

    public static TheoryData<string, string> Programs()
    {
        var data = new TheoryData<string, string>();
        foreach (string before in new[] { "service-actions", "handle-timeout", "collect-children", "two-servers", "loop" })
        {
            foreach (string transport in new[] { "tcp", "udp", "unixstream", "unixdatagram" })
            {
                data.Add(before, transport);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_program_never_has_more_than_its_own_children_and_none_outlives_it(string before, string transport)
    {
        // The program, the children running requests, the spares; with two servers, the second one's spare too (it
        // gets no request, so no running child).
        int bound = 1 + MaxChildren + SpareChildren + (before == "two-servers" ? 1 : 0);
        using Host host = Host.Start(transport, "--before", before, "--max-children", $"{MaxChildren}", "--spares", $"{SpareChildren}");
        using var tree = new ProcessTreeSampler(host.ParentPid, bound, host.Process.KillProcessGroup);

        // Rounds of MaxChildren requests at once: spares are taken and replaced, and the MaxChildren wait is reached.
        string[] replies = UnlessRunaway(tree, () =>
        {
            var all = new List<string>();
            for (int round = 0; round < 3; round++)
            {
                Task<string>[] clients = Enumerable.Range(0, MaxChildren).Select(_ => Task.Run(() => host.Request("count"))).ToArray();
                Assert.True(Task.WaitAll(clients, ChildProcess.Limit), "A round of requests did not finish.");
                all.AddRange(clients.Select(c => c.Result));
            }

            return all.ToArray();
        });
        var pids = new HashSet<int>();
        foreach (string reply in replies)
        {
            Match match = Regex.Match(reply, @"^pid (\d+) count 1$");
            Assert.True(match.Success, $"reply '{reply}'. {tree.Report}");
            pids.Add(int.Parse(match.Groups[1].Value));
        }

        Assert.Equal(3 * MaxChildren, pids.Count);
        Assert.DoesNotContain(host.ParentPid, pids);

        host.Command("close", "closing");
        host.Process.ReadUntil(l => l == "closed", "closed");
        Assert.Equal(0, host.Process.WaitForExit());
        int[] leftovers = tree.WaitForEmptyGroup(TimeSpan.FromSeconds(30));
        tree.Dispose();
        output.WriteLine(tree.Report);

        Assert.True(leftovers.Length == 0, $"Processes left after the program exited (killed): {string.Join(", ", leftovers)}. {tree.Report}");
        Assert.True(tree.Violations.Count == 0, tree.Report);
        Assert.True(tree.MaxTree <= bound && tree.MaxGroup <= bound, tree.Report);
    }

    [Theory]
    [MemberData(nameof(ForkingTests.Transports), MemberType = typeof(ForkingTests))]
    public void In_a_child_the_process_start_and_ProcessRequest_refuse_and_say_why(string transport)
    {
        // Defence in depth: in a child no server gets this far, so the program calls them itself from its handler.
        using Host host = Host.Start(transport, "--spares", "0", "--max-children", "1");
        using var tree = new ProcessTreeSampler(host.ParentPid, 2, host.Process.KillProcessGroup);

        string started = UnlessRunaway(tree, () => host.Request("start-child"));
        Match refused = Regex.Match(
            started,
            @"^refused: Refused to start a child process from Forking child process (\d+): a Forking child serves the one request its parent " +
            @"handed it and exits; it never starts children\. Each child is the program started again, so a child that started children would " +
            @"have every one of them start more, without end\.$");
        Assert.True(refused.Success, started);
        Assert.NotEqual(host.ParentPid, int.Parse(refused.Groups[1].Value));

        string processed = UnlessRunaway(tree, () => host.Request("process-request"));
        Assert.Matches(
            @"^refused: ProcessRequest\(\) was called on \w+Host in a Forking child process\. A child serves the one request its parent handed it " +
            @"\(its ServeForever\(\) or HandleRequest\(\) runs it\) and exits; it never hands a request on, for a child never starts a child\.$",
            processed);

        host.Command("close", "closing");
        host.Process.ReadUntil(l => l == "closed", "closed");
        Assert.Equal(0, host.Process.WaitForExit());
        int[] leftovers = tree.WaitForEmptyGroup(TimeSpan.FromSeconds(30));
        tree.Dispose();
        output.WriteLine(tree.Report);
        Assert.True(leftovers.Length == 0 && tree.Violations.Count == 0, tree.Report);
    }

    /// <summary>Runs <paramref name="requests"/>, but fails at once if the sampler kills a runaway (a datagram client would wait for its reply).</summary>
    private static T UnlessRunaway<T>(ProcessTreeSampler tree, Func<T> requests)
    {
        Task<T> running = Task.Run(requests);
        int signalled = WaitHandle.WaitAny([((IAsyncResult)running).AsyncWaitHandle, tree.Runaway], ChildProcess.Limit);
        Assert.True(signalled == 0, signalled == 1 ? "Runaway: the program's process group was killed. " + tree.Report : "The requests did not finish.");
        return running.GetAwaiter().GetResult();
    }
}
