// The step contract: the virtual steps a server and each request go through, in that order, with Python's names in
// their docs (server_bind, server_activate, get_request, verify_request, process_request, finish_request,
// shutdown_request, close_request, handle_error, handle_timeout, service_actions, server_close). Subclasses and
// mix-ins override these; the rest of BaseServer only calls them.

using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SocketServer.Internal;
using SocketServer.IO;

namespace SocketServer;

public abstract partial class BaseServer
{
    /// <summary>
    /// What the constructors do when <c>bindAndActivate</c> is <see langword="true"/>: <see cref="ServerBind"/>, then
    /// <see cref="ServerActivate"/>. If either fails, the server is closed and the exception rethrown; a
    /// <see cref="SocketException"/> is replaced by one with the same error code and a message that says what
    /// failed, where, and what to do.
    /// </summary>
    /// <exception cref="SocketException">Binding or activating failed.</exception>
    /// <remarks>Python: the <c>if bind_and_activate:</c> block of <c>TCPServer.__init__</c>.</remarks>
    protected void BindAndActivate()
    {
        if (!Role.BindsAddresses)
        {
            // Another process owns the addresses (this is a Forking child, which only serves the request it is handed).
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
    /// <remarks>Python: <c>server_bind()</c>.</remarks>
    public virtual void ServerBind()
    {
    }

    /// <summary>Activates the server (for a stream server, <c>listen()</c>). Called by the constructor; does nothing here.</summary>
    /// <remarks>Python: <c>server_activate()</c>.</remarks>
    public virtual void ServerActivate()
    {
    }

    /// <summary>Accepts a request: returns the request object and the client's address.</summary>
    /// <returns>
    /// For a stream server, the connected <see cref="System.Net.Sockets.Socket"/>; for a datagram server, a
    /// <see cref="DatagramRequest"/>. The client address is <see langword="null"/> for an unbound Unix socket.
    /// </returns>
    /// <remarks>Python: <c>get_request()</c>.</remarks>
    public abstract (object Request, EndPoint? ClientAddress) GetRequest();

    /// <summary>
    /// Decides whether to handle a request; <see langword="false"/> rejects it (no handler is created and the
    /// request is shut down). Override for access control. Returns <see langword="true"/> by default.
    /// </summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <returns>Whether to process the request.</returns>
    /// <remarks>Python: <c>verify_request(request, client_address)</c>.</remarks>
    public virtual bool VerifyRequest(object request, EndPoint? clientAddress) => true;

    /// <summary>
    /// Processes a verified request: here, <see cref="FinishRequest"/> then <see cref="ShutdownRequest"/> on the
    /// calling thread. Mix-ins replace it to run the request on another thread, a task or a child process.
    /// </summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <remarks>Python: <c>process_request(request, client_address)</c>.</remarks>
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
    /// <remarks>Python: <c>finish_request(request, client_address)</c>.</remarks>
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
    /// <remarks>Python: none; the Async mix-in's <c>finish_request</c>.</remarks>
    public virtual Task FinishRequestAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken)
    {
        BaseRequestHandler handler = RequestHandlerFactory()
            ?? throw new InvalidOperationException("The request handler factory returned null; it must return a new handler for each request.");
        return handler.RunAsync(request, clientAddress, this, cancellationToken);
    }

    /// <summary>
    /// Opens the byte stream of a stream request: the one duplex <see cref="Stream"/> a stream handler's <c>RFile</c> and
    /// <c>WFile</c> read and write. Called by <see cref="StreamRequestHandler"/> in its <c>Setup</c>, on the thread that
    /// runs the request. For a connected <see cref="System.Net.Sockets.Socket"/>, a stream over it that counts its bytes
    /// in the <c>socketserver.io</c> metric and honours <see cref="Stream.ReadTimeout"/> and <see cref="Stream.WriteTimeout"/>
    /// for asynchronous reads and writes as well; a request that is already a <see cref="Stream"/> (an in-memory duplex
    /// stream a test hands to <see cref="FinishRequest"/>) is returned as it is.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A mix-in overrides it to put a layer between the connection and the handler: call <c>base</c> for the connection's
    /// stream and return a stream over it (<see cref="TlsMixIn"/> returns an authenticated <see cref="System.Net.Security.SslStream"/>).
    /// An exception thrown here fails the request before its handler's <c>Handle</c> runs and reaches
    /// <see cref="HandleError"/>. The handler disposes the stream in its <c>Finish</c>; disposing it does not close the
    /// connection, which <see cref="ShutdownRequest"/> does.
    /// </para>
    /// <para>Python: none; <c>StreamRequestHandler.setup</c>'s <c>connection.makefile()</c>, made a step.</para>
    /// </remarks>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <returns>A readable and writable stream of the request's bytes.</returns>
    /// <exception cref="InvalidOperationException">The request is neither a connected socket nor a stream (a datagram).</exception>
    public virtual Stream CreateRequestStream(object request, EndPoint? clientAddress) => OpenRequestStream(request);

    /// <summary>
    /// <see cref="CreateRequestStream"/> for an asynchronous handler (<see cref="AsyncStreamRequestHandler"/>), called in its
    /// <c>SetupAsync</c>: the same stream, opened without blocking a thread (a TLS handshake is awaited here). By default
    /// the same stream as <see cref="CreateRequestStream"/>'s default, synchronously.
    /// </summary>
    /// <remarks>
    /// Override both steps together: a synchronous handler calls the first, an asynchronous one this one, and neither
    /// calls the other (so a layer a mix-in adds in both is added once).
    /// </remarks>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>A readable and writable stream of the request's bytes.</returns>
    /// <exception cref="InvalidOperationException">The request is neither a connected socket nor a stream (a datagram).</exception>
    public virtual ValueTask<Stream> CreateRequestStreamAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken) =>
        new(OpenRequestStream(request));

    /// <summary>The default of both request-stream steps: a counting stream over a connection, or a stream request as it is.</summary>
    private Stream OpenRequestStream(object request) => request switch
    {
        Socket connection => new HandlerNetworkStream(connection, this),
        Stream stream => stream,
        _ => throw NotAStreamRequest(request),
    };

    /// <summary>Ends a request; here it only calls <see cref="CloseRequest"/>. A TCP server shuts the connection down first.</summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <remarks>Python: <c>shutdown_request(request)</c>.</remarks>
    public virtual void ShutdownRequest(object request) => CloseRequest(request);

    /// <summary>Releases what a request holds. Does nothing here; a stream server closes the connection.</summary>
    /// <param name="request">The request from <see cref="GetRequest"/>.</param>
    /// <remarks>Python: <c>close_request(request)</c>.</remarks>
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
    /// <remarks>Python: <c>handle_error(request, client_address)</c>.</remarks>
    public virtual void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ErrorLog.RequestFailed(this, clientAddress, exception);
    }

    /// <summary>Called by <see cref="HandleRequest"/> when <see cref="Timeout"/> passes without a request. Does nothing by default.</summary>
    /// <remarks>Python: <c>handle_timeout()</c>.</remarks>
    public virtual void HandleTimeout()
    {
    }

    /// <summary>
    /// Called by <see cref="ServeForever()"/> on every poll and after every request. Does nothing by default;
    /// override it for periodic work (the Forking mix-in reaps children here).
    /// </summary>
    /// <remarks>Python: <c>service_actions()</c>.</remarks>
    public virtual void ServiceActions()
    {
    }

    /// <summary>
    /// Cleans up the server: stops accepting requests (see <see cref="StopAcceptingRequests"/>) and releases its
    /// sockets. Idempotent. A <see cref="ServeForever()"/> loop running on another thread returns. Mix-ins extend
    /// it: the Threading mix-in stops accepting, waits for its request threads, then lets this run.
    /// </summary>
    /// <remarks>Python: <c>server_close()</c>.</remarks>
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
    /// <remarks>Python: none; the first half of <c>server_close()</c>.</remarks>
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

    private InvalidOperationException NotAStreamRequest(object request) => new(
        $"{GetType().Name} delivered a {request.GetType().Name}, which has no byte stream: only a connection (TcpServer, UnixStreamServer) " +
        "or a Stream has one. Serve datagrams with a DatagramRequestHandler.");

    /// <summary>Closes the socket that takes new requests, if closing it is how this server stops accepting.</summary>
    private protected virtual void CloseListener()
    {
    }
}
