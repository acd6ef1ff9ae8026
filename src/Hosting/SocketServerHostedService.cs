using System;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SocketServer.Hosting;

/// <summary>
/// Runs one server with the generic host: <see cref="StartAsync"/> creates it (bound and listening) and runs its
/// serving loop on a dedicated thread; <see cref="StopAsync"/> stops accepting, drains running requests for up to
/// <see cref="SocketServerHostingOptions{TServer}.DrainTimeout"/>, cuts the rest, and closes the server.
/// </summary>
/// <remarks>
/// Internal on purpose: <c>AddSocketServer&lt;TServer&gt;()</c> is the way in, and keeping the type out of the public
/// API leaves the stop sequence free to change. Events 10–17 of the server type's logger category come from here.
/// </remarks>
/// <typeparam name="TServer">The server type it runs (one hosted service per type).</typeparam>
internal sealed partial class SocketServerHostedService<TServer> : IHostedService
    where TServer : BaseServer
{
    private readonly IServiceProvider _services;
    private readonly IOptions<SocketServerHostingOptions<TServer>> _options;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private TServer? _server;
    private volatile bool _stopping;

    public SocketServerHostedService(IServiceProvider services)
    {
        _services = services;
        _options = services.GetRequiredService<IOptions<SocketServerHostingOptions<TServer>>>();

        // The category is the server type's name (as ILogger<TServer> spells it), so filters and the error log agree.
        _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<TServer>();

        // Optional, so the service also runs in a container that is not a full host (then a failed loop is only logged).
        _lifetime = services.GetService<IHostApplicationLifetime>();
    }

    /// <summary>The singleton factory behind <c>TServer</c>: checks the options, then calls <c>CreateServer</c>.</summary>
    internal static TServer CreateServer(IServiceProvider services)
    {
        SocketServerHostingOptions<TServer> options = services.GetRequiredService<IOptions<SocketServerHostingOptions<TServer>>>().Value;
        Func<IServiceProvider, TServer> create = options.CreateServer ?? throw MissingCreateServer();
        return create(services) ?? throw new InvalidOperationException(
            $"SocketServerHostingOptions<{typeof(TServer).Name}>.CreateServer returned null; it must return a new, bound {typeof(TServer).Name}.");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SocketServerHostingOptions<TServer> options = _options.Value;
        if (options.CreateServer is null)
        {
            // Checked here as well as in the factory so the message is the same even if nothing resolved the server yet.
            throw MissingCreateServer();
        }

        // Resolving the singleton creates and binds the server: a bind error propagates from here and the host does
        // not start, with the runtime's message (what failed, where, and what to do).
        TServer server = _services.GetRequiredService<TServer>();
        if (options.UseLogger)
        {
            server.ErrorLog = new LoggerServerErrorLog(_logger);
        }

        _server = server;
        LogListening(_logger, server.ServerAddress);

        // The loop gets no token: StopAsync shuts it down itself, in the order the drain needs.
        Task loop = server.ServeForeverAsync(options.PollInterval, CancellationToken.None);
        _ = loop.ContinueWith(OnLoopEnded, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        TServer? server = Interlocked.Exchange(ref _server, null);
        if (server is null)
        {
            return; // never started, or already stopped
        }

        _stopping = true;
        TimeSpan drainTimeout = _options.Value.DrainTimeout;
        long started = Stopwatch.GetTimestamp();
        TimeSpan Remaining() => drainTimeout == Timeout.InfiniteTimeSpan
            ? Timeout.InfiniteTimeSpan
            : TimeSpan.FromTicks(Math.Max(0, (drainTimeout - Stopwatch.GetElapsedTime(started)).Ticks));

        // 1. Stop the loop, off the host's thread (Shutdown blocks): no request starts after it. A Threading or Async
        //    loop stops at once; a Sync server's loop runs the request itself, so for it this wait is the drain.
        Task shutdown = server.ShutdownAsync();
        Task? close = null;
        try
        {
            bool loopStopped = await CompletesAsync(shutdown, Remaining(), "Shutdown", cancellationToken).ConfigureAwait(false);

            // Counted before the listener closes: once clients see the close, requests may end at any moment.
            int running = server.ActiveRequests;
            LogStopping(_logger, running, drainTimeout);

            // 2. Close on a dedicated thread: the listener closes now, so new connections are refused, and then
            //    ServerClose may block for a long time (BlockOnClose waits for running requests).
            close = RunOnDedicatedThread(server.ServerClose);

            // 3. Drain: let running requests finish, up to DrainTimeout.
            bool drained = loopStopped && await DrainAsync(server, Remaining(), cancellationToken).ConfigureAwait(false);

            // 4. Cut what still runs: each connection is shut down both ways, so its handler's reads end and it returns.
            int aborted = 0;
            if (!drained)
            {
                aborted = server.AbortActiveRequests();
                LogDrainTimedOut(_logger, aborted, drainTimeout);
            }

            await CompletesAsync(Task.WhenAll(shutdown, close), Timeout.InfiniteTimeSpan, "ServerClose", cancellationToken).ConfigureAwait(false);
            int drainedRequests = Math.Max(0, running - aborted);
            LogStopped(_logger, drainedRequests);
            Dispose(server);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout is up: never hold the host past it. Cut every connection so handlers end
            // soon, and let the close finish (and the server be disposed) in the background.
            int aborted = server.AbortActiveRequests();
            LogStopCutShort(_logger, aborted, server.ActiveRequests);
            close ??= RunOnDedicatedThread(server.ServerClose);
            _ = Task.WhenAll(shutdown, close).ContinueWith(
                (finished, state) =>
                {
                    _ = finished.Exception; // observed: the warning above already says the stop was cut short
                    Dispose((BaseServer)state!);
                },
                server,
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
        }
    }

    /// <summary>Disposes the server (its close already ran, so this is quick); a failure is logged, not thrown at the host.</summary>
    private void Dispose(BaseServer server)
    {
        try
        {
            server.Dispose();
        }
#pragma warning disable CA1031 // Stopping is over; the host has nothing to do with a failed dispose but hear of it.
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogStopStepFailed(_logger, error, "Dispose");
        }
    }

    private static InvalidOperationException MissingCreateServer()
    {
        string name = typeof(TServer).Name;
        return new InvalidOperationException(
            $"SocketServerHostingOptions<{name}>.CreateServer is not set, so the host cannot create the server. Set it in " +
            $"AddSocketServer<{name}>, for example: services.AddSocketServer<{name}>(options => options.CreateServer = " +
            $"_ => new {name}(\"0.0.0.0\", 9999)); (add a handler factory such as () => new MyHandler() if the " +
            "[SocketServer] attribute names no Handler).");
    }

    /// <summary>Waits up to <paramref name="timeout"/> for no request to run, without holding a thread-pool thread.</summary>
    private static async Task<bool> DrainAsync(BaseServer server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (server.WaitForActiveRequests(TimeSpan.Zero))
        {
            return true; // the usual case: nothing runs, and no thread is needed
        }

        if (timeout == TimeSpan.Zero)
        {
            return false;
        }

        Task<bool> idle = Task.Factory.StartNew(
            () => server.WaitForActiveRequests(timeout), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // WaitForActiveRequests is bounded by the timeout itself; the host's token may end the wait sooner.
        await idle.WaitAsync(cancellationToken).ConfigureAwait(false);
        return idle.Result;
    }

    /// <summary>Starts a blocking step on its own thread (a LongRunning task), so it never ties up the thread pool.</summary>
    private static Task RunOnDedicatedThread(Action step) =>
        Task.Factory.StartNew(step, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Whether <paramref name="step"/> ends within <paramref name="timeout"/>; throws <see cref="OperationCanceledException"/>
    /// when the host's token fires first. A step that fails is logged and counts as ended: stopping goes on.
    /// </summary>
    private async Task<bool> CompletesAsync(Task step, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        try
        {
            await step.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (step.IsCompletedSuccessfully)
        {
            // It ended just as the wait gave up: it ended.
        }
#pragma warning disable CA1031 // The step's own failure: reported, and stopping goes on.
        catch (Exception error) when (step.IsCompleted)
#pragma warning restore CA1031
        {
            LogStopStepFailed(_logger, step.Exception?.GetBaseException() ?? error, what);
        }
        catch (Exception)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false; // the timeout
        }

        return true;
    }

    private void OnLoopEnded(Task loop)
    {
        if (loop.Exception?.GetBaseException() is { } error)
        {
            if (_stopping)
            {
                LogStopStepFailed(_logger, error, "ServeForever");
                return;
            }

            // The loop is the server: without it nothing is accepted, so a host that kept running would only look alive.
            LogLoopFailed(_logger, error);
            _lifetime?.StopApplication();
        }
        else if (!_stopping)
        {
            LogLoopEnded(_logger);
        }
    }

    [LoggerMessage(EventId = 10, EventName = "Listening", Level = LogLevel.Information, Message = "Listening on {ServerAddress}")]
    private static partial void LogListening(ILogger logger, EndPoint serverAddress);

    [LoggerMessage(EventId = 11, EventName = "Stopping", Level = LogLevel.Information,
        Message = "Stopping: no longer accepting; draining {RunningRequests} running request(s) for up to {DrainTimeout}")]
    private static partial void LogStopping(ILogger logger, int runningRequests, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 12, EventName = "DrainTimedOut", Level = LogLevel.Warning,
        Message = "Aborted {AbortedConnections} connection(s) still running after the drain timeout of {DrainTimeout}")]
    private static partial void LogDrainTimedOut(ILogger logger, int abortedConnections, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 13, EventName = "Stopped", Level = LogLevel.Information,
        Message = "Stopped; {DrainedRequests} running request(s) finished during the drain")]
    private static partial void LogStopped(ILogger logger, int drainedRequests);

    [LoggerMessage(EventId = 14, EventName = "StopCutShort", Level = LogLevel.Warning,
        Message = "The host's shutdown timeout ended the stop early: aborted {AbortedConnections} connection(s); " +
            "{RunningRequests} request(s) still running will be closed in the background")]
    private static partial void LogStopCutShort(ILogger logger, int abortedConnections, int runningRequests);

    [LoggerMessage(EventId = 15, EventName = "LoopFailed", Level = LogLevel.Critical,
        Message = "The serving loop failed and no longer accepts requests; stopping the application")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 16, EventName = "LoopEnded", Level = LogLevel.Warning,
        Message = "The serving loop ended before the host stopped (Shutdown() or ServerClose() was called elsewhere); " +
            "the server no longer accepts requests")]
    private static partial void LogLoopEnded(ILogger logger);

    [LoggerMessage(EventId = 17, EventName = "StopStepFailed", Level = LogLevel.Error, Message = "{Step} failed while stopping")]
    private static partial void LogStopStepFailed(ILogger logger, Exception exception, string step);
}
