// Request tracking and telemetry: which requests run (ActiveRequests, drains, aborting connections), their
// metrics and spans (RequestTracker), and how a request's end and its errors are recorded, so every path that runs a
// request (the loop, the Threading/Async/Forking mix-ins) counts and reports it the same way.

using System;
using System.Net;
using SocketServer.Internal;

namespace SocketServer;

public abstract partial class BaseServer
{
    private readonly RequestTracker _requests;

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
}
