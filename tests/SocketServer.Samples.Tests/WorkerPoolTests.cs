using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace SocketServer.Samples.Tests;

/// <summary>
/// The worker-pool sample: a concurrency mix-in written outside the runtime, with a <c>Workers</c> setting declared by
/// its settings interface, composed in place of Threading with no generator change.
/// </summary>
public partial class WorkerPoolTests
{
    private const int Workers = 2;
    private const int Requests = 6;

    [Fact]
    public void Six_requests_run_at_most_Workers_at_a_time_and_each_is_counted_until_it_ends()
    {
        using ChildProcess server = ChildProcess.Sample("WorkerPool", "--host", "127.0.0.1", "--port", "0", "--workers", Workers.ToString(CultureInfo.InvariantCulture));
        int port = server.ReadListeningPort();
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < Requests; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(IPAddress.Loopback, port);
                client.Send(Encoding.ASCII.GetBytes($"request {i}\n"));
            }

            var waiting = new List<Socket>(clients);
            var running = new Queue<Socket>();
            var starts = new List<(int Busy, int Active)>();
            while (starts.Count < Requests || running.Count > 0)
            {
                // Hold Workers requests before ending any, so a pool that ran more at once would show it.
                if (running.Count >= Workers || (waiting.Count == 0 && running.Count > 0))
                {
                    Socket done = running.Dequeue();
                    done.Send("bye\n"u8.ToArray());
                    Assert.Equal("bye", ReadLine(done));
                    Assert.Equal(0, done.Receive(new byte[1]));
                    continue;
                }

                // A handler writes its first line when a worker runs it.
                var readable = new List<Socket>(waiting);
                Socket.Select(readable, null, null, ChildProcess.Limit);
                Assert.NotEmpty(readable);
                foreach (Socket started in readable)
                {
                    Match line = StartedLine().Match(ReadLine(started));
                    Assert.True(line.Success);
                    starts.Add((int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture)));
                    Assert.InRange(starts[^1].Busy, 1, Workers);
                    waiting.Remove(started);
                    running.Enqueue(started);
                }
            }

            Assert.Equal(Workers, starts.Max(s => s.Busy));

            // Each request stops counting when it ends: when the last one starts, only requests still on a worker count.
            Assert.InRange(starts[^1].Active, 1, Workers);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        server.Signal(Signals.SIGTERM);
        Assert.Equal(0, server.WaitForExit());
    }

    private static string ReadLine(Socket socket)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (socket.Receive(one) == 1 && one[0] != (byte)'\n')
        {
            line.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. line]);
    }

    [GeneratedRegex(@"^started busy=(\d+) active=(\d+)$")]
    private static partial Regex StartedLine();
}
