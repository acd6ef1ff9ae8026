using System;
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
public sealed class AsyncMixIn : ServerMixIn<IAsyncSettings>
{
    private readonly object _gate = new();
    private int _running;

    /// <summary>How many requests are running.</summary>
    public int RunningRequests => Volatile.Read(ref _running);

    /// <summary>Starts the request as a task on the thread pool and returns at once.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        BaseServer server = Server;
        Interlocked.Increment(ref _running);

        // On the thread pool, so even a synchronous handler never runs on the serving loop. QueueUserWorkItem flows the
        // execution context (the request's span, AsyncLocal values) as Task.Run does, and costs one work item where
        // Task.Run's closure, delegate, task and unwrapping promise cost four. RunAsync never throws.
        ThreadPool.QueueUserWorkItem(
            static run => _ = run.MixIn.RunAsync(run.Server, run.Request, run.ClientAddress),
            (MixIn: this, Server: server, Request: request, ClientAddress: clientAddress),
            preferLocal: false);
    }

    /// <summary>
    /// Stops accepting requests, waits for running requests if the server's <see cref="IAsyncSettings.BlockOnClose"/>
    /// is set, then passes the step on (the transport closes).
    /// </summary>
    public override void ServerClose()
    {
        StopAcceptingRequests();
        if (Settings.BlockOnClose)
        {
            WaitForRequests();
        }

        base.ServerClose();
    }

    /// <summary>Waits until no request runs.</summary>
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

/// <summary>The settings of <see cref="AsyncMixIn"/>, which an Async server implements.</summary>
public interface IAsyncSettings : IConnectionLimitSettings
{
    /// <summary>Whether <c>ServerClose</c> waits for running requests. <see langword="true"/> by default.</summary>
    [SettingDefault(true)]
    bool BlockOnClose { get; }
}
