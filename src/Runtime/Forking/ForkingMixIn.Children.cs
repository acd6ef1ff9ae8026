// The children of a Forking server: starting one (the program run again, invited through the control channel),
// keeping spares started, handing a request to a spare or a new child, and abandoning one that cannot take it. The
// mix-in's steps (ForkingMixIn.cs) only decide when; this file is how.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading;
using SocketServer.Internal;

namespace SocketServer;

public sealed partial class ForkingMixIn
{
    /// <summary>Closes a child's channel, if this server set up the control channel (only where Forking runs).</summary>
    private void ForgetChannel(int pid)
    {
        if (DescriptorPassing.IsSupported)
        {
            _control?.Forget(pid);
        }
    }

    private int RunningCount()
    {
        lock (_gate)
        {
            return _active?.Count ?? 0;
        }
    }

    /// <summary>
    /// Gives the request to a spare (waiting for one that is still starting: it is nearer to ready than a new
    /// child), or to a child started for it. A spare that died meanwhile is skipped.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private Child HandOff(byte[] payload, Socket[] descriptors, EndPoint? clientAddress, SpareLimits limits)
    {
        Child? first = TakeSpare();
        Busy(limits, starved: first is not { Channel.IsCompleted: true });
        for (Child? spare = first; spare is not null; spare = TakeSpare())
        {
            if (Wait(spare) is not null && TryGive(spare, payload, descriptors))
            {
                spare.ClientAddress = clientAddress;
                return spare;
            }

            Abandon(spare);
        }

        Child child = Start(warmUp: false);
        if (Wait(child) is not null && TryGive(child, payload, descriptors))
        {
            child.ClientAddress = clientAddress;
            return child;
        }

        string why = child.Process.HasExited
            ? $"it exited with code {child.Process.ExitCode} before taking the request; does the program reach ServeForever() or HandleRequest() on {_server!.GetType().Name}?"
            : $"it did not connect within {ChildStartTimeout.TotalSeconds:0} s";
        Abandon(child);
        throw new ChildProcessException($"The child process started for the request from {EndPoints.Describe(clientAddress)} could not take it: {why}");
    }

    private Child? TakeSpare()
    {
        lock (_gate)
        {
            if (_spares.Count == 0)
            {
                return null;
            }

            Child spare = _spares[0];
            _spares.RemoveAt(0);
            return spare;
        }
    }

    /// <summary>
    /// Sends the request. The channel then stays open while the child runs: closing it (the server closes, or this
    /// process dies) tells the child to stop (its server's <c>StoppingToken</c> fires).
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static bool TryGive(Child child, byte[] payload, Socket[] descriptors)
    {
        try
        {
            DescriptorPassing.Send(child.Channel!.Result, payload, descriptors);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Socket? Wait(Child child)
    {
        var exited = new ManualResetEventSlim();
        child.Process.Exited += (_, _) => exited.Set();
        if (child.Process.HasExited)
        {
            return null;
        }

        int signalled = WaitHandle.WaitAny([((IAsyncResult)child.Channel!).AsyncWaitHandle, exited.WaitHandle], ChildStartTimeout);
        return signalled == 0 ? child.Channel.Result : null;
    }

    /// <summary>
    /// A request arrived. If it found no spare ready (<paramref name="starved"/>), requests come faster than spares
    /// start: keep one more, up to <c>MaxSpareChildren</c>.
    /// </summary>
    private void Busy(SpareLimits limits, bool starved)
    {
        lock (_gate)
        {
            _lastActivity = Environment.TickCount64;
            if (starved)
            {
                _spareTarget = Math.Min(limits.Maximum, SpareTarget(limits) + 1);
            }
        }
    }

    /// <summary>How many spares to keep now, within the limits (which the program may have changed). Called under <c>_gate</c>.</summary>
    private int SpareTarget(SpareLimits limits) => Math.Clamp(_spareTarget, limits.Minimum, limits.Maximum);

    /// <summary>
    /// While no request comes and no child runs, lowers the number of spares kept by one each <see cref="SpareIdleStep"/>,
    /// down to <c>SpareChildren</c>, and tells an extra spare that is ready to go (closing its channel, which it takes as
    /// "not needed" and exits 0). One that is still starting stays until the next call.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private void ShrinkWhenIdle(SpareLimits limits)
    {
        Child? retired = null;
        lock (_gate)
        {
            long now = Environment.TickCount64;
            if (_active is { Count: > 0 })
            {
                _lastActivity = now;
            }
            else if (SpareTarget(limits) > limits.Minimum && now - _lastActivity >= (long)SpareIdleStep.TotalMilliseconds)
            {
                _spareTarget = SpareTarget(limits) - 1;
                _lastActivity = now;
            }

            int ready = _spares.FindLastIndex(c => c.Channel is { IsCompletedSuccessfully: true });
            if (_spares.Count > SpareTarget(limits) && ready >= 0)
            {
                retired = _spares[ready];
                _spares.RemoveAt(ready);
                _retiring.Add(retired);
            }
        }

        if (retired is not null)
        {
            _control?.Forget(retired.Pid);
        }
    }

    /// <summary>Disposes spares that were told to go once they have exited (never under <c>_gate</c>: see there).</summary>
    private void ReapRetired()
    {
        Child[] retiring;
        lock (_gate)
        {
            if (_retiring.Count == 0)
            {
                return;
            }

            retiring = [.. _retiring];
        }

        List<Child> gone = [.. retiring.Where(c => c.Process.HasExited)];
        lock (_gate)
        {
            _retiring.RemoveAll(gone.Contains);
        }

        foreach (Child child in gone)
        {
            child.Process.Dispose();
        }
    }

    /// <summary>
    /// Starts spares until the server keeps as many as it should: always <c>SpareChildren</c>; more (up to the number
    /// requests asked for, see <see cref="Busy"/>) only while the children in all stay below <c>MaxChildren</c>, and at
    /// most one extra per call: starting a process blocks the serving loop for milliseconds (tens on a busy machine),
    /// and the loop calls this after every request, so extra spares come one per request instead of stalling one.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private void KeepSpares(SpareLimits limits)
    {
        bool startedExtra = false;
        while (true)
        {
            lock (_gate)
            {
                int spares = _spares.Count;
                int children = spares + _retiring.Count + (_active?.Count ?? 0);
                bool extra = spares >= limits.Minimum;
                if (_closed || spares >= SpareTarget(limits) || (extra && (startedExtra || children >= limits.MaxChildren || StartingTooMany())))
                {
                    return;
                }

                startedExtra |= extra;
            }

            Child spare;
            try
            {
                spare = Start(warmUp: true);
            }
#pragma warning disable CA1031 // A spare that cannot start only costs latency; the next request starts its own child and reports why.
            catch (Exception)
#pragma warning restore CA1031
            {
                return;
            }

            lock (_gate)
            {
                _spares.Add(spare);
            }
        }
    }

    /// <summary>
    /// Whether as many spares are still starting as there are processors. Starting a .NET process is mostly CPU: more at
    /// once only share the processors and all become ready late together, so a request waiting for the oldest waited
    /// longest (about a second with 8 starting on 2 busy cores). Extra spares wait for a processor instead. Called under <c>_gate</c>.
    /// </summary>
    private bool StartingTooMany() => _spares.Count(c => c.Channel is { IsCompleted: false }) >= Environment.ProcessorCount;

    /// <summary>Starts a child: a spare, which warms up before it connects, or (<paramref name="warmUp"/> false) one for a waiting request.</summary>
    [SupportedOSPlatform("linux")]
    private Child Start(bool warmUp)
    {
        ControlChannel control = _control!;
        Process process = ChildLauncher.Start(new ForkingChild.Invitation(control.Name, control.Token, _server!.GetType().FullName!, warmUp));
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            lock (_exits)
            {
                Interlocked.Increment(ref _exitCount);
                Monitor.PulseAll(_exits);
            }
        };
        return new Child(process, control.ConnectionOf(process.Id));
    }

    [SupportedOSPlatform("linux")]
    private void Abandon(Child child)
    {
        _control?.Forget(child.Pid);
        if (child.Process.HasExited)
        {
            child.Process.Dispose();
            return;
        }

        try
        {
            child.Process.Kill();
            child.Process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        child.Process.Dispose();
    }

    /// <summary>For tests: how many spares the server keeps now, and how many it has (started or starting).</summary>
    internal (int Target, int Spares) SpareState(IForkingSettings settings)
    {
        lock (_gate)
        {
            return (SpareTarget(SpareLimits.Of(settings)), _spares.Count);
        }
    }

    /// <summary>A child process: its channel (once connected) and the request it was given.</summary>
    private sealed class Child(Process process, System.Threading.Tasks.Task<Socket> channel)
    {
        public Process Process { get; } = process;

        public int Pid { get; } = process.Id;

        public System.Threading.Tasks.Task<Socket>? Channel { get; } = channel;

        public object? Request { get; set; }

        public EndPoint? ClientAddress { get; set; }
    }
}
