// When the serving loop may take the next request, beyond what Python does: the MaxConnections gate
// (ConcurrentRequestLimit; at the limit, new requests wait where the system queues them) and the back-off after an
// accept fails for lack of descriptors or memory (CPython retries at once and spins).

using System;
using System.Diagnostics;
using System.Net.Sockets;

namespace SocketServer;

public abstract partial class BaseServer
{
    private long _acceptPausedUntil;
    private TimeSpan _acceptPause;
    private int _acceptFailures;

    /// <summary>The first pause after an accept fails for lack of descriptors or memory; it doubles up to <see cref="MaxAcceptPause"/>.</summary>
    internal static readonly TimeSpan FirstAcceptPause = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest pause between accepts while they fail for lack of descriptors or memory.</summary>
    internal static readonly TimeSpan MaxAcceptPause = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most requests handled at once, or <see langword="null"/> (the default) for no limit. At the limit the serving
    /// loop stops taking requests until one ends: new connections wait in the listen backlog (up to
    /// <see cref="RequestQueueSize"/>), new datagrams in the socket's receive buffer. By default the server's
    /// <see cref="IConnectionLimitSettings.MaxConnections"/>, for a server composed with a mix-in that offers it (Threading, Async).
    /// </summary>
    protected virtual int? ConcurrentRequestLimit => (this as IConnectionLimitSettings)?.MaxConnections;

    /// <summary>Lets <see cref="ServerMixIn"/> stop the server accepting requests (a protected step) on a mix-in's behalf.</summary>
    internal void StopAcceptingFromMixIn() => StopAcceptingRequests();

    /// <summary>
    /// Whether the loop may take a request now: not at <see cref="ConcurrentRequestLimit"/>, not pausing after a failed
    /// accept. If not, shortens <paramref name="wait"/> to the end of the pause.
    /// </summary>
    private bool MayAccept(ref TimeSpan wait)
    {
        int? limit = ConcurrentRequestLimit;
        if (limit is { } max)
        {
            if (max < 1)
            {
                throw new InvalidOperationException(
                    $"{GetType().Name}.MaxConnections is {max}; it must be at least 1, or null for no limit.");
            }

            _requests.Limit = max;
            if (_requests.Count >= max)
            {
                return false;
            }
        }
        else
        {
            _requests.Limit = 0;
        }

        long pausedUntil = _acceptPausedUntil;
        if (pausedUntil == 0)
        {
            return true;
        }

        TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), pausedUntil);
        if (left <= TimeSpan.Zero)
        {
            return true;
        }

        if (wait == System.Threading.Timeout.InfiniteTimeSpan || left < wait)
        {
            wait = left;
        }

        return false;
    }

    /// <summary>
    /// Whether a failed accept means the process or system is out of a resource (descriptors, memory), so retrying at
    /// once would fail the same way and spin: EMFILE, ENFILE (<see cref="SocketError.TooManyOpenSockets"/>), ENOBUFS
    /// (<see cref="SocketError.NoBufferSpaceAvailable"/>), ENOMEM.
    /// </summary>
    private static bool IsResourceExhaustion(SocketException error) =>
        error.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable
        || error.NativeErrorCode is 12 /* ENOMEM */ or 23 /* ENFILE */ or 24 /* EMFILE */;

    /// <summary>
    /// Pauses accepting after a resource-exhaustion failure, doubling the pause up to <see cref="MaxAcceptPause"/>:
    /// the waiting connection stays in the backlog, and running requests get the time to finish and free what they hold.
    /// </summary>
    private void PauseAccepting(SocketException error)
    {
        _acceptPause = _acceptFailures == 0 ? FirstAcceptPause : TimeSpan.FromTicks(Math.Min(MaxAcceptPause.Ticks, _acceptPause.Ticks * 2));
        _acceptFailures++;
        _acceptPausedUntil = Stopwatch.GetTimestamp() + (long)(_acceptPause.TotalSeconds * Stopwatch.Frequency);
        _requests.AcceptFailed(error);
        if (_acceptFailures == 1)
        {
            try
            {
                ErrorLog.AcceptFailed(this, error, _acceptPause);
            }
#pragma warning disable CA1031 // A failing error log must not stop the serving loop.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private void AcceptSucceeded()
    {
        if (_acceptFailures == 0)
        {
            return;
        }

        int failures = _acceptFailures;
        _acceptFailures = 0;
        _acceptPausedUntil = 0;
        try
        {
            ErrorLog.AcceptRecovered(this, failures);
        }
#pragma warning disable CA1031 // A failing error log must not stop the serving loop.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
