using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketServer.Samples.Tests;

/// <summary>
/// Accept-loop resilience: a server in a child process with a lowered descriptor limit (<c>ulimit -n</c>) runs out of
/// descriptors (EMFILE) with a client waiting. CPython's loop retries accept() at once and spins at 100 % CPU; ours
/// pauses (10 ms, doubling up to 1 s), says so once, and takes the waiting client when descriptors come back.
/// </summary>
public class DescriptorExhaustionTests
{
    [Fact]
    public void Out_of_descriptors_the_server_pauses_accepting_without_spinning_and_recovers()
    {
        string host = ChildProcess.BuiltPath(Path.Combine("tests", "SocketServer.Resilience.Host"), "SocketServer.Resilience.Host");
        using ChildProcess server = ChildProcess.Start("bash", "-c", "ulimit -n 256 && exec \"$@\"", "bash", ChildProcess.DotNet, host);
        string listening = server.ReadLine();
        var endPoint = IPEndPoint.Parse(listening["listening on ".Length..]);
        Assert.Equal("warm up\n", EchoLine(endPoint, "warm up\n"));

        server.WriteLine("exhaust");
        Assert.StartsWith("exhausted ", server.ReadLine());
        using Socket waiting = ConnectUnaccepted(server, endPoint);
        string failure = server.StandardError.Split('\n').First(line => line.Contains(AcceptFailed, StringComparison.Ordinal));
        Assert.Contains("TooManyOpenSockets", failure, StringComparison.Ordinal);
        Assert.Contains("ulimit -n", failure, StringComparison.Ordinal);

        // A measuring window, not a synchronisation: a loop that retried accept() at once would burn a whole core
        // (about 2 s of CPU in 2 s); pausing, it uses next to none.
        double before = CpuSeconds(server.Id);
        Thread.Sleep(TimeSpan.FromSeconds(2));
        double used = CpuSeconds(server.Id) - before;
        Assert.True(used < 1.0, $"The server used {used:0.00} s of CPU in 2 s while out of descriptors: it spins.");

        server.WriteLine("release");
        Assert.Equal("released", server.ReadLine());
        Assert.Equal("waited\n", StreamClients.ReadLine(waiting)); // the waiting client was taken once a descriptor was free
        server.WaitForStandardError(AcceptRecovered, "the server to report that accepting works again");

        // Reported once, not on every retry of accept().
        string[] lines = server.StandardError.Split('\n');
        int recovered = Array.FindIndex(lines, line => line.Contains(AcceptRecovered, StringComparison.Ordinal));
        Assert.Single(lines[..recovered], line => line.Contains(AcceptFailed, StringComparison.Ordinal));
        Assert.Equal("after\n", EchoLine(endPoint, "after\n"));

        server.WriteLine("quit");
        Assert.Equal(0, server.WaitForExit());
    }

    private const string AcceptFailed = "accepting a connection failed";
    private const string AcceptRecovered = "accepting works again";

    /// <summary>
    /// A client that has sent a line the server cannot accept: the kernel completes the connection, and the server,
    /// out of descriptors, reports that accepting failed. Should a descriptor come free before the host takes it back
    /// (the runtime opens and closes files of its own), the server accepts and echoes instead: then a new client tries.
    /// </summary>
    private static Socket ConnectUnaccepted(ChildProcess server, IPEndPoint endPoint)
    {
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            Socket client = StreamClients.Connect(endPoint);
            client.Send("waited\n"u8);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                if (client.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
                {
                    break; // served: a descriptor was free after all
                }

                if (server.StandardError.Contains(AcceptFailed, StringComparison.Ordinal))
                {
                    return client;
                }
            }

            client.Dispose();
        }

        Assert.Fail($"In 5 attempts the server never failed to accept. stderr:\n{server.StandardError}");
        return null!;
    }

    private static string EchoLine(IPEndPoint endPoint, string line)
    {
        using Socket socket = StreamClients.Connect(endPoint);
        socket.Send(Encoding.ASCII.GetBytes(line));
        return StreamClients.ReadLine(socket);
    }

    /// <summary>User + system CPU time of a process, from /proc/PID/stat (clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
