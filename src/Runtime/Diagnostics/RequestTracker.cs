using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using SocketServer.Diagnostics;

namespace SocketServer.Internal;

/// <summary>
/// A server's requests from <c>VerifyRequest</c> passing to the end of <c>ShutdownRequest</c>: how many run (for
/// <c>MaxConnections</c> and drains), which connections to cut when a drain runs out of time, and their metrics and
/// spans. Instruments nobody listens to cost a flag check; the bookkeeping for the count and the abort set is one
/// dictionary entry per running request.
/// </summary>
internal sealed class RequestTracker(BaseServer server)
{
    private readonly ConcurrentDictionary<object, Record> _running = new(ReferenceEqualityComparer.Instance);

    // Requests handed to BaseServer.ServeRequest, whose caller waits for their outcome; empty on every other path.
    private readonly ConcurrentDictionary<object, RequestObserver> _observed = new(ReferenceEqualityComparer.Instance);
    private readonly object _idle = new();
    private KeyValuePair<string, object?>[]? _tags;
    private KeyValuePair<string, object?>[]? _receiveTags;
    private KeyValuePair<string, object?>[]? _transmitTags;
    private int _count;

    /// <summary>Called when a request ends while the count is at or above the limit it was waiting on.</summary>
    public Action? SlotFreed { get; set; }

    /// <summary>The limit the serving loop waits on, or 0 for none (read on each request's end).</summary>
    public int Limit { get; set; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether this server's requests stay out of metrics (a Forking spare's warm-up server).</summary>
    public bool Muted { get; set; }

    private KeyValuePair<string, object?>[] Tags => _tags ??=
    [
        new("socketserver.server", server.GetType().Name),
        new("network.transport", Transport(server)),
    ];

    /// <summary>A request was taken from the socket (before <c>VerifyRequest</c>).</summary>
    public void Taken()
    {
        if (SocketServerTelemetry.Requests.Enabled)
        {
            SocketServerTelemetry.Requests.Add(1, Tags);
        }
    }

    /// <summary><c>VerifyRequest</c> refused a request.</summary>
    public void Rejected()
    {
        if (SocketServerTelemetry.RejectedRequests.Enabled)
        {
            KeyValuePair<string, object?>[] tags = Tags;
            SocketServerTelemetry.RejectedRequests.Add(1, tags[0], tags[1], new("socketserver.rejection.reason", "verify_request"));
        }
    }

    /// <summary>
    /// A verified request starts. Starts its span, if anyone listens, as a root span current on this thread, so that the
    /// thread or task the request moves to carries it; returns what was current before, which the caller restores.
    /// </summary>
    public Activity? Begin(object request, EndPoint? clientAddress, out bool changedCurrent)
    {
        Activity? previous = null;
        Activity? activity = null;
        changedCurrent = false;
        if (SocketServerTelemetry.ActivitySource.HasListeners())
        {
            previous = Activity.Current;
            Activity.Current = null; // each request is a root: the serving loop's own context is not its parent
            changedCurrent = true;
            activity = StartActivity(clientAddress);
        }

        long started = SocketServerTelemetry.RequestDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        _running[request] = new Record(started, activity);
        Interlocked.Increment(ref _count);
        if (SocketServerTelemetry.ActiveRequests.Enabled)
        {
            SocketServerTelemetry.ActiveRequests.Add(1, Tags);
        }

        return previous;
    }

    /// <summary>
    /// Starts collecting what happens to <paramref name="request"/> (the exceptions reported to <c>HandleError</c>, its end)
    /// for <see cref="BaseServer.ServeRequest"/>; returns <see langword="null"/> if the same object is already observed.
    /// </summary>
    public RequestObserver? Observe(object request)
    {
        var observer = new RequestObserver();
        return _observed.TryAdd(request, observer) ? observer : null;
    }

    /// <summary>A request (or, with no request, the server) reported an exception to <c>HandleError</c>.</summary>
    public void Failed(object? request, Exception error)
    {
        if (request is not null && _observed.TryGetValue(request, out RequestObserver? observer))
        {
            observer.Failed(error);
        }

        string type = error.GetType().FullName ?? error.GetType().Name;
        if (SocketServerTelemetry.Errors.Enabled && !Muted)
        {
            KeyValuePair<string, object?>[] tags = Tags;
            SocketServerTelemetry.Errors.Add(1, tags[0], tags[1], new("error.type", type));
        }

        if (request is not null && _running.TryGetValue(request, out Record? record))
        {
            record.ErrorType ??= type;
            if (record.Activity is { } activity)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Message);
                activity.SetTag("error.type", type);
                activity.AddException(error);
            }
        }
    }

    /// <summary>A request ended (idempotent: the second call for the same request does nothing).</summary>
    public void End(object request)
    {
        if (_observed.TryRemove(request, out RequestObserver? observer))
        {
            observer.Ended();
        }

        if (!_running.TryRemove(request, out Record? record))
        {
            return;
        }

        if (record.Started != 0 && SocketServerTelemetry.RequestDuration.Enabled)
        {
            double seconds = Stopwatch.GetElapsedTime(record.Started).TotalSeconds;
            KeyValuePair<string, object?>[] tags = Tags;
            if (record.ErrorType is { } errorType)
            {
                SocketServerTelemetry.RequestDuration.Record(seconds, tags[0], tags[1], new("error.type", errorType));
            }
            else
            {
                SocketServerTelemetry.RequestDuration.Record(seconds, tags);
            }
        }

        if (SocketServerTelemetry.ActiveRequests.Enabled)
        {
            SocketServerTelemetry.ActiveRequests.Add(-1, Tags);
        }

        record.Activity?.Stop();
        int remaining = Interlocked.Decrement(ref _count);
        int limit = Limit;
        if (limit > 0 && remaining == limit - 1)
        {
            SlotFreed?.Invoke();
        }

        if (remaining == 0)
        {
            lock (_idle)
            {
                Monitor.PulseAll(_idle);
            }
        }
    }

    /// <summary>Waits until no request runs, at most <paramref name="timeout"/>; returns whether none runs.</summary>
    public bool WaitUntilIdle(TimeSpan timeout)
    {
        long started = Stopwatch.GetTimestamp();
        lock (_idle)
        {
            while (Count > 0)
            {
                TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : timeout - Stopwatch.GetElapsedTime(started);
                if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(_idle, left == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Min(int.MaxValue, Math.Ceiling(left.TotalMilliseconds)));
            }
        }

        return true;
    }

    /// <summary>
    /// Shuts every running connection down both ways: a handler blocked reading sees the end of its input and a
    /// write fails, so the handler ends. Datagram requests are not touched (they hold nothing to cut).
    /// </summary>
    public int AbortConnections()
    {
        int aborted = 0;
        foreach (object request in _running.Keys)
        {
            if (request is not Socket connection)
            {
                continue;
            }

            try
            {
                connection.Shutdown(SocketShutdown.Both);
                aborted++;
            }
            catch (SocketException)
            {
                // Already gone.
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile.
            }
        }

        if (aborted > 0 && SocketServerTelemetry.AbortedRequests.Enabled)
        {
            SocketServerTelemetry.AbortedRequests.Add(aborted, Tags);
        }

        return aborted;
    }

    public void AcceptFailed(SocketException error)
    {
        if (SocketServerTelemetry.AcceptErrors.Enabled)
        {
            KeyValuePair<string, object?>[] tags = Tags;
            SocketServerTelemetry.AcceptErrors.Add(1, tags[0], tags[1], new("error.type", error.SocketErrorCode.ToString()));
        }
    }

    /// <summary>Counts bytes a handler read or wrote (cheap: one flag check when nobody listens).</summary>
    public void Io(long bytes, bool received)
    {
        if (bytes > 0 && SocketServerTelemetry.Io.Enabled && !Muted)
        {
            KeyValuePair<string, object?>[] tags = received
                ? _receiveTags ??= [.. Tags, new("network.io.direction", "receive")]
                : _transmitTags ??= [.. Tags, new("network.io.direction", "transmit")];
            SocketServerTelemetry.Io.Add(bytes, tags);
        }
    }

    private Activity? StartActivity(EndPoint? clientAddress)
    {
        Activity? activity = SocketServerTelemetry.ActivitySource.StartActivity(SocketServerTelemetry.RequestActivityName, ActivityKind.Server);
        if (activity is null)
        {
            return null;
        }

        activity.DisplayName = server.GetType().Name + " request";
        if (activity.IsAllDataRequested)
        {
            KeyValuePair<string, object?>[] tags = Tags;
            activity.SetTag(tags[0].Key, tags[0].Value);
            activity.SetTag(tags[1].Key, tags[1].Value);
            switch (clientAddress)
            {
                case IPEndPoint ip:
                    activity.SetTag("client.address", ip.Address.ToString());
                    activity.SetTag("client.port", ip.Port);
                    break;
                case UnixDomainSocketEndPoint unix:
                    activity.SetTag("client.address", unix.ToString());
                    break;
            }
        }

        return activity;
    }

    private static string Transport(BaseServer server) =>
        server.ServerAddress is UnixDomainSocketEndPoint ? "unix" : server.SocketType == SocketType.Dgram ? "udp" : "tcp";

    private sealed class Record(long started, Activity? activity)
    {
        public long Started { get; } = started;

        public Activity? Activity { get; } = activity;

        public string? ErrorType { get; set; }
    }
}
