using System.Text.RegularExpressions;

namespace SocketServer.Forking.Tests;

/// <summary>
/// A spare serves one warm-up request of its own before it reports ready, so the runtime's request path is compiled
/// when the real request comes. The warm-up never runs the program's code (handler, overridden steps) and never reaches
/// the child's meter: in the child, the program sees exactly one request, its real one.
/// </summary>
public class WarmUpTests
{
    public static TheoryData<string> Transports => new() { "tcp", "udp", "unixstream", "unixdatagram" };

    [Theory]
    [MemberData(nameof(Transports))]
    public void A_spare_warms_up_without_running_the_programs_handler_or_steps_or_measuring(string transport)
    {
        using Host host = Host.Start(transport, "--spares", "2");

        // Spares (started, if not ready yet) take every request from then on; before the serving loop has run, the
        // first request could find none and get a child of its own, which skips the warm-up.
        Assert.Equal("spares: target 2 count 2", host.AwaitSpares(2, 2));

        for (int i = 0; i < 3; i++)
        {
            Match reply = Regex.Match(
                host.Request("steps"),
                @"^pid (\d+) warmed (\w+) handlers (\d+) finish (\d+) streams (\d+) shutdown (\d+) io_transmit (\d+)$");
            Assert.True(reply.Success, reply.Value);
            Assert.NotEqual(host.ParentPid.ToString(), reply.Groups[1].Value);
            Assert.Equal("1", reply.Groups[3].Value); // this request's handler, and no other
            Assert.Equal("1", reply.Groups[4].Value);
            Assert.Equal(host.IsStream ? "1" : "0", reply.Groups[5].Value);
            Assert.Equal("0", reply.Groups[6].Value); // the request has not ended yet, and nothing else ended here
            Assert.Equal("0", reply.Groups[7].Value); // the warm-up's reply is not in the child's meter
            Assert.Equal("True", reply.Groups[2].Value); // and yet it was served
        }
    }

    [Fact]
    public void A_child_started_for_a_waiting_request_skips_the_warm_up_and_isolation_holds()
    {
        using Host host = Host.Start("tcp", "--spares", "0");
        Assert.Matches(@"^pid \d+ warmed False handlers 1 finish 1 streams 1 shutdown 0 io_transmit 0$", host.Request("steps"));
        Assert.Matches(@"^pid \d+ count 1$", host.Request("count"));
    }

    [Fact]
    public void Children_run_without_dynamic_PGO_unless_the_program_sets_it()
    {
        using (Host host = Host.Start("tcp"))
        {
            Assert.Matches(@"^pid \d+ pgo 0$", host.Request("pgo"));
        }

        using (Host host = Host.StartWith(new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "1" }, "tcp"))
        {
            Assert.Matches(@"^pid \d+ pgo 1$", host.Request("pgo"));
        }
    }
}
