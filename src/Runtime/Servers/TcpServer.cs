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

    private Socket _socket;
    private bool _adopted;

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

    /// <summary>
    /// Serves a socket that is already bound (and, for a stream server, usually listening) instead of binding
    /// <see cref="BaseServer.ServerAddress"/>: a socket passed by systemd socket activation
    /// (<see cref="SocketActivation.TakeListeningSockets"/>), or one a supervisor handed over. Call it on a server
    /// created with <c>bindAndActivate: false</c>, before serving; the server's own unbound socket is closed,
    /// <see cref="BaseServer.ServerAddress"/> becomes the socket's address, and a stream socket that is not listening yet
    /// starts listening with <see cref="BaseServer.RequestQueueSize"/>. The server owns the socket from then on.
    /// </summary>
    /// <param name="socket">A bound socket of this server's type and address family (IP for TCP/UDP, Unix for Unix servers).</param>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The socket's type or family does not match the server, or it is not bound.</exception>
    /// <exception cref="InvalidOperationException">The server already bound its own socket, or adopted one.</exception>
    /// <exception cref="ObjectDisposedException">The server was closed.</exception>
    public void AdoptSocket(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ThrowIfClosed();
        bool unix = ServerAddress is UnixDomainSocketEndPoint;
        if (socket.SocketType != SocketType)
        {
            throw new ArgumentException(
                $"{GetType().Name} serves {SocketType} sockets, but the socket to adopt is a {socket.SocketType} socket. " +
                "Check which socket the service manager passes (ListenStream= for stream servers, ListenDatagram= for datagram ones).", nameof(socket));
        }

        if ((socket.AddressFamily == AddressFamily.Unix) != unix)
        {
            throw new ArgumentException(
                $"{GetType().Name} serves {(unix ? "Unix-domain" : "IP")} sockets, but the socket to adopt is a {socket.AddressFamily} socket.", nameof(socket));
        }

        if (_adopted || _socket.IsBound && !unix)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} already has a bound socket. Create it with bindAndActivate: false, then adopt the socket before anything binds it.");
        }

        EndPoint bound = socket.LocalEndPoint ?? throw new ArgumentException("The socket to adopt is not bound to an address.", nameof(socket));
        _socket.Dispose();
        _socket = socket;
        _adopted = true;
        ServerAddress = bound;
        if (SocketType == SocketType.Stream && !SocketOptions.IsListening(socket))
        {
            socket.Listen(RequestQueueSize);
        }
    }

    /// <inheritdoc/>
    public override SocketType SocketType => SocketType.Stream;

    /// <summary>
    /// Sets the reuse options the properties ask for, binds the socket to <see cref="BaseServer.ServerAddress"/>,
    /// and updates <see cref="BaseServer.ServerAddress"/> to the address actually bound.
    /// </summary>
    /// <exception cref="SocketException">
    /// The bind failed. The error code is the system's; the message says what failed, where, and what to do. The
    /// socket stays open: the constructors close the server, and a caller that binds by hand disposes it.
    /// </exception>
    public override void ServerBind()
    {
        if (!Role.BindsAddresses)
        {
            // Another process owns the address: this is a Forking child, which serves only what it is handed.
            return;
        }

        try
        {
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
        catch (SocketException failure)
        {
            throw ServerAddressValidation.DescribeFailure(this, "bind", failure);
        }
    }

    /// <summary>Starts listening with a backlog of <see cref="BaseServer.RequestQueueSize"/>.</summary>
    /// <exception cref="SocketException">Listening failed; the message says what failed and where.</exception>
    public override void ServerActivate()
    {
        if (!Role.BindsAddresses)
        {
            // Another process owns the address: this is a Forking child, which serves only what it is handed.
            return;
        }

        try
        {
            Socket.Listen(RequestQueueSize);
        }
        catch (SocketException failure)
        {
            throw ServerAddressValidation.DescribeFailure(this, "listen on", failure);
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
