using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer;

/// <summary>
/// The base of asynchronous request handlers: <see cref="SetupAsync"/>, <see cref="HandleAsync"/> and
/// <see cref="FinishAsync"/> replace <c>Setup</c>, <c>Handle</c> and <c>Finish</c>, with Python's order and error
/// rules: <see cref="FinishAsync"/> runs even when <see cref="HandleAsync"/> throws; if <see cref="SetupAsync"/>
/// throws, neither runs. Under the Async mix-in a request awaits I/O without holding a thread; under a Sync or
/// Threading server the handler still works, run to completion on the request's thread.
/// </summary>
public abstract class AsyncRequestHandler : BaseRequestHandler
{
    /// <summary>Not used by an asynchronous handler: override <see cref="SetupAsync"/>.</summary>
    public sealed override void Setup()
    {
    }

    /// <summary>Not used by an asynchronous handler: override <see cref="HandleAsync"/>.</summary>
    public sealed override void Handle()
    {
    }

    /// <summary>Not used by an asynchronous handler: override <see cref="FinishAsync"/>.</summary>
    public sealed override void Finish()
    {
    }

    /// <summary>Prepares the request before <see cref="HandleAsync"/>. Does nothing here.</summary>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>A task that completes when setup is done.</returns>
    public virtual Task SetupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Serves the request. Does nothing here; override it.</summary>
    /// <param name="cancellationToken">Fires when the server stops (<see cref="BaseServer.StoppingToken"/>): end long-lived requests then.</param>
    /// <returns>A task that completes when the request is served.</returns>
    public virtual Task HandleAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Cleans up after <see cref="HandleAsync"/>, even if it threw. Does nothing here.</summary>
    /// <returns>A task that completes when clean-up is done.</returns>
    public virtual Task FinishAsync() => Task.CompletedTask;

    /// <summary>Under a synchronous caller (Sync or Threading server): the asynchronous steps, run to completion.</summary>
    internal override void Run(object request, EndPoint? clientAddress, BaseServer server) =>
        RunAsync(request, clientAddress, server, server.StoppingToken).GetAwaiter().GetResult();

    internal override async Task RunAsync(object request, EndPoint? clientAddress, BaseServer server, CancellationToken cancellationToken)
    {
        Attach(request, clientAddress, server);
        await SetupAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await HandleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception handleFailure)
        {
            try
            {
                await FinishAsync().ConfigureAwait(false);
            }
            catch (Exception finishFailure)
            {
                throw new AggregateException("HandleAsync() threw, and then FinishAsync() threw as well; both exceptions are inside.", handleFailure, finishFailure);
            }

            throw;
        }

        await FinishAsync().ConfigureAwait(false);
    }
}
