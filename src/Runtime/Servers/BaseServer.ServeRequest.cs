// Serving a request that did not come from GetRequest: an in-memory connection or datagram a test builds
// (SocketServer.Testing), run through the same steps as one the serving loop accepted.

using System;
using System.Net;
using System.Threading.Tasks;
using SocketServer.Internal;

namespace SocketServer;

public abstract partial class BaseServer
{
    /// <summary>
    /// Runs a request that did not come from <see cref="GetRequest"/> through the steps the serving loop runs after
    /// <see cref="GetRequest"/>: <see cref="VerifyRequest"/>; then <see cref="ProcessRequest"/> (so a Threading server
    /// runs it on a request thread, an Async server as a task), or <see cref="ShutdownRequest"/> for a request refused;
    /// what throws goes to <see cref="HandleError"/>. The request is counted and traced like an accepted one. The server
    /// does not need to be bound or serving: SocketServer.Testing creates it with <c>bindAndActivate: false</c> and hands it
    /// in-memory requests.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A stream request is a <see cref="System.IO.Stream"/> (the default <see cref="CreateRequestStream"/> hands it to the
    /// handler as it is, and the handler closes it in its <c>Finish</c>); a datagram request is a <see cref="DatagramRequest"/>
    /// whose <see cref="DatagramRequest.SendReply"/> receives the reply. A Forking server cannot send either to a child.
    /// </para>
    /// <para>
    /// Like <see cref="HandleRequest"/>, it runs <see cref="ProcessRequest"/> on the calling thread: a server without a
    /// concurrency mix-in runs the whole request before this returns, so call it where that may block (the
    /// SocketServer.Testing client does, from a thread of its own). Python: none.
    /// </para>
    /// </remarks>
    /// <param name="request">The request: a <see cref="System.IO.Stream"/> for a stream server, a <see cref="DatagramRequest"/> for a datagram server.</param>
    /// <param name="clientAddress">The client's address the steps and the handler see.</param>
    /// <returns>
    /// A task that completes when the request has ended (after its <see cref="ShutdownRequest"/>), with whether it was
    /// verified and the exceptions that reached <see cref="HandleError"/> for it. It never faults.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The same request object is already being served.</exception>
    public Task<RequestOutcome> ServeRequest(object request, EndPoint? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestObserver observer = _requests.Observe(request) ?? throw new InvalidOperationException(
            $"This {request.GetType().Name} is already being served by {GetType().Name}; hand each request to ServeRequest once.");
        RunTakenRequest(request, clientAddress, observer);
        return observer.Outcome;
    }
}
