using SocketServer.Internal;

namespace SocketServer.Tests;

/// <summary>SCM_RIGHTS hand-off, the mechanism the Forking mix-in gives accepted connections to children with.</summary>
public class DescriptorPassingTests
{
    [Fact]
    public void A_connection_and_a_payload_cross_a_unix_socket_and_the_copy_is_close_on_exec()
    {
        string path = TempPaths.NewSocketPath();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var sender = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        sender.Connect(new UnixDomainSocketEndPoint(path));
        using Socket receiver = listener.Accept();
        Assert.Equal(Environment.ProcessId, DescriptorPassing.PeerProcessId(receiver));

        // A real TCP connection to hand over.
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        tcp.Listen();
        using Socket client = Clients.Connect(tcp.LocalEndPoint!);
        Socket accepted = tcp.Accept();

        DescriptorPassing.Send(sender, "hello child"u8, accepted);
        accepted.Dispose(); // the parent's copy goes; the passed one keeps the connection open

        var buffer = new byte[64];
        var (length, sockets) = DescriptorPassing.Receive(receiver, buffer);
        Assert.Equal("hello child", Encoding.ASCII.GetString(buffer, 0, length));
        using Socket adopted = Assert.Single(sockets);
        int fd = checked((int)adopted.Handle);
        Assert.Equal("FD_CLOEXEC", CloseOnExecFlag(fd));

        adopted.Send("from the other side"u8.ToArray());
        adopted.Shutdown(SocketShutdown.Send);
        Assert.Equal("from the other side", Encoding.ASCII.GetString(Clients.ReadToEnd(client)));
    }

    [Fact]
    public void Receive_reports_a_closed_channel_as_zero_bytes()
    {
        string path = TempPaths.NewSocketPath();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var sender = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        sender.Connect(new UnixDomainSocketEndPoint(path));
        using Socket receiver = listener.Accept();
        sender.Dispose();

        var (length, sockets) = DescriptorPassing.Receive(receiver, new byte[8]);
        Assert.Equal(0, length);
        Assert.Empty(sockets);
    }

    /// <summary>"FD_CLOEXEC" when /proc says the descriptor's flags include O_CLOEXEC (octal 02000000).</summary>
    private static string CloseOnExecFlag(int fd)
    {
        string flags = File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal))["flags:".Length..].Trim();
        return (Convert.ToInt64(flags, 8) & 0x80000) != 0 ? "FD_CLOEXEC" : $"flags {flags}";
    }
}
