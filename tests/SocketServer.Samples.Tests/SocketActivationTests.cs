using System.Net;
using System.Net.Sockets;

namespace SocketServer.Samples.Tests;

/// <summary>
/// systemd socket activation end to end: Debian's <c>systemd-socket-activate</c> (installed by .ci/run) opens the
/// listening socket, starts samples/Echo on the first connection with LISTEN_FDS/LISTEN_PID set, and Echo serves that
/// socket instead of binding its own.
/// </summary>
public class SocketActivationTests
{
    [Theory]
    [InlineData("tcp")]
    [InlineData("unixstream")]
    public void Echo_started_by_systemd_socket_activate_serves_the_passed_socket(string transport)
    {
        string echo = ChildProcess.BuiltPath(Path.Combine("samples", "Echo"), "Echo");
        string address;
        EndPoint endPoint;
        if (transport == "tcp")
        {
            int port = FreePort();
            address = $"127.0.0.1:{port}";
            endPoint = new IPEndPoint(IPAddress.Loopback, port);
        }
        else
        {
            address = Path.Combine(Path.GetTempPath(), $"activated-{Guid.NewGuid():N}"[..26] + ".sock");
            endPoint = new UnixDomainSocketEndPoint(address);
        }

        try
        {
            using ChildProcess activator = ChildProcess.Start(
                "systemd-socket-activate", "-l", address, ChildProcess.DotNet, echo, "--transport", transport, "--concurrency", "threading");
            activator.WaitForStandardError($"Listening on {address}", "systemd-socket-activate to listen");

            // The first connection starts Echo; it is served on the socket systemd-socket-activate made.
            Assert.Equal("first", StreamClients.Exchange(endPoint, "first"));
            Assert.Equal($"listening on {address}", activator.ReadLine());
            Assert.Equal("second", StreamClients.Exchange(endPoint, "second"));

            // systemd-socket-activate exec()s the service, so the process is Echo now: SIGTERM stops it cleanly.
            activator.Signal(Signals.SIGTERM);
            Assert.Equal(0, activator.WaitForExit());
            if (transport == "unixstream")
            {
                Assert.True(File.Exists(address), "Echo removed a socket file it did not make.");
            }
        }
        finally
        {
            if (transport == "unixstream")
            {
                File.Delete(address);
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
