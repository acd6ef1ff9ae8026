using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer;

/// <summary>
/// The superclass of every request handler: Python's <c>socketserver.BaseRequestHandler</c>. The server
/// creates a new handler for each request, sets <see cref="Request"/>, <see cref="ClientAddress"/> and
/// <see cref="Server"/>, then calls <see cref="Setup"/>, <see cref="Handle"/> and <see cref="Finish"/>.
/// </summary>
/// <remarks>
/// <see cref="Finish"/> runs even when <see cref="Handle"/> throws; if <see cref="Setup"/> throws, neither
/// <see cref="Handle"/> nor <see cref="Finish"/> runs. The exception then reaches the server's
/// <see cref="BaseServer.HandleError"/>. A handler needs a public parameterless constructor when the server
/// type names it with <c>Handler = typeof(...)</c>.
/// </remarks>
public abstract class BaseRequestHandler
{
    /// <summary>
    /// The request: for a stream server, the connected <see cref="System.Net.Sockets.Socket"/>; for a datagram
    /// server, a <see cref="DatagramRequest"/> (packet and socket).
    /// </summary>
    public object Request { get; private set; } = null!;

    /// <summary>The client's address, or <see langword="null"/> for a Unix-domain client that did not bind its socket.</summary>
    public EndPoint? ClientAddress { get; private set; }

    /// <summary>The server handling the request, for per-server information and settings.</summary>
    public BaseServer Server { get; private set; } = null!;

    /// <summary>Called before <see cref="Handle"/> to prepare the request. Does nothing here.</summary>
    public virtual void Setup()
    {
    }

    /// <summary>Does all the work of serving the request. Does nothing here; override it.</summary>
    public virtual void Handle()
    {
    }

    /// <summary>Called after <see cref="Handle"/>, even if it threw, to clean up. Does nothing here.</summary>
    public virtual void Finish()
    {
    }

    /// <summary>Runs the handler for one request from an asynchronous caller; a synchronous handler runs on the calling thread.</summary>
    internal virtual Task RunAsync(object request, EndPoint? clientAddress, BaseServer server, CancellationToken cancellationToken)
    {
        Run(request, clientAddress, server);
        return Task.CompletedTask;
    }

    /// <summary>Sets what the handler sees of its request (before <c>Setup</c>).</summary>
    internal void Attach(object request, EndPoint? clientAddress, BaseServer server)
    {
        Request = request;
        ClientAddress = clientAddress;
        Server = server;
    }

    /// <summary>Runs the handler for one request (Python does this in the handler's constructor).</summary>
    internal virtual void Run(object request, EndPoint? clientAddress, BaseServer server)
    {
        Attach(request, clientAddress, server);
        Setup();
        try
        {
            Handle();
        }
        catch (Exception handleFailure)
        {
            try
            {
                Finish();
            }
            catch (Exception finishFailure)
            {
                // Python chains the two; .NET cannot attach one to the other after the fact, so keep both.
                throw new AggregateException("Handle() threw, and then Finish() threw as well; both exceptions are inside.", handleFailure, finishFailure);
            }

            throw;
        }

        Finish();
    }
}
