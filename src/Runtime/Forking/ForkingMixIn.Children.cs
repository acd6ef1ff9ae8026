// The children of a Forking server: starting one (the program run again, invited through the control channel),
// keeping spares started, handing a request to a spare or a new child, and abandoning one that cannot take it. The
// mix-in's steps (ForkingMixIn.cs) only decide when; this file is how.

using System;
using System.Diagnostics;
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
    private Child HandOff(byte[] payload, Socket[] descriptors, EndPoint? clientAddress)
    {
        while (TakeSpare() is { } spare)
        {
            if (Wait(spare) is not null && TryGive(spare, payload, descriptors))
            {
                spare.ClientAddress = clientAddress;
                return spare;
            }

            Abandon(spare);
        }

        Child child = Start();
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

    [SupportedOSPlatform("linux")]
    private void KeepSpares(int spareChildren)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_closed || _spares.Count >= spareChildren)
                {
                    return;
                }
            }

            Child spare;
            try
            {
                spare = Start();
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

    [SupportedOSPlatform("linux")]
    private Child Start()
    {
        ControlChannel control = _control!;
        Process process = ChildLauncher.Start(new ForkingChild.Invitation(control.Name, control.Token, _server!.GetType().FullName!));
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
