using System;
using System.Net.Sockets;

namespace SocketServer;

/// <summary>
/// A synchronous Unix-domain stream server: Python's <c>socketserver.UnixStreamServer</c>, a
/// <see cref="TcpServer"/> whose address is a socket path.
/// </summary>
/// <remarks>
/// <see cref="BaseServer.ServerAddress"/> is the path (a <see cref="UnixDomainSocketEndPoint"/>). As in Python,
/// binding fails if the path exists, and the socket file stays on disk when the server closes: remove it
/// yourself (before binding, if a previous run left it). .NET's own <see cref="Socket.Bind"/> would delete the
/// file on close; this class does not, so that an old instance closing never deletes the socket of a new
/// instance that took the path over. The client address of an unbound client is <see langword="null"/>.
/// </remarks>
public class UnixStreamServer : TcpServer
{
    /// <summary>Creates a Unix stream server on a socket path and, unless told otherwise, binds and activates it.</summary>
    /// <param name="path">The socket path (on Linux, a leading <c>'\0'</c> names an abstract socket with no file).</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each connection.</param>
    /// <param name="bindAndActivate">Whether to bind and listen now.</param>
    /// <exception cref="SocketException">Binding or listening failed (for example, the path exists); the socket is closed.</exception>
    public UnixStreamServer(string path, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : this(new UnixDomainSocketEndPoint(path), requestHandlerFactory, bindAndActivate)
    {
    }

    /// <summary>Creates a Unix stream server on a socket endpoint.</summary>
    /// <param name="serverAddress">The socket path.</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each connection.</param>
    /// <param name="bindAndActivate">Whether to bind and listen now.</param>
    /// <exception cref="SocketException">Binding or listening failed (for example, the path exists); the socket is closed.</exception>
    public UnixStreamServer(UnixDomainSocketEndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : base(serverAddress, requestHandlerFactory, bindAndActivate, Internal.ServerAddressKind.Unix)
    {
    }
}
