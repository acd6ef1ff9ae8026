using System.Net;
using System.Net.Sockets;

namespace SocketServer.Samples.Tests;

/// <summary>
/// Several processes serving one service: two samples/HostedEcho processes sharing a port with <c>--reuse-port</c>
/// (SO_REUSEPORT), and two behind HAProxy (installed by .ci/run) restarted one at a time by samples/ScaleOut.
/// </summary>
public class ScaleOutTests
{
    private const int Connections = 40;

    [Fact]
    public void Two_processes_with_reuse_port_share_one_port_and_the_kernel_spreads_connections_over_both()
    {
        using ChildProcess first = ChildProcess.Sample("HostedEcho", "--host", "127.0.0.1", "--port", "0", "--reuse-port");
        int port = first.ReadListeningPort();
        using ChildProcess second = ChildProcess.Sample("HostedEcho", "--host", "127.0.0.1", "--port", port.ToString(), "--reuse-port");
        Assert.Equal(port, second.ReadListeningPort());
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);

        // Every connection is held open after its echo comes back, so its server end is in one process's table now.
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                clients.Add(StreamClients.Connect(endPoint));
                Assert.Equal($"hello {i}", StreamClients.Echo(clients[^1], $"hello {i}"));
            }

            Dictionary<int, int> owners = ConnectionOwners.ByClientPort(port, first.Id, second.Id);
            int[] clientPorts = [.. clients.Select(c => ((IPEndPoint)c.LocalEndPoint!).Port)];
            Assert.All(clientPorts, clientPort => Assert.True(owners.ContainsKey(clientPort), $"No process holds the connection from port {clientPort}."));
            int onFirst = clientPorts.Count(clientPort => owners[clientPort] == first.Id);

            // Hash spreading: the chance that 40 connections all land on one of two listeners is 2 in 2^40.
            Assert.InRange(onFirst, 1, Connections - 1);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        // One instance stops; the other goes on serving the port alone.
        first.Signal(Signals.SIGTERM);
        Assert.Equal(0, first.WaitForExit());
        for (int i = 0; i < 10; i++)
        {
            using Socket client = StreamClients.Connect(endPoint);
            Assert.Equal($"alone {i}", StreamClients.Echo(client, $"alone {i}"));
            Assert.Equal(second.Id, ConnectionOwners.ByClientPort(port, second.Id)[((IPEndPoint)client.LocalEndPoint!).Port]);
        }

        second.Signal(Signals.SIGTERM);
        Assert.Equal(0, second.WaitForExit());
    }

    [Fact]
    public void Without_reuse_port_a_second_process_cannot_bind_the_port_and_says_why()
    {
        using ChildProcess first = ChildProcess.Sample("HostedEcho", "--host", "127.0.0.1", "--port", "0", "--reuse-port");
        int port = first.ReadListeningPort();

        // The first process set SO_REUSEPORT, but sharing needs it on both: the second is refused, with the runtime's advice.
        var (exitCode, output, errors) = ChildProcess.Run(ChildProcess.Sample("HostedEcho", "--host", "127.0.0.1", "--port", port.ToString()));
        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains($"127.0.0.1:{port}", errors, StringComparison.Ordinal);
        Assert.Contains("AllowReusePort", errors, StringComparison.Ordinal);

        first.Signal(Signals.SIGTERM);
        Assert.Equal(0, first.WaitForExit());
    }

    [Fact]
    public void Rolling_restart_behind_HAProxy_fails_no_new_connection_and_loses_no_running_echo()
    {
        var (exitCode, output, errors) = RollingRestart();
        Assert.True(exitCode == 0, $"rolling_restart.py exited with {exitCode}:\n{string.Join('\n', output)}\n{errors}");
        Assert.Contains("OK: no connection failed and no running echo was lost", output);

        // The script's own figures: both instances served, each restart kept open connections going, no failure.
        Assert.Contains(output, line => line.StartsWith("spread: 40 connections -> a 20, b 20", StringComparison.Ordinal));
        Assert.Equal(2, output.Count(line => line.StartsWith("restart ", StringComparison.Ordinal) && line.Contains("finished during the drain", StringComparison.Ordinal)));
        Assert.Contains(output, line => line.StartsWith("load: ", StringComparison.Ordinal) && line.EndsWith(", 0 failed", StringComparison.Ordinal));
    }

    [Fact]
    public void The_rolling_restart_script_fails_when_stopping_an_instance_cuts_its_running_echoes()
    {
        // No drain: the stopped instance aborts its open connections at once, and the script must say so: a client
        // sees its connection end, or (if its echoes came back before the abort landed) the host's log says it aborted.
        // Usually the first restart (a) fails; when its clients finished and closed before the abort landed, the abort
        // cut nothing, a passes, and the second restart (b) fails instead.
        var (exitCode, _, errors) = RollingRestart("--drain-seconds", "0");
        Assert.Equal(1, exitCode);
        Assert.Matches("FAILED: (open connection [ab]-[0-9]: turn [0-9]: |[ab] aborted connections instead of draining them)", errors);
    }

    private static (int ExitCode, string[] Output, string Errors) RollingRestart(params string[] arguments) =>
        ChildProcess.Run(ChildProcess.Python(
            [ChildProcess.InRepository("samples", "ScaleOut", "rolling_restart.py"), "--echo", ChildProcess.BuiltPath(Path.Combine("samples", "HostedEcho"), "HostedEcho"), .. arguments]));
}
