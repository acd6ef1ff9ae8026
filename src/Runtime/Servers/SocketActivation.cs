using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Sockets;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// systemd socket activation (<c>sd_listen_fds(3)</c>): sockets the service manager (or <c>systemd-socket-activate</c>)
/// opened and passed to this process as descriptors 3, 4, … with <c>LISTEN_PID</c> and <c>LISTEN_FDS</c> set. Give one
/// to a server created with <c>bindAndActivate: false</c> through <see cref="TcpServer.AdoptSocket"/>.
/// </summary>
/// <example>
/// <code>
/// var server = new EchoServer(new IPEndPoint(IPAddress.Any, 0), () =&gt; new EchoHandler(), bindAndActivate: false);
/// if (SocketActivation.TakeListeningSockets() is [var inherited, ..])
///     server.AdoptSocket(inherited);          // started by systemd: serve the socket it passed
/// else
/// {
///     server.ServerBind();                    // started by hand: bind the address as usual
///     server.ServerActivate();
/// }
/// </code>
/// </example>
public static class SocketActivation
{
    /// <summary>The first passed descriptor (<c>SD_LISTEN_FDS_START</c>).</summary>
    public const int FirstDescriptor = 3;

    /// <summary>
    /// Takes the sockets passed to this process, in order, and removes <c>LISTEN_PID</c>, <c>LISTEN_FDS</c> and
    /// <c>LISTEN_FDNAMES</c> from the environment (so a second call, and child processes, find none). Each descriptor is
    /// marked close-on-exec, so processes this one starts (a Forking server's children) do not inherit it. Returns an
    /// empty list when the variables are absent or name another process (they were meant for a parent).
    /// </summary>
    /// <returns>The passed sockets; the caller owns them.</returns>
    /// <exception cref="InvalidOperationException"><c>LISTEN_FDS</c> is not a number, or a descriptor is not a socket.</exception>
    public static IReadOnlyList<Socket> TakeListeningSockets()
    {
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        string? count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid is null || count is null)
        {
            return [];
        }

        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int listenPid) || listenPid != Environment.ProcessId)
        {
            return [];
        }

        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int descriptors))
        {
            throw new InvalidOperationException($"LISTEN_FDS is '{count}', not a number of descriptors; the program that started this process set it wrong.");
        }

        var sockets = new List<Socket>(descriptors);
        for (int fd = FirstDescriptor; fd < FirstDescriptor + descriptors; fd++)
        {
            if (Libc.IsSupported)
            {
                _ = Libc.Fcntl(fd, Libc.SetDescriptorFlags, Libc.CloseOnExec);
            }

            try
            {
                sockets.Add(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException(
                    $"Descriptor {fd}, passed by socket activation (LISTEN_FDS={descriptors}), is not a socket: {e.Message}", e);
            }
        }

        return sockets;
    }
}
