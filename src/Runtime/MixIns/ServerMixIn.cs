using System;
using System.ComponentModel;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer;

/// <summary>
/// The lifecycle steps of a server that a mix-in takes part in: the overridable steps of <see cref="BaseServer"/>.
/// A composed server implements it explicitly as "the steps below the user mix-ins" (its concurrency mix-in,
/// then its transport); <see cref="ServerMixIn"/> implements it by passing each step on.
/// </summary>
public interface IServerSteps
{
    /// <summary>See <see cref="BaseServer.ServerBind"/>.</summary>
    void ServerBind();

    /// <summary>See <see cref="BaseServer.ServerActivate"/>.</summary>
    void ServerActivate();

    /// <summary>See <see cref="BaseServer.GetRequest"/>.</summary>
    /// <returns>The request and the client's address.</returns>
    (object Request, EndPoint? ClientAddress) GetRequest();

    /// <summary>See <see cref="BaseServer.VerifyRequest"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <returns>Whether to process the request.</returns>
    bool VerifyRequest(object request, EndPoint? clientAddress);

    /// <summary>See <see cref="BaseServer.ProcessRequest"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    void ProcessRequest(object request, EndPoint? clientAddress);

    /// <summary>See <see cref="BaseServer.FinishRequest"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    void FinishRequest(object request, EndPoint? clientAddress);

    /// <summary>See <see cref="BaseServer.FinishRequestAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>A task that completes when the handler has finished.</returns>
    Task FinishRequestAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken);

    /// <summary>See <see cref="BaseServer.CreateRequestStream"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <returns>A readable and writable stream of the request's bytes.</returns>
    Stream CreateRequestStream(object request, EndPoint? clientAddress);

    /// <summary>See <see cref="BaseServer.CreateRequestStreamAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>A readable and writable stream of the request's bytes.</returns>
    ValueTask<Stream> CreateRequestStreamAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken);

    /// <summary>See <see cref="BaseServer.ShutdownRequest"/>.</summary>
    /// <param name="request">The request.</param>
    void ShutdownRequest(object request);

    /// <summary>See <see cref="BaseServer.CloseRequest"/>.</summary>
    /// <param name="request">The request.</param>
    void CloseRequest(object request);

    /// <summary>See <see cref="BaseServer.HandleError"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="exception">What was thrown.</param>
    void HandleError(object request, EndPoint? clientAddress, Exception exception);

    /// <summary>See <see cref="BaseServer.HandleTimeout"/>.</summary>
    void HandleTimeout();

    /// <summary>See <see cref="BaseServer.ServiceActions"/>.</summary>
    void ServiceActions();

    /// <summary>See <see cref="BaseServer.ServerClose"/>.</summary>
    void ServerClose();
}

/// <summary>
/// The base of a user mix-in: Python's <c>class LoggingMixIn: def verify_request(self, ...): ...; return super().verify_request(...)</c>.
/// Override any step; call the <c>base</c> method to pass the step on to the next mix-in (Python's
/// <c>super()</c>), or do not, to replace it. List the mix-in in the server's attribute:
/// <c>[SocketServer(Tcp, Threading, typeof(AllowListMixIn))]</c>.
/// </summary>
/// <remarks>
/// The composed server creates one instance of each mix-in with its public parameterless constructor before
/// it binds, so a mix-in can take part in <see cref="ServerBind"/> too, and exposes it as a property named
/// after the type (<c>server.AllowListMixIn</c>) for configuration. <see cref="Server"/> is the server (Python's
/// <c>self</c>). A mix-in instance belongs to one server.
/// </remarks>
public abstract class ServerMixIn : IServerSteps
{
    private BaseServer? _server;
    private IServerSteps? _next;

    /// <summary>The server this mix-in is part of (Python's <c>self</c>).</summary>
    /// <exception cref="InvalidOperationException">The mix-in is not part of a server yet.</exception>
    protected BaseServer Server => _server ?? throw NotAttached();

    /// <summary>The step after this mix-in: the next mix-in, or the server's own steps.</summary>
    private IServerSteps Next => _next ?? throw NotAttached();

    /// <summary>
    /// Connects the mix-in to its server and to the next step. Called once by the generated constructor; not
    /// for use in your code.
    /// </summary>
    /// <param name="server">The composed server.</param>
    /// <param name="next">The next mix-in, or the server's own steps.</param>
    /// <exception cref="InvalidOperationException">The mix-in already belongs to a server.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void AttachTo(BaseServer server, IServerSteps next)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(next);
        if (_server is not null)
        {
            throw new InvalidOperationException($"{GetType().Name} already belongs to {_server.GetType().Name}; a mix-in instance serves one server.");
        }

        _server = server;
        _next = next;
        OnAttached();
    }

    /// <summary>
    /// Runs once the mix-in belongs to its server, in the server's constructor before it binds: the place to set a
    /// server property the mix-in changes (the Forking mix-in sets <see cref="BaseServer.Timeout"/>).
    /// </summary>
    protected virtual void OnAttached()
    {
    }

    /// <summary>
    /// Stops the server taking requests (a stream server closes its listener) without closing it: what a mix-in that
    /// waits for running requests in <see cref="ServerClose"/> does first, before it waits and passes the step on.
    /// </summary>
    protected void StopAcceptingRequests() => Server.StopAcceptingFromMixIn();

    /// <inheritdoc/>
    public virtual void ServerBind() => Next.ServerBind();

    /// <inheritdoc/>
    public virtual void ServerActivate() => Next.ServerActivate();

    /// <inheritdoc/>
    public virtual (object Request, EndPoint? ClientAddress) GetRequest() => Next.GetRequest();

    /// <inheritdoc/>
    public virtual bool VerifyRequest(object request, EndPoint? clientAddress) => Next.VerifyRequest(request, clientAddress);

    /// <inheritdoc/>
    public virtual void ProcessRequest(object request, EndPoint? clientAddress) => Next.ProcessRequest(request, clientAddress);

    /// <inheritdoc/>
    public virtual void FinishRequest(object request, EndPoint? clientAddress) => Next.FinishRequest(request, clientAddress);

    /// <inheritdoc/>
    public virtual Task FinishRequestAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken) =>
        Next.FinishRequestAsync(request, clientAddress, cancellationToken);

    /// <inheritdoc/>
    public virtual Stream CreateRequestStream(object request, EndPoint? clientAddress) => Next.CreateRequestStream(request, clientAddress);

    /// <inheritdoc/>
    public virtual ValueTask<Stream> CreateRequestStreamAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken) =>
        Next.CreateRequestStreamAsync(request, clientAddress, cancellationToken);

    /// <inheritdoc/>
    public virtual void ShutdownRequest(object request) => Next.ShutdownRequest(request);

    /// <inheritdoc/>
    public virtual void CloseRequest(object request) => Next.CloseRequest(request);

    /// <inheritdoc/>
    public virtual void HandleError(object request, EndPoint? clientAddress, Exception exception) => Next.HandleError(request, clientAddress, exception);

    /// <inheritdoc/>
    public virtual void HandleTimeout() => Next.HandleTimeout();

    /// <inheritdoc/>
    public virtual void ServiceActions() => Next.ServiceActions();

    /// <inheritdoc/>
    public virtual void ServerClose() => Next.ServerClose();

    private InvalidOperationException NotAttached() => new(
        $"{GetType().Name} is not part of a server yet: mix-ins are created and attached by the constructor of a " +
        "[SocketServer(...)] type that lists them.");
}
