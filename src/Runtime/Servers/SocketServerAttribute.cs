using System;

namespace SocketServer;

/// <summary>
/// Declares a server type that SocketServer.Generators composes at compile time, the way Python composes
/// <c>class ThreadingTCPServer(ThreadingMixIn, TCPServer)</c>. Put it on a <see langword="partial"/> class:
/// <code>
/// using SocketServer;
/// using static SocketServer.Transport;
/// using static SocketServer.Concurrency;
///
/// [SocketServer(Tcp, Threading, Handler = typeof(EchoHandler))]
/// public partial class EchoServer;
/// </code>
/// The generator makes the class derive from the transport's server class (<see cref="TcpServer"/>, …), adds
/// the concurrency mix-in's behaviour and settings, and adds constructors.
/// </summary>
/// <remarks>
/// User mix-ins (types deriving from <see cref="ServerMixIn"/>) follow the concurrency argument; the first
/// listed is the outermost, as in Python's base-class list:
/// <c>[SocketServer(Tcp, Threading, typeof(LoggingMixIn), typeof(AllowListMixIn))]</c> behaves like
/// <c>class S(LoggingMixIn, AllowListMixIn, ThreadingMixIn, TCPServer)</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SocketServerAttribute : Attribute
{
    /// <summary>Declares a server with a transport and a concurrency mix-in (synchronous by default).</summary>
    /// <param name="transport">The kind of socket the server listens on.</param>
    /// <param name="concurrency">Where each request runs.</param>
    public SocketServerAttribute(Transport transport, Concurrency concurrency = Concurrency.Sync)
        : this(transport, concurrency, [])
    {
    }

    /// <summary>Declares a server with a transport, a concurrency mix-in and user mix-ins.</summary>
    /// <param name="transport">The kind of socket the server listens on.</param>
    /// <param name="concurrency">Where each request runs.</param>
    /// <param name="mixIns">User mix-ins (each derived from <see cref="ServerMixIn"/>), outermost first.</param>
    public SocketServerAttribute(Transport transport, Concurrency concurrency, params Type[] mixIns)
    {
        Transport = transport;
        Concurrency = concurrency;
        MixIns = mixIns ?? [];
    }

    /// <summary>The kind of socket the server listens on.</summary>
    public Transport Transport { get; }

    /// <summary>Where each request runs.</summary>
    public Concurrency Concurrency { get; }

    /// <summary>The user mix-ins, outermost first.</summary>
#pragma warning disable CA1819 // Attribute arguments are arrays by nature; the attribute is only read by the generator.
    public Type[] MixIns { get; }
#pragma warning restore CA1819

    /// <summary>
    /// The request handler type (a <see cref="BaseRequestHandler"/> with a public parameterless constructor).
    /// With it, the generated constructors need no handler factory and create handlers with <c>new</c>; without
    /// it, they take a <c>Func&lt;BaseRequestHandler&gt;</c>.
    /// </summary>
    public Type? Handler { get; set; }
}

/// <summary>The kind of socket a server listens on.</summary>
public enum Transport
{
    /// <summary>TCP over IPv4 or IPv6: <see cref="TcpServer"/>.</summary>
    Tcp,

    /// <summary>UDP over IPv4 or IPv6: <see cref="UdpServer"/>.</summary>
    Udp,

    /// <summary>A Unix-domain stream socket: <see cref="UnixStreamServer"/>.</summary>
    UnixStream,

    /// <summary>A Unix-domain datagram socket: <see cref="UnixDatagramServer"/>.</summary>
    UnixDatagram,
}

/// <summary>Where each request runs: the concurrency mix-in of a composed server.</summary>
public enum Concurrency
{
    /// <summary>On the thread that runs <see cref="BaseServer.ServeForever()"/>, one request at a time.</summary>
    Sync,

    /// <summary>On a thread of its own per request (finished request threads are reused, see <see cref="ThreadingMixIn"/>): Python's <c>ThreadingMixIn</c>.</summary>
    [ConcurrencyMixIn(typeof(ThreadingMixIn))]
    Threading,

    /// <summary>In a child process per request: Python's <c>ForkingMixIn</c> (see <see cref="ForkingMixIn"/> for its status).</summary>
    [ConcurrencyMixIn(typeof(ForkingMixIn))]
    Forking,

    /// <summary>As an asynchronous task per request, without a thread each (see <see cref="AsyncMixIn"/> for its status).</summary>
    [ConcurrencyMixIn(typeof(AsyncMixIn))]
    Async,
}
