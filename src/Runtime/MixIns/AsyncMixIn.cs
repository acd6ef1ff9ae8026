using System;
using System.ComponentModel;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// The Async mix-in for a composed server (beyond Python: the docs' "selectors" paragraph done the .NET way): each
/// request runs as a task; an <see cref="AsyncRequestHandler"/> awaits I/O without holding a thread, so a server can
/// hold many long-lived connections. The request path, and its error and close rules, are those of the Threading
/// mix-in: <c>FinishRequestAsync</c>, <c>HandleError</c> if that threw, always <c>ShutdownRequest</c>; nothing escapes a
/// request (<see cref="BaseServer.RunRequestAsync"/>). Handlers receive the server's <see cref="BaseServer.StoppingToken"/>; a request that ends with an
/// <see cref="OperationCanceledException"/> because the server stopped is not reported to <c>HandleError</c>.
/// </summary>
public sealed class AsyncMixIn
{
    private readonly object _gate = new();
    private int _running;

    /// <summary>How many requests are running.</summary>
    public int RunningRequests => Volatile.Read(ref _running);

    /// <summary>Starts the request as a task on the thread pool and returns at once. Called by the generated code of a composed server; not for use in your code.</summary>
    /// <param name="server">The composed server.</param>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ProcessRequest(BaseServer server, object request, EndPoint? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(server);
        Interlocked.Increment(ref _running);

        // On the thread pool, so even a synchronous handler never runs on the serving loop.
        _ = Task.Run(() => RunAsync(server, request, clientAddress));
    }

    /// <summary>Waits until no request runs (the composed server's <c>ServerClose</c> calls it when <c>BlockOnClose</c> is set). Called by the generated code of a composed server; not for use in your code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void WaitForRequests()
    {
        lock (_gate)
        {
            while (Volatile.Read(ref _running) > 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private async Task RunAsync(BaseServer server, object request, EndPoint? clientAddress)
    {
        try
        {
            await server.RunRequestAsync(request, clientAddress).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }
}
