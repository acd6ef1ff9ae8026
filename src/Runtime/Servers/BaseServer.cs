// BaseServer: Python's socketserver.BaseServer, split by concern into partial files:
//   BaseServer.cs             what a server is: its address, socket, handler factory and settings, closing
//   BaseServer.Steps.cs       the step contract: the virtual steps subclasses and mix-ins override
//   BaseServer.ServingLoop.cs serve_forever(), handle_request() and the way one request goes through the steps
//   BaseServer.Shutdown.cs    stopping the loop: Shutdown(), ShutdownAsync(), StoppingToken
//   BaseServer.AcceptGate.cs  when the loop may take a request: MaxConnections and the accept back-off
//   BaseServer.Requests.cs    request tracking and telemetry, and RunRequest: the request shell for mix-ins

using System;
using System.Net;
using System.Net.Sockets;
using SocketServer.Diagnostics;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// The superclass of every server: Python's <c>socketserver.BaseServer</c>. It owns the serving loop
/// (<see cref="ServeForever()"/>, <see cref="HandleRequest"/>, <see cref="Shutdown"/>) and the request
/// path, whose steps are virtual so subclasses and mix-ins can replace them.
/// </summary>
/// <remarks>
/// <para>
/// One request travels <see cref="GetRequest"/> → <see cref="VerifyRequest"/> →
/// <see cref="ProcessRequest"/> → <see cref="FinishRequest"/> (a new handler: <c>Setup</c>, <c>Handle</c>,
/// <c>Finish</c>) → <see cref="ShutdownRequest"/> → <see cref="CloseRequest"/>. If <see cref="VerifyRequest"/>
/// returns <see langword="false"/>, no handler is created and only <see cref="ShutdownRequest"/> runs. An
/// exception from any step after <see cref="GetRequest"/> goes to <see cref="HandleError"/>, the request is
/// shut down, and the server goes on serving.
/// </para>
/// <para>
/// As in Python, the constructors of the concrete servers call <see cref="ServerBind"/> and
/// <see cref="ServerActivate"/> (unless <c>bindAndActivate</c> is <see langword="false"/>), so overrides of those
/// steps and of the settings they read (<see cref="AllowReuseAddress"/>, <see cref="RequestQueueSize"/>, …) run
/// before the constructor of a subclass has run its body: give such settings initial values with property or
/// field initializers, or construct with <c>bindAndActivate: false</c>, set them, then bind and activate.
/// </para>
/// <para><see cref="Dispose()"/> calls <see cref="ServerClose"/> (Python's <c>with</c> block); it never calls <see cref="Shutdown"/>.</para>
/// </remarks>
public abstract partial class BaseServer : IDisposable
{
    /// <summary>
    /// The default <see cref="RequestQueueSize"/>: the largest backlog the system allows. The operating
    /// system caps the value passed to <c>listen()</c> at its own maximum (<c>net.core.somaxconn</c> on Linux,
    /// <c>SOMAXCONN</c> on Windows), as CPython 3.15 does. Python's old default of 5 refuses connections under
    /// any real load.
    /// </summary>
    public const int DefaultRequestQueueSize = int.MaxValue;

    private volatile bool _closed;
    private TimeSpan? _timeout;
    private int _requestQueueSize = DefaultRequestQueueSize;
    private ServerErrorLog _errorLog = ServerErrorLog.StandardError;

    /// <summary>Stores the address and the handler factory (Python's <c>BaseServer(server_address, RequestHandlerClass)</c>).</summary>
    /// <param name="serverAddress">The address the server listens on.</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each request.</param>
    protected BaseServer(EndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory)
    {
        ArgumentNullException.ThrowIfNull(serverAddress);
        ArgumentNullException.ThrowIfNull(requestHandlerFactory);
        ServerAddress = serverAddress;
        RequestHandlerFactory = requestHandlerFactory;
        _requests = new RequestTracker(this) { SlotFreed = () => _wakeup?.Signal() };
        Role.ServerCreated(this);
    }

    /// <summary>
    /// The address the server listens on. After <see cref="ServerBind"/> it is the address actually bound:
    /// for port 0, the port the system chose; for a Unix server, the socket path.
    /// </summary>
    public EndPoint ServerAddress { get; protected set; }

    /// <summary>Creates a new request handler for each request (Python's <c>RequestHandlerClass</c>).</summary>
    public Func<BaseRequestHandler> RequestHandlerFactory { get; }

    /// <summary>The socket the server listens on (a listening socket, or the datagram socket of a UDP server).</summary>
    public abstract Socket Socket { get; }

    /// <summary>The protocol family of <see cref="Socket"/>, taken from the address: an IPv6 address gives an IPv6 server.</summary>
    public AddressFamily AddressFamily => Socket.AddressFamily;

    /// <summary>The type of <see cref="Socket"/>: <see cref="SocketType.Stream"/> or <see cref="SocketType.Dgram"/>.</summary>
    public abstract SocketType SocketType { get; }

    /// <summary>
    /// How long <see cref="HandleRequest"/> waits for a request before it calls <see cref="HandleTimeout"/>;
    /// <see langword="null"/> (the default) waits forever. A receive timeout set on <see cref="Socket"/> also counts:
    /// the smaller of the two wins. <see cref="ServeForever()"/> ignores it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public virtual TimeSpan? Timeout
    {
        get => _timeout;
        set
        {
            if (value is { } timeout && timeout < TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A timeout is zero or positive; use null to wait forever.");
            }

            _timeout = value == System.Threading.Timeout.InfiniteTimeSpan ? null : value;
        }
    }

    /// <summary>
    /// Whether <see cref="ServerBind"/> sets <c>SO_REUSEADDR</c> (only that option; see the README for how
    /// .NET differs from CPython here). <see langword="false"/> by default, as in Python.
    /// </summary>
    public virtual bool AllowReuseAddress { get; set; }

    /// <summary>
    /// Whether <see cref="ServerBind"/> sets <c>SO_REUSEPORT</c> on an IP socket, so several servers (or
    /// processes) can listen on one port and the kernel spreads connections among them. Ignored for Unix
    /// sockets and where the option does not exist, as in Python. <see langword="false"/> by default.
    /// </summary>
    public virtual bool AllowReusePort { get; set; }

    /// <summary>
    /// The backlog passed to <c>listen()</c> by <see cref="ServerActivate"/>: how many connections wait to be
    /// accepted while the server is busy. Defaults to <see cref="DefaultRequestQueueSize"/> (the system maximum).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public virtual int RequestQueueSize
    {
        get => _requestQueueSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _requestQueueSize = value;
        }
    }

    /// <summary>
    /// Where the default <see cref="HandleError"/>, exceptions escaping error handling on request threads, and failed
    /// accepts are reported: <see cref="ServerErrorLog.StandardError"/> (Python's text on standard error) by default.
    /// SocketServer.Hosting sets one that writes to <c>ILogger</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ServerErrorLog ErrorLog
    {
        get => _errorLog;
        set => _errorLog = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>True once <see cref="ServerClose"/> (or <see cref="Dispose()"/>) has run.</summary>
    protected bool IsClosed => _closed;

    /// <summary>The file descriptor (socket handle) the server listens on, or -1 once the server is closed.</summary>
    /// <returns>The descriptor, for a selector that watches several servers in one process.</returns>
    public virtual int Fileno() => _closed ? -1 : checked((int)Socket.Handle);

    /// <summary>Closes the server: calls <see cref="ServerClose"/>. Never calls <see cref="Shutdown"/>.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Calls <see cref="ServerClose"/> when <paramref name="disposing"/> is true.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            ServerClose();
        }
    }

    /// <summary>
    /// The part this server plays in its process (<see cref="ServerRole"/>): in an ordinary process it binds and serves;
    /// in a Forking child, the role the Forking code defines binds nothing and serves the one request handed over.
    /// </summary>
    internal ServerRole Role { get; } = ServerRole.OfThisProcess;

    /// <summary>In a Forking child: the parent's server stopped (or the parent died), so this one stops too.</summary>
    internal void SignalStopping() => _stopping.Cancel();

    /// <summary>In a Forking child: takes the parent's bound address, which the child never binds itself.</summary>
    internal void AdoptForkedAddress(EndPoint serverAddress) => ServerAddress = serverAddress;

    /// <summary>Throws <see cref="ObjectDisposedException"/> if the server was closed.</summary>
    protected void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(
                GetType().FullName,
                "The server was closed (ServerClose() or Dispose()); a closed server cannot serve again. Create a new server.");
        }
    }
}
