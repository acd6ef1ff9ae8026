using System;
using System.Net.Sockets;

namespace SocketServer;

/// <summary>
/// A synchronous Unix-domain datagram server: Python's <c>socketserver.UnixDatagramServer</c>, a
/// <see cref="UdpServer"/> whose address is a socket path.
/// </summary>
/// <remarks>
/// The socket file stays on disk when the server closes, as in Python (see <see cref="UnixStreamServer"/>).
/// A client must bind its own socket to a path to receive a reply; for an unbound client the client address
/// is <see langword="null"/> and a <see cref="DatagramRequestHandler"/> has nowhere to send its reply.
/// </remarks>
public class UnixDatagramServer : UdpServer
{
    /// <summary>Creates a Unix datagram server on a socket path and, unless told otherwise, binds it.</summary>
    /// <param name="path">The socket path (on Linux, a leading <c>'\0'</c> names an abstract socket with no file).</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each datagram.</param>
    /// <param name="bindAndActivate">Whether to bind now.</param>
    /// <exception cref="SocketException">Binding failed (for example, the path exists); the socket is closed.</exception>
    public UnixDatagramServer(string path, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : this(new UnixDomainSocketEndPoint(path), requestHandlerFactory, bindAndActivate)
    {
    }

    /// <summary>Creates a Unix datagram server on a socket endpoint.</summary>
    /// <param name="serverAddress">The socket path.</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each datagram.</param>
    /// <param name="bindAndActivate">Whether to bind now.</param>
    /// <exception cref="SocketException">Binding failed (for example, the path exists); the socket is closed.</exception>
    public UnixDatagramServer(UnixDomainSocketEndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : base(serverAddress, requestHandlerFactory, bindAndActivate, Internal.ServerAddressKind.Unix)
    {
    }
}
