using System;
using System.Net;
using System.Net.Sockets;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// A synchronous TCP server: Python's <c>socketserver.TCPServer</c>. Each request is a connection, handled
/// on the thread that runs <see cref="BaseServer.ServeForever()"/>; compose it with the Threading mix-in
/// (<see cref="ThreadingTcpServer"/>) to handle connections concurrently.
/// </summary>
public class TcpServer : BaseServer
{
    private const int MaxBytesDiscardedOnClose = 1 << 20;

    private readonly Socket _socket;

    /// <summary>Creates a TCP server and, unless told otherwise, binds and activates it.</summary>
    /// <param name="serverAddress">
    /// The address to listen on: an <see cref="IPEndPoint"/> (port 0 lets the system choose; see
    /// <see cref="BaseServer.ServerAddress"/>) or a <see cref="DnsEndPoint"/>, resolved preferring IPv4.
    /// </param>
    /// <param name="requestHandlerFactory">Creates a new handler for each connection, e.g. <c>() =&gt; new MyHandler()</c>.</param>
    /// <param name="bindAndActivate">
    /// <see langword="true"/> to call <see cref="ServerBind"/> and <see cref="ServerActivate"/> now; <see langword="false"/>
    /// leaves the socket unbound until you call them.
    /// </param>
    /// <exception cref="SocketException">Binding or listening failed; the socket is closed and the message says why.</exception>
    public TcpServer(EndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : this(serverAddress, requestHandlerFactory, bindAndActivate, ServerAddressKind.Ip)
    {
    }

    /// <summary>Creates a TCP server on <paramref name="host"/>:<paramref name="port"/> (Python's <c>(host, port)</c> tuple).</summary>
    /// <param name="host">An address literal, a host name (resolved preferring IPv4), or <c>""</c> for every interface.</param>
    /// <param name="port">The port; 0 lets the system choose.</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each connection.</param>
    /// <param name="bindAndActivate">Whether to bind and listen now.</param>
    /// <exception cref="SocketException">Binding or listening failed; the socket is closed and the message says why.</exception>
    public TcpServer(string host, int port, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : this(EndPoints.FromHostAndPort(host, port), requestHandlerFactory, bindAndActivate, ServerAddressKind.Ip)
    {
    }

    private protected TcpServer(EndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate, ServerAddressKind addressKind)
        : base(ServerAddressValidation.Validate(serverAddress, addressKind), requestHandlerFactory)
    {
        _socket = ServerAddress is UnixDomainSocketEndPoint
            ? UnixSockets.CreateUnbound(SocketType)
            : new Socket(ServerAddress.AddressFamily, SocketType, SocketType == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        if (bindAndActivate)
        {
            BindAndActivate();
        }
    }

    /// <inheritdoc/>
    public override Socket Socket => _socket;

    /// <inheritdoc/>
    public override SocketType SocketType => SocketType.Stream;

    /// <summary>
    /// Sets the reuse options the properties ask for, binds the socket to <see cref="BaseServer.ServerAddress"/>,
    /// and updates <see cref="BaseServer.ServerAddress"/> to the address actually bound.
    /// </summary>
    public override void ServerBind()
    {
        if (ForkingChild.IsChild)
        {
            return;
        }

        if (AllowReuseAddress)
        {
            SocketOptions.EnableReuseAddress(Socket);
        }

        if (AllowReusePort && SocketOptions.ReusePortSupported && ServerAddress is IPEndPoint)
        {
            SocketOptions.EnableReusePort(Socket);
        }

        if (ServerAddress is UnixDomainSocketEndPoint unixPath)
        {
            UnixSockets.Bind(Socket, unixPath);
        }
        else
        {
            Socket.Bind(ServerAddress);
            ServerAddress = Socket.LocalEndPoint!;
        }
    }

    /// <summary>Starts listening with a backlog of <see cref="BaseServer.RequestQueueSize"/>.</summary>
    public override void ServerActivate()
    {
        if (!ForkingChild.IsChild)
        {
            Socket.Listen(RequestQueueSize);
        }
    }

    /// <summary>Stops accepting, then closes the socket. Idempotent.</summary>
    public override void ServerClose()
    {
        base.ServerClose();
        _socket.Dispose();
    }

    /// <summary>
    /// Closes a listening socket, so new connections are refused while running requests finish. A datagram
    /// server keeps its socket: running handlers still reply through it.
    /// </summary>
    private protected override void CloseListener()
    {
        if (SocketType == SocketType.Stream)
        {
            _socket.Dispose();
        }
    }

    /// <summary>Accepts a connection.</summary>
    /// <returns>The connected socket and the client's address (<see langword="null"/> for an unbound Unix client).</returns>
    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        Socket connection = Socket.Accept();
        return (connection, EndPoints.PeerOf(connection));
    }

    /// <summary>
    /// Shuts the connection down for sending (the client reads the reply, then end of stream), then calls
    /// <see cref="CloseRequest"/>. Input the handler left unread and that has already arrived is discarded
    /// first, so closing does not answer the client with a reset that could destroy the reply in flight.
    /// </summary>
    /// <param name="request">The connected socket.</param>
    public override void ShutdownRequest(object request)
    {
        if (request is Socket connection)
        {
            try
            {
                connection.Shutdown(SocketShutdown.Send);
                DiscardUnreadInput(connection);
            }
            catch (SocketException)
            {
                // The client is already gone, as Python ignores OSError here.
            }
            catch (ObjectDisposedException)
            {
                // The handler closed the connection itself.
            }
        }

        CloseRequest(request);
    }

    /// <summary>Closes the connection.</summary>
    /// <param name="request">The connected socket.</param>
    public override void CloseRequest(object request)
    {
        if (request is Socket connection)
        {
            connection.Dispose();
        }

        RequestClosed(request);
    }

    private static void DiscardUnreadInput(Socket connection)
    {
        int discarded = 0;
        Span<byte> sink = stackalloc byte[4096];
        while (discarded < MaxBytesDiscardedOnClose && connection.Available > 0)
        {
            int read = connection.Receive(sink);
            if (read == 0)
            {
                return;
            }

            discarded += read;
        }
    }
}
