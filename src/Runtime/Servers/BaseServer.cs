using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
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
public abstract class BaseServer : IDisposable
{
    /// <summary>The poll interval of <see cref="ServeForever()"/>: half a second, as in Python.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// The default <see cref="RequestQueueSize"/>: the largest backlog the system allows. The operating
    /// system caps the value passed to <c>listen()</c> at its own maximum (<c>net.core.somaxconn</c> on Linux,
    /// <c>SOMAXCONN</c> on Windows), as CPython 3.15 does. Python's old default of 5 refuses connections under
    /// any real load.
    /// </summary>
    public const int DefaultRequestQueueSize = int.MaxValue;

    private readonly object _stateGate = new();
    // Completed when the serving loop has stopped (or the server closed with no loop running); a new run of the loop
    // replaces a completed one. Shutdown() waits on it; ShutdownAsync() returns it, so no thread waits at all.
    private TaskCompletionSource _loopStopped = NewLoopSignal();
    private volatile bool _shutdownRequested;
    private volatile bool _closed;
    private volatile Thread? _servingThread;
    private volatile ServerWakeup? _wakeup;
    private TimeSpan? _timeout;
    private int _requestQueueSize = DefaultRequestQueueSize;
    private CancellationTokenSource _stopping = new();
    private readonly RequestTracker _requests;
    private ServerErrorLog _errorLog = ServerErrorLog.StandardError;
    private long _acceptPausedUntil;
    private TimeSpan _acceptPause;
    private int _acceptFailures;

    /// <summary>The first pause after an accept fails for lack of descriptors or memory; it doubles up to <see cref="MaxAcceptPause"/>.</summary>
    internal static readonly TimeSpan FirstAcceptPause = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest pause between accepts while they fail for lack of descriptors or memory.</summary>
    internal static readonly TimeSpan MaxAcceptPause = TimeSpan.FromSeconds(1);

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
        ForkingChild.OnServerCreated();
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

    /// <summary>
    /// How many requests are being handled: from <see cref="VerifyRequest"/> passing to the end of
    /// <see cref="ShutdownRequest"/>. For a stream server, the open connections; for a Forking server, requests being
    /// handed to children (see <c>ActiveChildren</c> for the children themselves).
    /// </summary>
    public int ActiveRequests => _requests.Count;

    /// <summary>
    /// Waits until no request is being handled (see <see cref="ActiveRequests"/>), at most <paramref name="timeout"/>.
    /// Call it after <see cref="Shutdown"/> (or while the server no longer accepts), or new requests may keep it waiting.
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits for as long as it takes.</param>
    /// <returns><see langword="true"/> if no request runs; <see langword="false"/> if some still ran when the time was up.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public bool WaitForActiveRequests(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout is zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        return _requests.WaitUntilIdle(timeout);
    }

    /// <summary>
    /// Cuts every running connection: shuts each down both ways, so a handler blocked reading sees the end of its input
    /// and its writes fail, and it ends (its error, if any, goes to <see cref="HandleError"/>). The end of a drain that
    /// ran out of time: SocketServer.Hosting calls it when <c>DrainTimeout</c> passes. Datagram requests are left to
    /// finish. Counted by the <c>socketserver.aborted_requests</c> metric.
    /// </summary>
    /// <returns>How many connections were cut.</returns>
    public int AbortActiveRequests() => _requests.AbortConnections();

    /// <summary>
    /// The most requests handled at once, or <see langword="null"/> (the default) for no limit. At the limit the serving
    /// loop stops taking requests until one ends: new connections wait in the listen backlog (up to
    /// <see cref="RequestQueueSize"/>), new datagrams in the socket's receive buffer. Threading and Async servers
    /// generate a <c>MaxConnections</c> setting that overrides this.
    /// </summary>
    protected virtual int? ConcurrentRequestLimit => null;

    /// <summary>True once <see cref="ServerClose"/> (or <see cref="Dispose()"/>) has run.</summary>
    protected bool IsClosed => _closed;

    /// <summary>
    /// Fires when <see cref="Shutdown"/> is requested or the server closes: asynchronous handlers receive it in
    /// <c>HandleAsync</c>, so long-lived requests end with the server. A new run of <see cref="ServeForever()"/> after a
    /// shutdown gets a fresh token.
    /// </summary>
    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>The file descriptor (socket handle) the server listens on, or -1 once the server is closed.</summary>
    /// <returns>The descriptor, for a selector that watches several servers in one process.</returns>
    public virtual int Fileno() => _closed ? -1 : checked((int)Socket.Handle);

    /// <summary>
    /// Handles one request: waits for it (at most <see cref="Timeout"/>, or the socket's own timeout if that is
    /// smaller), then runs <see cref="GetRequest"/>, <see cref="VerifyRequest"/> and <see cref="ProcessRequest"/>.
    /// If no request arrives in time, calls <see cref="HandleTimeout"/> and returns. Returns without handling
    /// anything if the server is closed by another thread while waiting.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The server was closed before the call.</exception>
    public void HandleRequest()
    {
        if (ForkingChild.IsChild)
        {
            ForkingChild.Serve(this);
            return;
        }

        ServerWakeup wakeup = PrepareToWait();
        TimeSpan? timeout = EffectiveRequestTimeout();
        long started = Stopwatch.GetTimestamp();
        TimeSpan wait = timeout ?? System.Threading.Timeout.InfiniteTimeSpan;
        while (true)
        {
            if (WaitForRequest(wakeup, wait))
            {
                HandleRequestNoBlock();
                return;
            }

            if (_closed)
            {
                return;
            }

            if (timeout is { } limit)
            {
                wait = limit - Stopwatch.GetElapsedTime(started);
                if (wait <= TimeSpan.Zero)
                {
                    HandleTimeout();
                    return;
                }
            }
        }
    }

    /// <summary>Handles requests until <see cref="Shutdown"/> is called, polling every <see cref="DefaultPollInterval"/>.</summary>
    /// <exception cref="ObjectDisposedException">The server was closed before the call.</exception>
    /// <exception cref="InvalidOperationException"><see cref="ServeForever()"/> is already running on another thread.</exception>
    public void ServeForever() => ServeForever(DefaultPollInterval);

    /// <summary>
    /// Handles requests until <see cref="Shutdown"/> is called or the server is closed by another thread.
    /// Calls <see cref="ServiceActions"/> every <paramref name="pollInterval"/> and after each request.
    /// Ignores <see cref="Timeout"/>.
    /// </summary>
    /// <param name="pollInterval">
    /// How often <see cref="ServiceActions"/> runs while no request arrives;
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> runs it only after requests. Unlike Python, the
    /// interval does not delay <see cref="Shutdown"/>: the loop is woken at once.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pollInterval"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The server was closed before the call.</exception>
    /// <exception cref="InvalidOperationException"><see cref="ServeForever()"/> is already running on another thread.</exception>
    public void ServeForever(TimeSpan pollInterval)
    {
        if (pollInterval < TimeSpan.Zero && pollInterval != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "The poll interval is zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        if (ForkingChild.IsChild)
        {
            // In a Forking server's child process: run the one request handed to it, then exit.
            ForkingChild.Serve(this);
            return;
        }

        ServerWakeup wakeup;
        lock (_stateGate)
        {
            ThrowIfClosed();
            if (_servingThread is { } other)
            {
                throw new InvalidOperationException(
                    $"ServeForever() is already running on thread '{other.Name ?? other.ManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture)}'; a server has one serving loop.");
            }

            wakeup = _wakeup ??= new ServerWakeup();
            _servingThread = Thread.CurrentThread;
            if (_loopStopped.Task.IsCompleted)
            {
                _loopStopped = NewLoopSignal();
            }
            if (_stopping.IsCancellationRequested && !_shutdownRequested)
            {
                _stopping = new CancellationTokenSource();
            }
        }

        try
        {
            while (!_shutdownRequested && !_closed)
            {
                bool ready = WaitForRequest(wakeup, pollInterval);

                // A Shutdown() that arrived together with a connection wins: once shutdown was
                // requested, no further request is handled (CPython bpo-35017).
                if (_shutdownRequested || _closed)
                {
                    break;
                }

                if (ready)
                {
                    HandleRequestNoBlock();
                }

                ServiceActions();
            }
        }
        finally
        {
            lock (_stateGate)
            {
                _shutdownRequested = false;
                _servingThread = null;
                _loopStopped.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Tells the <see cref="ServeForever()"/> loop to stop and waits until it has. Call it from another thread
    /// than the one running the loop. If the loop has not started yet, waits for it to start; it then returns
    /// at once. Returns at once if the server is closed and not serving.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Called on the thread that runs <see cref="ServeForever()"/> (from a handler of a synchronous server, or
    /// from <see cref="ServiceActions"/>/<see cref="HandleTimeout"/>): that would wait for itself forever.
    /// </exception>
    public void Shutdown()
    {
        if (ForkingChild.IsChild)
        {
            throw ShutdownInChild();
        }

        if (_servingThread == Thread.CurrentThread)
        {
            throw new InvalidOperationException(
                "Shutdown() was called on the thread that runs ServeForever() (from a handler of a synchronous server, " +
                "or from ServiceActions()/HandleTimeout()). Shutdown() waits for that loop to stop, and the loop cannot stop " +
                "while it runs this call: a deadlock (Python hangs here). Call it from another thread, " +
                "for example `_ = Task.Run(server.Shutdown);`, or use a Threading server.");
        }

        RequestShutdown().GetAwaiter().GetResult();
    }

    /// <summary>
    /// <see cref="Shutdown"/> without blocking a thread: tells the loop to stop and returns a task that completes when it
    /// has (at once if the server is closed and not serving). Safe to call from an asynchronous handler and from code the
    /// loop itself runs, since nothing waits; but code the loop runs must not block on the task.
    /// </summary>
    /// <returns>A task that completes when <see cref="ServeForever()"/> has returned; faulted with
    /// <see cref="InvalidOperationException"/> in a Forking server's child process.</returns>
    public Task ShutdownAsync() => ForkingChild.IsChild ? Task.FromException(ShutdownInChild()) : RequestShutdown();

    /// <summary>Asks the loop to stop; returns the task that completes when it has.</summary>
    private Task RequestShutdown()
    {
        ServerWakeup? wakeup;
        CancellationTokenSource stopping;
        Task stopped;
        lock (_stateGate)
        {
            _shutdownRequested = true;
            wakeup = _wakeup;
            stopping = _stopping;
            stopped = _loopStopped.Task;
        }

        wakeup?.Signal();
        stopping.Cancel();
        return stopped;
    }

    private static InvalidOperationException ShutdownInChild() => new(
        "Shutdown() was called in a Forking server's child process, which runs one request and exits; nothing serves here, " +
        "so it would wait forever and stop nothing. Stop the server from the parent process.");

    private static TaskCompletionSource NewLoopSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Runs <see cref="ServeForever(TimeSpan)"/> with <see cref="DefaultPollInterval"/> on a dedicated thread; see
    /// <see cref="ServeForeverAsync(TimeSpan, CancellationToken)"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it shuts the server down.</param>
    /// <returns>A task that completes when the loop has stopped.</returns>
    public Task ServeForeverAsync(CancellationToken cancellationToken = default) => ServeForeverAsync(DefaultPollInterval, cancellationToken);

    /// <summary>
    /// Runs <see cref="ServeForever(TimeSpan)"/> on a dedicated thread (the accept loop; with the Async mix-in the
    /// requests themselves run as tasks without a thread each) and returns a task that completes when it returns, or
    /// faults with what it threw. Cancelling <paramref name="cancellationToken"/> calls <see cref="Shutdown"/>.
    /// </summary>
    /// <param name="pollInterval">How often <see cref="ServiceActions"/> runs while no request arrives.</param>
    /// <param name="cancellationToken">Cancelling it shuts the server down.</param>
    /// <returns>A task that completes when the loop has stopped.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pollInterval"/> is negative.</exception>
    public Task ServeForeverAsync(TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        if (pollInterval < TimeSpan.Zero && pollInterval != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "The poll interval is zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = new Thread(() =>
        {
            // Asks the loop to stop without waiting for it (the token may fire on the loop's own thread).
            using CancellationTokenRegistration registration = cancellationToken.Register(() => _ = ShutdownAsync());
            try
            {
                ServeForever(pollInterval);
                stopped.SetResult();
            }
#pragma warning disable CA1031 // Whatever the loop throws belongs to the returned task.
            catch (Exception error)
#pragma warning restore CA1031
            {
                stopped.SetException(error);
            }
        })
        {
            IsBackground = true,
            Name = $"{GetType().Name} ServeForeverAsync",
        };
        loop.Start();
        return stopped.Task;
    }

    /// <summary>
    /// Called by <see cref="ServeForever()"/> on every poll and after every request. Does nothing by default;
    /// override it for periodic work (the Forking mix-in reaps children here).
    /// </summary>
    public virtual void ServiceActions()
    {
    }

    /// <summary>
    /// Cleans up the server: stops accepting requests (see <see cref="StopAcceptingRequests"/>) and releases its
    /// sockets. Idempotent. A <see cref="ServeForever()"/> loop running on another thread returns. Mix-ins extend
    /// it: the Threading mix-in stops accepting, waits for its request threads, then lets this run.
    /// </summary>
    public virtual void ServerClose()
    {
        StopAcceptingRequests();
        _wakeup?.Dispose();
    }

    /// <summary>
    /// The first half of <see cref="ServerClose"/>: no request is taken after this, a waiting
    /// <see cref="ServeForever()"/> or <see cref="HandleRequest"/> returns, and a <see cref="Shutdown"/> waiting for a
    /// loop that will never run is released. A stream server also closes its listening socket here, so new
    /// connections are refused while running requests finish; a datagram server keeps its socket, which running
    /// handlers still need for their replies. Idempotent. Mix-ins that wait for running requests call this first.
    /// </summary>
    protected virtual void StopAcceptingRequests()
    {
        ServerWakeup? wakeup;
        CancellationTokenSource stopping;
        lock (_stateGate)
        {
            _closed = true;
            stopping = _stopping;

            // Under the lock the loop takes on its way out, so ServeForever() cannot return before the
            // listener is closed; and after _closed is set, so no GetRequest() runs on a closed listener.
            CloseListener();
            wakeup = _wakeup;
            if (_servingThread is null)
            {
                // Nobody serves and nobody will: release a Shutdown() that waits for a loop.
                _loopStopped.TrySetResult();
            }
        }

        wakeup?.Signal();
        stopping.Cancel();
    }

    /// <summary>Closes the socket that takes new requests, if closing it is how this server stops accepting.</summary>
    private protected virtual void CloseListener()
    {
    }

    /// <summary>Closes the server: calls <see cref="ServerClose"/>. Never calls <see cref="Shutdown"/>.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// What the constructors do when <c>bindAndActivate</c> is <see langword="true"/>: <see cref="ServerBind"/>, then
    /// <see cref="ServerActivate"/>. If either fails, the server is closed and the exception rethrown; a
    /// <see cref="SocketException"/> is replaced by one with the same error code and a message that says what
    /// failed, where, and what to do.
    /// </summary>
    /// <exception cref="SocketException">Binding or activating failed.</exception>
    protected void BindAndActivate()
    {
        if (ForkingChild.IsChild)
        {
            // The parent process owns the addresses; a Forking child only serves the request it is handed.
            return;
        }

        string step = "bind";
        try
        {
            ServerBind();
            step = "listen on";
            ServerActivate();
        }
        catch (SocketException e)
        {
            ServerClose();
            throw ServerAddressValidation.DescribeFailure(this, step, e);
        }
        catch
        {
            ServerClose();
            throw;
        }
    }

    /// <summary>Binds <see cref="Socket"/> to <see cref="ServerAddress"/>. Called by the constructor; does nothing here.</summary>
    public virtual void ServerBind()
    {
    }

    /// <summary>Activates the server (for a stream server, <c>listen()</c>). Called by the constructor; does nothing here.</summary>
    public virtual void ServerActivate()
    {
    }

    /// <summary>Accepts a request: returns the request object and the client's address.</summary>
    /// <returns>
    /// For a stream server, the connected <see cref="System.Net.Sockets.Socket"/>; for a datagram server, a
    /// <see cref="DatagramRequest"/>. The client address is <see langword="null"/> for an unbound Unix socket.
    /// </returns>
    public abstract (object Request, EndPoint? ClientAddress) GetRequest();

    /// <summary>
    /// Decides whether to handle a request; <see langword="false"/> rejects it (no handler is created and the
    /// request is shut down). Override for access control. Returns <see langword="true"/> by default.
    /// </summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <returns>Whether to process the request.</returns>
    public virtual bool VerifyRequest(object request, EndPoint? clientAddress) => true;

    /// <summary>
    /// Processes a verified request: here, <see cref="FinishRequest"/> then <see cref="ShutdownRequest"/> on the
    /// calling thread. Mix-ins replace it to run the request on another thread, a task or a child process.
    /// </summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    public virtual void ProcessRequest(object request, EndPoint? clientAddress)
    {
        FinishRequest(request, clientAddress);
        EndRequest(request);
    }

    /// <summary>
    /// Creates a handler with <see cref="RequestHandlerFactory"/> and runs it: <c>Setup</c>, <c>Handle</c>,
    /// <c>Finish</c> (<c>Finish</c> runs even if <c>Handle</c> throws; neither runs if <c>Setup</c> throws).
    /// </summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <exception cref="InvalidOperationException">The factory returned <see langword="null"/>.</exception>
    public virtual void FinishRequest(object request, EndPoint? clientAddress)
    {
        BaseRequestHandler handler = RequestHandlerFactory()
            ?? throw new InvalidOperationException("The request handler factory returned null; it must return a new handler for each request.");
        handler.Run(request, clientAddress, this);
    }

    /// <summary>
    /// <see cref="FinishRequest"/> for the Async mix-in: creates a handler and runs it, awaiting an asynchronous
    /// handler (<see cref="AsyncRequestHandler"/>) and running any other handler on the calling thread.
    /// </summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="cancellationToken">Fires when the server stops (<see cref="StoppingToken"/>).</param>
    /// <returns>A task that completes when the handler has finished.</returns>
    /// <exception cref="InvalidOperationException">The factory returned <see langword="null"/>.</exception>
    public virtual Task FinishRequestAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken)
    {
        BaseRequestHandler handler = RequestHandlerFactory()
            ?? throw new InvalidOperationException("The request handler factory returned null; it must return a new handler for each request.");
        return handler.RunAsync(request, clientAddress, this, cancellationToken);
    }

    /// <summary>Ends a request; here it only calls <see cref="CloseRequest"/>. A TCP server shuts the connection down first.</summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    public virtual void ShutdownRequest(object request) => CloseRequest(request);

    /// <summary>Releases what a request holds. Does nothing here; a stream server closes the connection.</summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    public virtual void CloseRequest(object request)
    {
    }

    /// <summary>
    /// Reports an exception thrown while processing a request. By default passes it to <see cref="ErrorLog"/>, which
    /// writes Python's block to standard error: a line of dashes, the client's address, the exception with its stack
    /// trace, a line of dashes. The server then goes on serving.
    /// </summary>
    /// <param name="request">The request being processed.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="exception">What was thrown.</param>
    public virtual void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ErrorLog.RequestFailed(this, clientAddress, exception);
    }

    /// <summary>Called by <see cref="HandleRequest"/> when <see cref="Timeout"/> passes without a request. Does nothing by default.</summary>
    public virtual void HandleTimeout()
    {
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

    /// <summary>In a Forking child: the parent's server stopped (or the parent died), so this one stops too.</summary>
    internal void SignalStopping() => _stopping.Cancel();

    /// <summary>In a Forking child: takes the parent's bound address, which the child never binds itself.</summary>
    internal void AdoptForkedAddress(EndPoint serverAddress) => ServerAddress = serverAddress;

    /// <summary>Reports a request's exception: counts it, marks its span, then calls <see cref="HandleError"/>.</summary>
    internal void ReportRequestError(object request, EndPoint? clientAddress, Exception error)
    {
        _requests.Failed(request, error);
        HandleError(request, clientAddress, error);
    }

    /// <summary>Ends a request: <see cref="ShutdownRequest"/>, then (whatever it did) the request stops counting as running.</summary>
    internal void EndRequest(object request)
    {
        try
        {
            ShutdownRequest(request);
        }
        finally
        {
            _requests.End(request);
        }
    }

    /// <summary>A transport closed a request (its <see cref="CloseRequest"/>): it no longer runs, even if a custom step skipped <see cref="EndRequest"/>.</summary>
    internal void RequestClosed(object request) => _requests.End(request);

    /// <summary>Counts bytes a handler read (<paramref name="received"/>) or wrote, for the <c>socketserver.io</c> metric.</summary>
    internal void CountIo(long bytes, bool received) => _requests.Io(bytes, received);

    /// <summary>Reports, without letting anything escape, an exception that escaped error handling on a request thread or task.</summary>
    internal void ReportEscaped(EndPoint? clientAddress, Exception escaped)
    {
        try
        {
            ErrorLog.ErrorHandlingFailed(this, clientAddress, escaped);
        }
#pragma warning disable CA1031 // The last resort: the error log itself failed.
        catch (Exception)
#pragma warning restore CA1031
        {
            ServerErrors.WriteEscaped(this, clientAddress, escaped);
        }
    }

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

    private ServerWakeup PrepareToWait()
    {
        lock (_stateGate)
        {
            ThrowIfClosed();
            return _wakeup ??= new ServerWakeup();
        }
    }

    private TimeSpan? EffectiveRequestTimeout()
    {
        TimeSpan? timeout = Timeout;
        int socketTimeout;
        try
        {
            socketTimeout = Socket.ReceiveTimeout;
        }
        catch (ObjectDisposedException)
        {
            return timeout;
        }

        if (socketTimeout <= 0)
        {
            return timeout;
        }

        TimeSpan fromSocket = TimeSpan.FromMilliseconds(socketTimeout);
        return timeout is { } own && own < fromSocket ? own : fromSocket;
    }

    /// <summary>Waits until the listening socket is readable, the wait elapses, or another thread wakes the loop.</summary>
    private bool WaitForRequest(ServerWakeup wakeup, TimeSpan wait)
    {
        if (!MayAccept(ref wait))
        {
            // At MaxConnections, or pausing after a failed accept: wait only for a wake-up (a request ending, Shutdown,
            // ServerClose) or the end of the pause; the next request waits where the system queues it.
            var wakeOnly = new List<Socket>(1) { wakeup.Socket };
            try
            {
                Socket.Select(wakeOnly, null, null, ToMicroseconds(wait));
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
            catch (SocketException) when (_closed)
            {
                return false;
            }

            if (wakeOnly.Count > 0)
            {
                wakeup.Drain();
            }

            return false;
        }

        var readable = new List<Socket>(2) { Socket, wakeup.Socket };
        try
        {
            Socket.Select(readable, null, null, ToMicroseconds(wait));
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        catch (SocketException) when (_closed)
        {
            return false;
        }

        if (readable.Contains(wakeup.Socket))
        {
            wakeup.Drain();
        }

        return !_closed && readable.Contains(Socket);
    }

    /// <summary>
    /// Whether the loop may take a request now: not at <see cref="ConcurrentRequestLimit"/>, not pausing after a failed
    /// accept. If not, shortens <paramref name="wait"/> to the end of the pause.
    /// </summary>
    private bool MayAccept(ref TimeSpan wait)
    {
        int? limit = ConcurrentRequestLimit;
        if (limit is { } max)
        {
            if (max < 1)
            {
                throw new InvalidOperationException(
                    $"{GetType().Name}.MaxConnections is {max}; it must be at least 1, or null for no limit.");
            }

            _requests.Limit = max;
            if (_requests.Count >= max)
            {
                return false;
            }
        }
        else
        {
            _requests.Limit = 0;
        }

        long pausedUntil = _acceptPausedUntil;
        if (pausedUntil == 0)
        {
            return true;
        }

        TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), pausedUntil);
        if (left <= TimeSpan.Zero)
        {
            return true;
        }

        if (wait == System.Threading.Timeout.InfiniteTimeSpan || left < wait)
        {
            wait = left;
        }

        return false;
    }

    /// <summary>
    /// Whether a failed accept means the process or system is out of a resource (descriptors, memory), so retrying at
    /// once would fail the same way and spin: EMFILE, ENFILE (<see cref="SocketError.TooManyOpenSockets"/>), ENOBUFS
    /// (<see cref="SocketError.NoBufferSpaceAvailable"/>), ENOMEM.
    /// </summary>
    private static bool IsResourceExhaustion(SocketException error) =>
        error.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable
        || error.NativeErrorCode is 12 /* ENOMEM */ or 23 /* ENFILE */ or 24 /* EMFILE */;

    /// <summary>
    /// Pauses accepting after a resource-exhaustion failure, doubling the pause up to <see cref="MaxAcceptPause"/>:
    /// the waiting connection stays in the backlog, and running requests get the time to finish and free what they hold.
    /// </summary>
    private void PauseAccepting(SocketException error)
    {
        _acceptPause = _acceptFailures == 0 ? FirstAcceptPause : TimeSpan.FromTicks(Math.Min(MaxAcceptPause.Ticks, _acceptPause.Ticks * 2));
        _acceptFailures++;
        _acceptPausedUntil = Stopwatch.GetTimestamp() + (long)(_acceptPause.TotalSeconds * Stopwatch.Frequency);
        _requests.AcceptFailed(error);
        if (_acceptFailures == 1)
        {
            try
            {
                ErrorLog.AcceptFailed(this, error, _acceptPause);
            }
#pragma warning disable CA1031 // A failing error log must not stop the serving loop.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private void AcceptSucceeded()
    {
        if (_acceptFailures == 0)
        {
            return;
        }

        int failures = _acceptFailures;
        _acceptFailures = 0;
        _acceptPausedUntil = 0;
        try
        {
            ErrorLog.AcceptRecovered(this, failures);
        }
#pragma warning disable CA1031 // A failing error log must not stop the serving loop.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void HandleRequestNoBlock()
    {
        object request;
        EndPoint? clientAddress;
        try
        {
            (request, clientAddress) = GetRequest();
        }
        catch (SocketException error) when (IsResourceExhaustion(error))
        {
            // CPython retries at once, and the listener stays readable, so its loop spins at 100 % CPU until a
            // descriptor frees up. Pause instead.
            PauseAccepting(error);
            return;
        }
        catch (SocketException)
        {
            // As in Python: the client may have gone before accept(); wait for the next one.
            return;
        }
        catch (ObjectDisposedException)
        {
            // Closed by another thread.
            return;
        }

        AcceptSucceeded();
        _requests.Taken();
        bool verified;
        try
        {
            verified = VerifyRequest(request, clientAddress);
        }
        catch (Exception error)
        {
            // Python lets this escape serve_forever() and leaks the request; we report it like any other
            // failure of the request and keep serving.
            ReportAndShutdown(request, clientAddress, error);
            return;
        }

        if (!verified)
        {
            _requests.Rejected();
            ShutdownRequest(request);
            return;
        }

        Activity? previous = _requests.Begin(request, clientAddress, out bool changedCurrent);
        try
        {
            ProcessRequest(request, clientAddress);
        }
        catch (Exception error)
        {
            ReportAndShutdown(request, clientAddress, error);
        }
        finally
        {
            if (changedCurrent)
            {
                // The request's span went with the request (its thread or task captured it); the loop goes back to its own.
                Activity.Current = previous;
            }
        }
    }

    private void ReportAndShutdown(object request, EndPoint? clientAddress, Exception error)
    {
        try
        {
            ReportRequestError(request, clientAddress, error);
        }
        finally
        {
            EndRequest(request);
        }
    }

    private static int ToMicroseconds(TimeSpan wait)
    {
        if (wait == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        if (wait <= TimeSpan.Zero)
        {
            return 0;
        }

        // Socket.Select takes an int of microseconds (about 35 minutes); a longer wait is done in slices
        // by the callers' loops.
        double microseconds = Math.Ceiling(wait.TotalMicroseconds);
        return microseconds >= int.MaxValue ? int.MaxValue : (int)microseconds;
    }
}
