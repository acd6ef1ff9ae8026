using System.Text.RegularExpressions;

namespace SocketServer.Forking.Tests;

/// <summary>Python's ForkingMixIn semantics, with real child processes of a real program.</summary>
public class ForkingTests
{
    public static TheoryData<string> Transports => new() { "tcp", "udp", "unixstream", "unixdatagram" };

    [Theory]
    [MemberData(nameof(Transports))]
    public void Each_request_runs_in_its_own_process_and_its_changes_never_reach_the_server(string transport)
    {
        using Host host = Host.Start(transport);
        var pids = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            Match reply = Regex.Match(host.Request("count"), @"^pid (\d+) count (\d+)$");
            Assert.True(reply.Success, reply.Value);
            Assert.Equal("1", reply.Groups[2].Value);
            pids.Add(int.Parse(reply.Groups[1].Value));
        }

        Assert.Equal(5, pids.Distinct().Count());
        Assert.DoesNotContain(host.ParentPid, pids);
        Assert.Equal("count: 0", host.Command("count", "count:"));
    }

    [Fact]
    public void A_hundred_back_to_back_requests_with_spares_all_complete()
    {
        // Regression: reaping called Process.HasExited under the mix-in's lock while an Exited handler waited for
        // that lock under the Process's own; back-to-back requests with spares deadlocked the serving loop.
        using Host host = Host.Start("tcp", "--spares", "2");
        var pids = new HashSet<int>();
        for (int i = 0; i < 100; i++)
        {
            Match reply = Regex.Match(host.Request("count"), @"^pid (\d+) count 1$");
            Assert.True(reply.Success, $"request {i}: {reply.Value}");
            pids.Add(int.Parse(reply.Groups[1].Value));
        }

        Assert.Equal(100, pids.Count);
    }

    [Fact]
    public void Without_spares_each_request_starts_its_child_and_isolation_holds()
    {
        using Host host = Host.Start("tcp", "--spares", "0");
        string[] replies = [host.Request("count"), host.Request("count")];
        Assert.All(replies, r => Assert.Matches(@"^pid \d+ count 1$", r));
        Assert.NotEqual(replies[0], replies[1]);
        Assert.Equal("count: 0", host.Command("count", "count:"));
    }

    [Fact]
    public void ActiveChildren_is_null_before_the_first_request_then_lists_running_children_until_they_are_reaped()
    {
        using Host host = Host.Start("tcp");
        Assert.Equal("active: null", host.Command("active", "active:"));

        using (Socket held = host.Connect())
        {
            held.Send("hold\n"u8.ToArray());
            int child = int.Parse(Regex.Match(Host.ReadLine(held), @"^pid (\d+) holding$").Groups[1].Value);
            Assert.NotEqual(host.ParentPid, child);
            Assert.Equal($"active: {child}", host.Command("active", "active:"));

            held.Send("go\n"u8.ToArray());
            Assert.Equal("released", Host.ReadLine(held));
            Assert.Empty(Host.ReadToEnd(held));
        }

        // The child exits right after its request; the loop reaps it.
        string active = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (active != "active: none" && clock.Elapsed < ChildProcess.Limit)
        {
            host.Command("collect", "collected");
            active = host.Command("active", "active:");
        }

        Assert.Equal("active: none", active);
    }

    [Fact]
    public void At_MaxChildren_the_server_waits_for_a_child_to_finish()
    {
        using Host host = Host.Start("tcp", "--max-children", "1", "--spares", "0");
        using Socket held = host.Connect();
        held.Send("hold\n"u8.ToArray());
        Assert.Matches(@"^pid \d+ holding$", Host.ReadLine(held));

        Task<string> waiting = Task.Run(() => host.Request("count"));
        Assert.False(waiting.Wait(TimeSpan.FromMilliseconds(700)), "A second child ran while MaxChildren = 1 was running.");

        held.Send("go\n"u8.ToArray());
        Assert.Equal("released", Host.ReadLine(held));
        Assert.True(waiting.Wait(ChildProcess.Limit));
        Assert.Matches(@"^pid \d+ count 1$", waiting.Result);
    }

    [Fact]
    public void With_BlockOnClose_ServerClose_waits_for_running_children()
    {
        using Host host = Host.Start("tcp");
        using Socket held = host.Connect();
        held.Send("hold\n"u8.ToArray());
        Host.ReadLine(held);

        host.Command("close", "closing");
        Task<string> closed = Task.Run(() => host.Process.ReadUntil(l => l == "closed", "closed"));
        Assert.False(closed.Wait(TimeSpan.FromMilliseconds(700)), "ServerClose() returned while a child was running.");
        held.Send("go\n"u8.ToArray());
        Assert.Equal("released", Host.ReadLine(held));
        Assert.True(closed.Wait(ChildProcess.Limit));
        Assert.Equal(0, host.Process.WaitForExit());
    }

    [Fact]
    public void Closing_the_server_fires_the_StoppingToken_of_running_children()
    {
        using Host host = Host.Start("tcp");
        using Socket watching = host.Connect();
        watching.Send("watch\n"u8.ToArray());
        Assert.Matches(@"^pid \d+ watching$", Host.ReadLine(watching));

        host.Command("close", "closing");
        Assert.Equal("stopped", Host.ReadLine(watching));
        host.Process.ReadUntil(l => l == "closed", "closed");
        Assert.Equal(0, host.Process.WaitForExit());
    }

    [Fact]
    public void Without_BlockOnClose_ServerClose_returns_while_children_still_serve()
    {
        using Host host = Host.Start("tcp", "--block-on-close", "false");
        using Socket held = host.Connect();
        held.Send("hold\n"u8.ToArray());
        int child = int.Parse(Regex.Match(Host.ReadLine(held), @"^pid (\d+) holding$").Groups[1].Value);

        host.Command("close", "closing");
        host.Process.ReadUntil(l => l == "closed", "closed");
        Assert.True(Host.IsRunning(child));
        held.Send("go\n"u8.ToArray());
        Assert.Equal("released", Host.ReadLine(held));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public void An_exception_is_reported_by_HandleError_in_the_child_and_serving_goes_on(string transport)
    {
        using Host host = Host.Start(transport);
        string reply = host.Request("throw");
        Assert.Equal("", reply); // a stream child closes; a datagram child still sends its (empty) WFile
        Match error = Regex.Match(
            host.Process.ReadUntil(l => l.StartsWith("error ", StringComparison.Ordinal), "the child's HandleError"),
            @"^error (\d+) InvalidOperationException: thrown on purpose$");
        Assert.True(error.Success);
        Assert.NotEqual(host.ParentPid, int.Parse(error.Groups[1].Value));
        Assert.Matches(@"^pid \d+ count 1$", host.Request("count"));
    }

    [Fact]
    public void A_child_killed_mid_request_is_reaped_and_reported_and_the_server_goes_on()
    {
        using Host host = Host.Start("tcp");
        Assert.Equal("", host.Request("die"));
        string report = host.Process.ReadUntil(l => l.StartsWith($"error {host.ParentPid} ", StringComparison.Ordinal), "the parent's report");
        Assert.Matches(@"^error \d+ ChildProcessException: Child process \d+ running the request from 127\.0\.0\.1:\d+ was ended by signal 9 before finishing it\.$", report);
        Assert.Matches(@"^pid \d+ count 1$", host.Request("count"));
    }

    [Fact]
    public void A_child_that_cannot_take_its_request_is_reported_the_client_closed_and_nothing_leaks()
    {
        using Host host = Host.Start("tcp", "--broken-children", "--spares", "0");
        Assert.Equal("", host.Request("count"));
        Assert.Matches(
            @"^error \d+ ChildProcessException: The child process started for the request from 127\.0\.0\.1:\d+ could not take it: it exited with code 3 before taking the request",
            host.Process.ReadUntil(l => l.StartsWith("error", StringComparison.Ordinal), "the report"));

        int before = Directory.GetFiles($"/proc/{host.ParentPid}/fd").Length;
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal("", host.Request("count"));
            host.Process.ReadUntil(l => l.StartsWith("error", StringComparison.Ordinal), "the report");
        }

        int after = Directory.GetFiles($"/proc/{host.ParentPid}/fd").Length;
        Assert.True(after - before < 5, $"{after - before} more descriptors after 10 failed hand-offs.");
        Assert.DoesNotContain(host.Children(), Host.IsRunning);
    }

    [Fact]
    public void A_process_the_program_starts_inherits_no_socket_while_connections_are_handed_over()
    {
        using Host host = Host.Start("tcp");
        using Socket held = host.Connect();
        held.Send("hold\n"u8.ToArray());
        Host.ReadLine(held);

        host.Process.WriteLine("spawn-ls");
        var lines = new List<string>();
        for (string line = host.Process.ReadUntil(l => l.StartsWith("fd: ", StringComparison.Ordinal), "ls"); line != "fd: end"; line = host.Process.ReadLine())
        {
            lines.Add(line);
        }

        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains("socket:", StringComparison.Ordinal));
        held.Send("go\n"u8.ToArray());
    }

    [Fact]
    public void Closing_the_server_leaves_no_spare_child_running()
    {
        using Host host = Host.Start("tcp", "--spares", "2");
        Assert.Matches(@"^pid \d+ count 1$", host.Request("count"));

        int[] children = [];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (children.Count(Host.IsRunning) < 2 && clock.Elapsed < ChildProcess.Limit)
        {
            children = host.Children();
            Thread.Yield();
        }

        Assert.True(children.Count(Host.IsRunning) >= 2, "The spares did not start.");
        host.Command("close", "closing");
        host.Process.ReadUntil(l => l == "closed", "closed");
        Assert.Equal(0, host.Process.WaitForExit());
        Assert.DoesNotContain(children, Host.IsRunning);
    }
}
