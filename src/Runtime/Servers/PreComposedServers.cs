using System.Runtime.Versioning;

namespace SocketServer;

// Python's pre-composed servers (socketserver.ThreadingTCPServer and friends), declared the way users
// declare theirs: the generator composes each from its attribute. They are not sealed: subclass them as in
// Python. Constructors take a handler factory, e.g. () => new MyHandler().

/// <summary>
/// A <see cref="TcpServer"/> that handles each connection on a thread of its own: Python's <c>ThreadingTCPServer</c>
/// (<c>class ThreadingTCPServer(ThreadingMixIn, TCPServer)</c>). Decide <c>DaemonThreads</c> for your server.
/// </summary>
[SocketServer(Transport.Tcp, Concurrency.Threading)]
public partial class ThreadingTcpServer;

/// <summary>
/// A <see cref="UdpServer"/> that handles each datagram on a thread of its own: Python's <c>ThreadingUDPServer</c>.
/// Its socket stays open until running handlers have replied, even while it closes.
/// </summary>
[SocketServer(Transport.Udp, Concurrency.Threading)]
public partial class ThreadingUdpServer;

/// <summary>A <see cref="UnixStreamServer"/> that handles each connection on a thread of its own: Python's <c>ThreadingUnixStreamServer</c>.</summary>
[SocketServer(Transport.UnixStream, Concurrency.Threading)]
public partial class ThreadingUnixStreamServer;

/// <summary>A <see cref="UnixDatagramServer"/> that handles each datagram on a thread of its own: Python's <c>ThreadingUnixDatagramServer</c>.</summary>
[SocketServer(Transport.UnixDatagram, Concurrency.Threading)]
public partial class ThreadingUnixDatagramServer;

/// <summary>
/// A <see cref="TcpServer"/> that handles each connection in a child process: Python's <c>ForkingTCPServer</c>.
/// 64-bit Linux only; see <see cref="ForkingMixIn"/>.
/// </summary>
[SupportedOSPlatform("linux")]
[SocketServer(Transport.Tcp, Concurrency.Forking)]
public partial class ForkingTcpServer;

/// <summary>
/// A <see cref="UdpServer"/> that handles each datagram in a child process: Python's <c>ForkingUDPServer</c>.
/// 64-bit Linux only; see <see cref="ForkingMixIn"/>.
/// </summary>
[SupportedOSPlatform("linux")]
[SocketServer(Transport.Udp, Concurrency.Forking)]
public partial class ForkingUdpServer;

/// <summary>
/// A <see cref="UnixStreamServer"/> that handles each connection in a child process: Python's <c>ForkingUnixStreamServer</c>.
/// 64-bit Linux only; see <see cref="ForkingMixIn"/>.
/// </summary>
[SupportedOSPlatform("linux")]
[SocketServer(Transport.UnixStream, Concurrency.Forking)]
public partial class ForkingUnixStreamServer;

/// <summary>
/// A <see cref="UnixDatagramServer"/> that handles each datagram in a child process: Python's <c>ForkingUnixDatagramServer</c>.
/// 64-bit Linux only; see <see cref="ForkingMixIn"/>.
/// </summary>
[SupportedOSPlatform("linux")]
[SocketServer(Transport.UnixDatagram, Concurrency.Forking)]
public partial class ForkingUnixDatagramServer;
