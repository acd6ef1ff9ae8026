using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace SocketServer.Internal;

/// <summary>
/// What one request handed to <see cref="BaseServer.ServeRequest"/> went through: whether <c>VerifyRequest</c> refused it,
/// the exceptions reported to <c>HandleError</c> for it, and a task that completes with them when it has ended.
/// </summary>
internal sealed class RequestObserver
{
    private readonly object _gate = new();
    private readonly List<Exception> _errors = [];
    private readonly TaskCompletionSource<RequestOutcome> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _refused;

    /// <summary>Completes when the request has ended (after its <c>ShutdownRequest</c>).</summary>
    public Task<RequestOutcome> Outcome => _ended.Task;

    /// <summary><c>VerifyRequest</c> returned <see langword="false"/>.</summary>
    public void Refused()
    {
        lock (_gate)
        {
            _refused = true;
        }
    }

    /// <summary>An exception is about to be passed to <c>HandleError</c>.</summary>
    public void Failed(Exception error)
    {
        lock (_gate)
        {
            _errors.Add(error);
        }
    }

    /// <summary>The request ended: completes <see cref="Outcome"/> (only the first call counts).</summary>
    public void Ended()
    {
        RequestOutcome outcome;
        lock (_gate)
        {
            outcome = new RequestOutcome(!_refused, _errors.ToArray());
        }

        _ended.TrySetResult(outcome);
    }
}
