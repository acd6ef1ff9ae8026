using System;
using System.Net.Sockets;
using System.Threading;

namespace SocketServer.Internal;

/// <summary>
/// Sets <c>SO_REUSEADDR</c> and <c>SO_REUSEPORT</c> one at a time.
/// </summary>
/// <remarks>
/// On Linux and macOS, <c>Socket.SetSocketOption(SocketOptionName.ReuseAddress, true)</c> sets both
/// <c>SO_REUSEADDR</c> and <c>SO_REUSEPORT</c> (to mimic Windows), which would silently let a second
/// process share the port. Python's <c>allow_reuse_address</c> means <c>SO_REUSEADDR</c> alone, so the
/// raw option numbers are used instead.
/// </remarks>
internal static class SocketOptions
{
    private static int SolSocket => OperatingSystem.IsLinux() ? 1 : 0xffff;

    private static int SoReuseAddr => OperatingSystem.IsLinux() ? 2 : 0x0004;

    private static int SoReusePort => OperatingSystem.IsLinux() ? 15 : 0x0200;

    /// <summary>True where <c>SO_REUSEPORT</c> exists (Python checks <c>hasattr(socket, "SO_REUSEPORT")</c>).</summary>
    public static bool ReusePortSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    public static void EnableReuseAddress(Socket socket)
    {
        if (OperatingSystem.IsWindows())
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            return;
        }

        socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
    }

    public static void EnableReusePort(Socket socket) =>
        socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));

    /// <summary>Reads <c>SO_REUSEADDR</c> as the kernel reports it (for tests and diagnostics).</summary>
    public static bool IsReuseAddressEnabled(Socket socket) => ReadFlag(socket, SoReuseAddr);

    /// <summary>Reads <c>SO_REUSEPORT</c> as the kernel reports it (for tests and diagnostics).</summary>
    public static bool IsReusePortEnabled(Socket socket) => ReadFlag(socket, SoReusePort);

    /// <summary>
    /// Sets a handler's timeout as the socket's send and receive timeouts (which bound its synchronous calls):
    /// <see cref="Timeout.InfiniteTimeSpan"/> is none (0); anything else is rounded up to whole milliseconds, at least 1.
    /// </summary>
    public static void ApplyTimeouts(Socket socket, TimeSpan timeout)
    {
        int milliseconds = timeout == Timeout.InfiniteTimeSpan ? 0 : TimeoutMilliseconds(timeout);
        socket.ReceiveTimeout = milliseconds;
        socket.SendTimeout = milliseconds;
    }

    /// <summary>
    /// A stream's <c>ReadTimeout</c>/<c>WriteTimeout</c> for a handler's timeout: <see cref="Timeout.Infinite"/> for
    /// <see cref="Timeout.InfiniteTimeSpan"/>; anything else rounded up to whole milliseconds, at least 1.
    /// </summary>
    public static int TimeoutMilliseconds(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? Timeout.Infinite : Math.Max(1, (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds)));

    /// <summary>Whether a stream socket is listening (<c>SO_ACCEPTCONN</c>); false where the option cannot be read.</summary>
    public static bool IsListening(Socket socket)
    {
        try
        {
            return ReadFlag(socket, OperatingSystem.IsLinux() ? 30 : 0x0002);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool ReadFlag(Socket socket, int optionName)
    {
        Span<byte> value = stackalloc byte[sizeof(int)];
        socket.GetRawSocketOption(SolSocket, optionName, value);
        return BitConverter.ToInt32(value) != 0;
    }
}
