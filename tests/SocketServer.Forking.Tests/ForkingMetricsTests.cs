using System.Globalization;

namespace SocketServer.Forking.Tests;

/// <summary>
/// What a Forking server measures in its own process, as SocketServerTelemetry documents: the parent's part of each
/// request (taking it, verifying it, handing it to a child) and the errors the parent itself reports. The handler runs
/// in the child, so neither its bytes nor its exceptions reach the parent's meter.
/// </summary>
public class ForkingMetricsTests
{
    public static TheoryData<string> Transports => new() { "tcp", "udp", "unixstream", "unixdatagram" };

    [Theory]
    [MemberData(nameof(Transports))]
    public void The_parent_measures_taking_and_handing_over_requests_and_its_own_error_reports(string transport)
    {
        using Host host = Host.Start(transport);
        string[] sent = ["count", "count", "count"];
        foreach (string command in sent)
        {
            Assert.Matches(@"^pid \d+ count 1$", host.Request(command));
        }

        // An exception in the child is the child's: reported there, measured there.
        Assert.Equal("", host.Request("throw"));
        host.Process.ReadUntil(l => l.StartsWith("error ", StringComparison.Ordinal) && l.Contains("InvalidOperationException"), "the child's report");

        // A child killed mid-request is reported by the parent: one error in the parent's meter.
        host.SendOnly("die");
        host.Process.ReadUntil(l => l.StartsWith($"error {host.ParentPid} ChildProcessException", StringComparison.Ordinal), "the parent's report");

        // A refused request is the parent's (a datagram server has received its bytes; a stream server reads nothing).
        Assert.Equal("rejecting: on", host.Command("reject on", "rejecting:"));
        host.SendOnly("rejected");
        host.Process.ReadUntil(l => l == "rejected", "the refusal");
        Assert.Equal("rejecting: off", host.Command("reject off", "rejecting:"));

        // The serving loop takes requests one after another: once this one is answered, the refusal is fully measured.
        Assert.Matches(@"^pid \d+ count 1$", host.Request("count"));
        Dictionary<string, double> metrics = Parse(host.Command("metrics", "metrics:"));

        int handedOver = sent.Length + 3; // the counts, "throw", "die", the last count
        Assert.Equal(handedOver + 1, metrics["requests"]);
        Assert.Equal(1, metrics["rejected"]);
        Assert.Equal(handedOver, metrics["active_starts"]);
        Assert.Equal(0, metrics["active"]);
        Assert.Equal(handedOver, metrics["durations"]);
        Assert.Equal(0, metrics["failed_durations"]); // the hand-off succeeded; the child died later
        Assert.Equal(1, metrics["errors"]);
        Assert.Equal(0, metrics["accept_errors"]);
        Assert.Equal(0, metrics["aborted"]);
        Assert.Equal(0, metrics["io_transmit"]);
        bool datagrams = !host.IsStream;
        int receivedByParent = datagrams ? Encoding.UTF8.GetByteCount(string.Concat(sent) + "throw" + "die" + "rejected" + "count") : 0;
        Assert.Equal(receivedByParent, metrics["io_receive"]);
    }

    private static Dictionary<string, double> Parse(string line)
    {
        Assert.StartsWith("metrics: ", line);
        return line["metrics: ".Length..]
            .Split(' ')
            .Select(pair => pair.Split('='))
            .ToDictionary(pair => pair[0], pair => double.Parse(pair[1], CultureInfo.InvariantCulture));
    }
}
