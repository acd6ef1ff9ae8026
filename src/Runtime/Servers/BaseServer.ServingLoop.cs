// The serving loop: serve_forever() and handle_request(), the wait on the listening socket with its wake-up
// socket (so Shutdown and ServerClose never wait for a poll interval), and _handle_request_noblock(), which takes one
// request through GetRequest, VerifyRequest and ProcessRequest. The limits on taking requests are in
// BaseServer.AcceptGate.cs; stopping the loop is in BaseServer.Shutdown.cs.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SocketServer.Internal;

namespace SocketServer;

public abstract partial class BaseServer
{
    /// <summary>The poll interval of <see cref="ServeForever()"/>: half a second, as in Python.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(0.5);

    // Guards who runs the loop, whether shutdown was asked, and closing (StopAcceptingRequests), so that
    // ServeForever, Shutdown and ServerClose racing on other threads each see a consistent state.
    private readonly object _stateGate = new();
    private volatile bool _shutdownRequested;
    private volatile Thread? _servingThread;
    private volatile ServerWakeup? _wakeup;

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
    /// <remarks>Python: <c>serve_forever(poll_interval)</c>.</remarks>
    public void ServeForever(TimeSpan pollInterval)
    {
        if (pollInterval < TimeSpan.Zero && pollInterval != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "The poll interval is zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        if (Role.ServeInstead(this))
        {
            // In a process started to serve one request (a Forking child), that request ran in the loop's place.
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
                // requested, no further request is handled, as in CPython.
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
    /// Handles one request: waits for it (at most <see cref="Timeout"/>, or the socket's own timeout if that is
    /// smaller), then runs <see cref="GetRequest"/>, <see cref="VerifyRequest"/> and <see cref="ProcessRequest"/>.
    /// If no request arrives in time, calls <see cref="HandleTimeout"/> and returns. Returns without handling
    /// anything if the server is closed by another thread while waiting.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The server was closed before the call.</exception>
    /// <remarks>Python: <c>handle_request()</c>.</remarks>
    public void HandleRequest()
    {
        if (Role.ServeInstead(this))
        {
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

    /// <summary>Python's <c>_handle_request_noblock()</c>: takes one request that is ready and runs it through the steps.</summary>
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
        RunTakenRequest(request, clientAddress, observer: null);
    }

    /// <summary>
    /// What happens to a request once it is taken, wherever it came from (<see cref="GetRequest"/>, or
    /// <see cref="ServeRequest"/>): <see cref="VerifyRequest"/>, then <see cref="ProcessRequest"/>, or
    /// <see cref="ShutdownRequest"/> for a request refused; an exception of either goes to <see cref="HandleError"/>.
    /// </summary>
    private void RunTakenRequest(object request, EndPoint? clientAddress, RequestObserver? observer)
    {
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
            observer?.Refused();
            ReportAndShutdown(request, clientAddress, error);
            return;
        }

        if (!verified)
        {
            observer?.Refused();
            _requests.Rejected();
            try
            {
                ShutdownRequest(request);
            }
            finally
            {
                // A refused request never ran, so this only tells an observer that it has ended.
                _requests.End(request);
            }

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
