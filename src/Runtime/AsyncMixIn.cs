using System;
using System.Net;

namespace SocketServer;

/// <summary>
/// The Async mix-in for a composed server: each request as an asynchronous task, without a thread each.
/// <b>Not available yet:</b> it needs asynchronous handlers, which arrive in a later version. Until then an
/// Async server composes, binds and accepts, but processing a request fails with
/// <see cref="NotSupportedException"/>, which reaches <c>HandleError</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Per-server state (children, running tasks) arrives with the implementation; generated code already calls an instance.")]
public sealed class AsyncMixIn
{
    /// <summary>Would run the request as a task.</summary>
    /// <param name="server">The composed server.</param>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <exception cref="NotSupportedException">Always, in this version.</exception>
    public void ProcessRequest(BaseServer server, object request, EndPoint? clientAddress) =>
        throw new NotSupportedException(
            $"{server?.GetType().Name} is an Async server, which this version of SocketServer does not run yet: it needs " +
            "asynchronous request handlers, which are still to come. Use Concurrency.Threading for now.");

    /// <summary>Would wait for running requests. Nothing runs yet.</summary>
    public void WaitForRequests()
    {
    }
}
