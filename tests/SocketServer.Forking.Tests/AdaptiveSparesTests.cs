using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SocketServer.Forking.Tests;

/// <summary>
/// Apache's MinSpareServers/MaxSpareServers for a Forking server: it keeps SpareChildren spares, one more each time a
/// request finds no spare ready (up to MaxSpareChildren, and never past MaxChildren children in all), and lets the extra
/// ones go again once it is idle.
/// </summary>
public class AdaptiveSparesTests(ITestOutputHelper output)
{
    [Fact]
    public void Requests_that_find_no_spare_ready_raise_the_spares_up_to_MaxSpareChildren_and_idleness_lowers_them_back()
    {
        using Host host = Host.Start("tcp", "--spares", "1", "--max-spares", "3", "--max-children", "20");
        Assert.Equal("spares: target 1 count 1", host.AwaitSpares(1, 1)); // the serving loop starts the first spare once it runs

        // Five requests at once: the serving loop takes them microseconds apart, far sooner than a replacement spare starts.
        List<Socket> held = Hold(host, 5);
        Match grown = Regex.Match(host.Command("spares", "spares:"), @"^spares: target (\d+) count (\d+)$");
        Assert.Equal("3", grown.Groups[1].Value);
        Assert.InRange(int.Parse(grown.Groups[2].Value), 1, 3);
        Assert.Equal("spares: target 3 count 3", host.AwaitSpares(3, 3));

        Release(held);
        Assert.Equal("spares: target 1 count 1", host.AwaitSpares(1, 1));
        Assert.Single(host.WaitForChildrenToLeave(remaining: 1));
        Assert.Matches(@"^pid \d+ count 1$", host.Request("count"));
    }

    [Fact]
    public void A_MaxSpareChildren_at_or_below_SpareChildren_keeps_exactly_SpareChildren()
    {
        using Host host = Host.Start("tcp", "--spares", "2", "--max-spares", "0");
        List<Socket> held = Hold(host, 4);
        Assert.Matches(@"^spares: target 2 count [012]$", host.Command("spares", "spares:"));
        Assert.Equal("spares: target 2 count 2", host.AwaitSpares(2, 2));
        Release(held);
    }

    [Fact]
    public void With_SpareChildren_0_no_spare_is_kept_however_fast_requests_come()
    {
        using Host host = Host.Start("tcp", "--spares", "0", "--max-spares", "8");
        List<Socket> held = Hold(host, 3);
        Assert.Equal("spares: target 0 count 0", host.Command("spares", "spares:"));
        Assert.Equal(3, host.Children().Length);
        Release(held);
    }

    [Fact]
    public void Extra_spares_never_take_the_children_past_MaxChildren()
    {
        const int MaxChildren = 3;
        const int SpareChildren = 1;

        // The bound without adaptive spares: the program, MaxChildren running, SpareChildren waiting. Extra spares only
        // fill what MaxChildren leaves, so a server asked for up to 8 spares stays within it.
        int bound = 1 + MaxChildren + SpareChildren;
        using Host host = Host.Start("tcp", "--spares", $"{SpareChildren}", "--max-spares", "8", "--max-children", $"{MaxChildren}");
        using var tree = new ProcessTreeSampler(host.ParentPid, bound, host.Process.KillProcessGroup);

        List<Socket> held = Hold(host, 2);
        Match grown = Regex.Match(host.Command("spares", "spares:"), @"^spares: target (\d+) count (\d+)$");
        Assert.True(int.Parse(grown.Groups[1].Value) > SpareChildren, grown.Value);
        Release(held);
        for (int i = 0; i < 20; i++)
        {
            Assert.Matches(@"^pid \d+ count 1$", host.Request("count"));
        }

        host.Command("close", "closing");
        host.Process.ReadUntil(l => l == "closed", "closed");
        Assert.Equal(0, host.Process.WaitForExit());
        tree.Dispose();
        output.WriteLine(tree.Report);
        Assert.True(tree.Violations.Count == 0 && tree.MaxTree <= bound, tree.Report);
    }

    /// <summary>Opens <paramref name="count"/> "hold" requests at once and waits until each child holds its request.</summary>
    private static List<Socket> Hold(Host host, int count)
    {
        var held = new List<Socket>();
        for (int i = 0; i < count; i++)
        {
            Socket connection = host.Connect();
            connection.Send("hold\n"u8);
            held.Add(connection);
        }

        foreach (Socket connection in held)
        {
            Assert.Matches(@"^pid \d+ holding$", Host.ReadLine(connection));
        }

        return held;
    }

    private static void Release(List<Socket> held)
    {
        foreach (Socket connection in held)
        {
            connection.Send("go\n"u8);
            Assert.Equal("released", Host.ReadLine(connection));
            connection.Dispose();
        }
    }
}
