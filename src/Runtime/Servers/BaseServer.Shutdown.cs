// Stopping the serving loop: shutdown() (blocking, as in Python, and a task-returning twin) and the stopping token
// asynchronous handlers receive. The loop's own exit is in BaseServer.ServingLoop.cs; closing the server is the
// ServerClose step (BaseServer.Steps.cs).

using System;
using System.Threading;
using System.Threading.Tasks;
using SocketServer.Internal;

namespace SocketServer;

public abstract partial class BaseServer
{
    // Completed when the serving loop has stopped (or the server closed with no loop running); a new run of the loop
    // replaces a completed one. Shutdown() waits on it; ShutdownAsync() returns it, so no thread waits at all.
    private TaskCompletionSource _loopStopped = NewLoopSignal();
    private CancellationTokenSource _stopping = new();

    /// <summary>
    /// Fires when <see cref="Shutdown"/> is requested or the server closes: asynchronous handlers receive it in
    /// <c>HandleAsync</c>, so long-lived requests end with the server. A new run of <see cref="ServeForever()"/> after a
    /// shutdown gets a fresh token.
    /// </summary>
    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>
    /// Tells the <see cref="ServeForever()"/> loop to stop and waits until it has. Call it from another thread
    /// than the one running the loop. If the loop has not started yet, waits for it to start; it then returns
    /// at once. Returns at once if the server is closed and not serving.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Called on the thread that runs <see cref="ServeForever()"/> (from a handler of a synchronous server, or
    /// from <see cref="ServiceActions"/>/<see cref="HandleTimeout"/>): that would wait for itself forever.
    /// </exception>
    /// <remarks>Python: <c>shutdown()</c>.</remarks>
    public void Shutdown()
    {
        if (Role.RefuseShutdown() is { } refused)
        {
            throw refused;
        }

        if (_servingThread == Thread.CurrentThread)
        {
            throw new InvalidOperationException(
                "Shutdown() was called on the thread that runs ServeForever() (from a handler of a synchronous server, " +
                "or from ServiceActions()/HandleTimeout()). Shutdown() waits for that loop to stop, and the loop cannot stop " +
                "while it runs this call: a deadlock (Python hangs here). Write `_ = server.ShutdownAsync();` instead: it asks the " +
                "loop to stop after this request and does not wait (do not wait on its task here).");
        }

        RequestShutdown().GetAwaiter().GetResult();
    }

    /// <summary>
    /// <see cref="Shutdown"/> without blocking a thread: tells the loop to stop and returns a task that completes when it
    /// has (at once if the server is closed and not serving). Safe to call from an asynchronous handler and from code the
    /// loop itself runs, since nothing waits; but code the loop runs must not block on the task.
    /// </summary>
    /// <returns>A task that completes when <see cref="ServeForever()"/> has returned; faulted with
    /// <see cref="InvalidOperationException"/> in a Forking server's child process.</returns>
    public Task ShutdownAsync() => Role.RefuseShutdown() is { } refused ? Task.FromException(refused) : RequestShutdown();

    /// <summary>Asks the loop to stop; returns the task that completes when it has.</summary>
    private Task RequestShutdown()
    {
        ServerWakeup? wakeup;
        CancellationTokenSource stopping;
        Task stopped;
        lock (_stateGate)
        {
            _shutdownRequested = true;
            wakeup = _wakeup;
            stopping = _stopping;
            stopped = _loopStopped.Task;
        }

        wakeup?.Signal();
        stopping.Cancel();
        return stopped;
    }

    private static TaskCompletionSource NewLoopSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
