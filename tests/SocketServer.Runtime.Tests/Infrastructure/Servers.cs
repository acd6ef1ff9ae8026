namespace SocketServer.Tests;

/// <summary>Creates the server under test on loopback (port 0) or on a fresh Unix path.</summary>
public static class Servers
{
    public static EndPoint LoopbackAny => new IPEndPoint(IPAddress.Loopback, 0);

    public static BaseServer Create(Transport transport, Mode mode, Func<BaseRequestHandler> handlers, bool bindAndActivate = true) =>
        (transport, mode) switch
        {
            (Transport.Tcp, Mode.Sync) => new TcpServer(LoopbackAny, handlers, bindAndActivate),
            (Transport.Udp, Mode.Sync) => new UdpServer(LoopbackAny, handlers, bindAndActivate),
            (Transport.UnixStream, Mode.Sync) => new UnixStreamServer(TempPaths.NewSocketPath(), handlers, bindAndActivate),
            (Transport.UnixDatagram, Mode.Sync) => new UnixDatagramServer(TempPaths.NewSocketPath(), handlers, bindAndActivate),
            (Transport.Tcp, Mode.Threading) => new ThreadingTcpServer(LoopbackAny, handlers, bindAndActivate),
            (Transport.Udp, Mode.Threading) => new ThreadingUdpServer(LoopbackAny, handlers, bindAndActivate),
            (Transport.UnixStream, Mode.Threading) => new ThreadingUnixStreamServer(TempPaths.NewSocketPath(), handlers, bindAndActivate),
            (Transport.UnixDatagram, Mode.Threading) => new ThreadingUnixDatagramServer(TempPaths.NewSocketPath(), handlers, bindAndActivate),
            (Transport.Tcp, Mode.Async) => new AsyncTcpServer(LoopbackAny, handlers, bindAndActivate),
            (Transport.Udp, Mode.Async) => new AsyncUdpServer(LoopbackAny, handlers, bindAndActivate),
            (Transport.UnixStream, Mode.Async) => new AsyncUnixStreamServer(TempPaths.NewSocketPath(), handlers, bindAndActivate),
            (Transport.UnixDatagram, Mode.Async) => new AsyncUnixDatagramServer(TempPaths.NewSocketPath(), handlers, bindAndActivate),
            _ => throw new ArgumentOutOfRangeException(nameof(transport)),
        };

    /// <summary>A handler of the right kind for the transport that upper-cases one line (stream) or the packet (datagram).</summary>
    public static Func<BaseRequestHandler> UpperCase(Transport transport) =>
        transport.IsStream() ? () => new UpperCaseStreamHandler() : () => new UpperCaseDatagramHandler();

    /// <summary>Deletes a Unix server's socket file: Unix servers leave it behind on close, as in Python.</summary>
    public static void RemoveSocketFile(BaseServer server)
    {
        if (server.ServerAddress is UnixDomainSocketEndPoint path)
        {
            File.Delete(path.ToString());
        }
    }
}

// The runtime has no pre-composed Async servers; tests declare theirs as users do.
[SocketServer(Transport.Tcp, Concurrency.Async)] public partial class AsyncTcpServer;
[SocketServer(Transport.Udp, Concurrency.Async)] public partial class AsyncUdpServer;
[SocketServer(Transport.UnixStream, Concurrency.Async)] public partial class AsyncUnixStreamServer;
[SocketServer(Transport.UnixDatagram, Concurrency.Async)] public partial class AsyncUnixDatagramServer;

public sealed class UpperCaseStreamHandler : StreamRequestHandler
{
    public override void Handle() => WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(RFile.ReadLine()).ToUpperInvariant()));
}

public sealed class UpperCaseDatagramHandler : DatagramRequestHandler
{
    public override void Handle() => WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(RFile.ReadToEnd()).ToUpperInvariant()));
}
