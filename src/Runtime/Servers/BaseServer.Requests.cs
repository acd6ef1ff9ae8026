// Request tracking and telemetry: which requests run (ActiveRequests, drains, aborting connections), their
// metrics and spans (RequestTracker), and how a request's end and its errors are recorded, so every path that runs a
// request (the loop, the Threading/Async/Forking mix-ins, a third-party mix-in) counts and reports it the same way:
// RunRequest and RunRequestAsync are that one request shell.

using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
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

    /// <summary>
    /// Runs a request the way every concurrency mix-in does wherever it sends it (a thread, a task, a child process):
    /// <see cref="FinishRequest"/>; if that throws, <see cref="HandleError"/>; then always <see cref="ShutdownRequest"/>.
    /// The request is counted, traced and reported like those of the built-in mix-ins: its duration and error go to the
    /// server's metrics and its span, and it stops counting in <see cref="ActiveRequests"/> (and against
    /// <c>MaxConnections</c>) when it ends. Nothing escapes: an exception thrown by <see cref="HandleError"/> or
    /// <see cref="ShutdownRequest"/> goes to <see cref="ErrorLog"/>, so it is safe as the whole body of a thread.
    /// </summary>
    /// <remarks>
    /// <para>Python: the body of <c>ThreadingMixIn.process_request_thread</c>.</para>
    /// <para>
    /// For a mix-in of your own that replaces <see cref="ProcessRequest"/> to run requests elsewhere: call this (or
    /// <see cref="RunRequestAsync"/>) from there with the request and address <see cref="ProcessRequest"/> received, once
    /// per request, and do not call <see cref="FinishRequest"/> or <see cref="ShutdownRequest"/> yourself:
    /// <code>public override void ProcessRequest(object request, EndPoint? clientAddress) =>
    ///     _queue.Add(() => Server.RunRequest(request, clientAddress));</code>
    /// </para>
    /// </remarks>
    /// <param name="request">The request <see cref="ProcessRequest"/> received.</param>
    /// <param name="clientAddress">The client's address <see cref="ProcessRequest"/> received.</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public void RunRequest(object request, EndPoint? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = TryRunRequest(request, clientAddress);
    }

    /// <summary>
    /// <see cref="RunRequest"/> for asynchronous handlers: awaits <see cref="FinishRequestAsync"/> with
    /// <see cref="StoppingToken"/>; if that throws, <see cref="HandleError"/>; then always <see cref="ShutdownRequest"/>. A
    /// request that ends with an <see cref="OperationCanceledException"/> because the server stopped is not an error.
    /// The returned task never faults: what escapes error handling goes to <see cref="ErrorLog"/>.
    /// </summary>
    /// <remarks>The body of the Async mix-in's request task; use it from a mix-in of your own as <see cref="RunRequest"/> says.</remarks>
    /// <param name="request">The request <see cref="ProcessRequest"/> received.</param>
    /// <param name="clientAddress">The client's address <see cref="ProcessRequest"/> received.</param>
    /// <returns>A task that completes when the request has ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public Task RunRequestAsync(object request, EndPoint? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunRequestCoreAsync(request, clientAddress);
    }

    /// <summary><see cref="RunRequest"/>, saying whether <see cref="FinishRequest"/> returned without an exception (a Forking child's exit status).</summary>
    internal bool TryRunRequest(object request, EndPoint? clientAddress)
    {
        bool finished = false;
        try
        {
            try
            {
                FinishRequest(request, clientAddress);
                finished = true;
            }
            catch (Exception error)
            {
                ReportRequestError(request, clientAddress, error);
            }
            finally
            {
                EndRequest(request);
            }
        }
#pragma warning disable CA1031 // An exception escaping a request thread ends the process; report it instead.
        catch (Exception escaped)
#pragma warning restore CA1031
        {
            ReportEscaped(clientAddress, escaped);
        }

        return finished;
    }

    private async Task RunRequestCoreAsync(object request, EndPoint? clientAddress)
    {
        try
        {
            CancellationToken stopping = StoppingToken;
            try
            {
                await FinishRequestAsync(request, clientAddress, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The server stopped and the handler ended with it, as asked: not an error.
            }
            catch (Exception error)
            {
                ReportRequestError(request, clientAddress, error);
            }
            finally
            {
                EndRequest(request);
            }
        }
#pragma warning disable CA1031 // An exception escaping a request task would go unobserved; report it instead.
        catch (Exception escaped)
#pragma warning restore CA1031
        {
            ReportEscaped(clientAddress, escaped);
        }
    }

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

    /// <summary>
    /// Stops this server's requests from reaching metrics: for the server a Forking spare warms itself up with, whose
    /// request is not one of the program's.
    /// </summary>
    internal void MuteTelemetry() => _requests.Muted = true;

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
