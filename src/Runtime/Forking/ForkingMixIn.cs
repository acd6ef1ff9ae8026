using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// The behaviour of Python's <c>socketserver.ForkingMixIn</c> for a composed server: each request runs in a child
/// process, so what the handler changes never reaches the server or the next request.
/// </summary>
/// <remarks>
/// <para>
/// .NET cannot <c>fork()</c>, so a child is the same program started again (Python's multiprocessing "spawn"): the
/// parent accepts, then hands the connection (for a datagram server: the packet and the server's socket) to a
/// child over a Unix socket with <c>SCM_RIGHTS</c>. In the child, servers do not bind; when the program calls
/// <c>ServeForever()</c> or <c>HandleRequest()</c> on the same server type, the child takes its one request, runs
/// <c>FinishRequest</c> (and <c>HandleError</c> after an exception), then <c>ShutdownRequest</c>, and exits with 0, or 1
/// after an exception. Its standard output is silent until then, so the program's start-up lines are not repeated.
/// </para>
/// <para>
/// No descriptor is ever inherited: every child receives its request over the Unix socket, and received
/// descriptors are close-on-exec, so there is no window in which another <c>Process.Start</c> could leak an
/// accepted connection. Spare children (<c>SpareChildren</c>, 2 by default) wait, already started, for a request,
/// which saves the start-up of a .NET process (tens of milliseconds) on the request's path; each still serves one
/// request and exits. 64-bit Linux only; elsewhere processing a request throws
/// <see cref="PlatformNotSupportedException"/>.
/// </para>
/// <para>
/// A child never starts a child, whatever the program calls: in a child process a Forking server has no spares, no
/// control channel and no hand-off, so <c>ServiceActions()</c>, <c>HandleTimeout()</c> and <c>CollectChildren()</c> do
/// nothing there (the program runs again in every child, calls included, and would otherwise multiply).
/// </para>
/// </remarks>
public sealed partial class ForkingMixIn : ServerMixIn<IForkingSettings>
{
    /// <summary>Python's <c>ForkingMixIn.max_children</c>: 40.</summary>
    public const int DefaultMaxChildren = 40;

    /// <summary>
    /// How many started children wait for a request by default: 2. One hides the start-up of a .NET process from a
    /// request; the second covers a second request arriving while the first spare's replacement starts. Each costs an
    /// idle process (35 MB resident measured on Linux x64); set 0 to start a child only when a request arrives.
    /// </summary>
    public const int DefaultSpareChildren = 2;

    /// <summary>
    /// How many spares a Forking server may keep by default while requests come faster than spares start: 8. The server
    /// keeps <see cref="DefaultSpareChildren"/> spares, adds one whenever a request finds no spare ready, up to this many
    /// (and never past <c>MaxChildren</c> children in all), and gives one back each <see cref="SpareIdleStep"/> it stays idle.
    /// </summary>
    public const int DefaultMaxSpareChildren = 8;

    /// <summary>
    /// How long a Forking server must be idle (no request taken, no child running) before it lets one extra spare go:
    /// 1 second, so a server that kept more spares through a burst returns to <c>SpareChildren</c> a few seconds after it.
    /// </summary>
    public static readonly TimeSpan SpareIdleStep = TimeSpan.FromSeconds(1);

    /// <summary>Python's <c>ForkingMixIn.timeout</c>: 300 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    /// <summary>How long a child may take to start and connect before its request fails.</summary>
    public static readonly TimeSpan ChildStartTimeout = TimeSpan.FromSeconds(60);

    // _gate guards the lists. A Process is never used while it is held: Process.HasExited can raise Exited
    // synchronously under the Process's own lock, so holding _gate there could deadlock with an Exited handler.
    private readonly object _gate = new();

    // Pulsed, with a count, whenever a child exits; only the Exited handler and the MaxChildren wait take it.
    private readonly object _exits = new();
    private long _exitCount;
    private readonly List<Child> _spares = [];

    // Spares told to go (the server kept more through a burst and is idle again), until they have exited.
    private readonly List<Child> _retiring = [];
    private List<Child>? _active;

    // How many spares the server keeps now: SpareChildren, raised by requests that found no spare ready (up to
    // MaxSpareChildren), lowered one per SpareIdleStep of idleness. Guarded by _gate.
    private int _spareTarget;
    private long _lastActivity = Environment.TickCount64;
    private ControlChannel? _control;
    private BaseServer? _server;
    private bool _closed;

    /// <summary>
    /// True in a child process a Forking server started. The program runs again in the child up to its
    /// <c>ServeForever()</c>/<c>HandleRequest()</c> call; guard start-up work that must happen once (reading standard
    /// input, starting clients, writing files) with <c>if (!ForkingMixIn.IsChildProcess)</c>. A child never starts a
    /// child: calls that reap or keep spares do nothing in it.
    /// </summary>
    public static bool IsChildProcess => ForkingChild.IsChild;

    /// <summary>
    /// The process ids of children running a request; <see langword="null"/> before the first request.
    /// </summary>
    public IReadOnlyCollection<int>? ActiveChildren
    {
        get
        {
            lock (_gate)
            {
                return _active?.Select(c => c.Pid).ToArray();
            }
        }
    }

    /// <summary>
    /// Reaps children that have exited; with <paramref name="blocking"/>, first waits for every running child.
    /// A child that ended other than by returning 0 or 1 (killed by a signal, crashed) is reported to the server's
    /// <c>HandleError</c> with a <see cref="ChildProcessException"/>. Only children this server started are reaped; in a
    /// child process there are none (a child never starts a child), so it does nothing there.
    /// </summary>
    /// <param name="blocking">Whether to wait for running children.</param>
    public void CollectChildren(bool blocking = false)
    {
        if (blocking)
        {
            Child[] running;
            lock (_gate)
            {
                running = _active?.ToArray() ?? [];
            }

            foreach (Child child in running)
            {
                child.Process.WaitForExit();
            }
        }

        ReapRetired();
        Child[] candidates;
        lock (_gate)
        {
            if (_active is null)
            {
                return;
            }

            candidates = [.. _active];
        }

        List<Child> ended = candidates.Where(c => c.Process.HasExited).ToList();
        lock (_gate)
        {
            _active!.RemoveAll(ended.Contains);
        }

        foreach (Child child in ended)
        {
            ForgetChannel(child.Pid);
            int exitCode = child.Process.ExitCode;
            child.Process.Dispose();
            if (exitCode is not (0 or 1) && _server is { } server)
            {
                server.ReportRequestError(child.Request!, child.ClientAddress, new ChildProcessException(child.Pid, exitCode, child.ClientAddress));
            }
        }
    }

    /// <summary>
    /// The Forking part of <c>ServiceActions</c>: reaps children that have exited (as Python's does), lets an extra spare
    /// go when the server has been idle for <see cref="SpareIdleStep"/>, and keeps the spares started, so even the first
    /// request finds one waiting. In a child process it does nothing: a child never starts a child.
    /// </summary>
    /// <param name="server">The composed server.</param>
    /// <param name="limits">The server's <c>SpareChildren</c>, <c>MaxSpareChildren</c> and <c>MaxChildren</c>.</param>
    internal void ServiceActions(BaseServer server, SpareLimits limits)
    {
        ArgumentNullException.ThrowIfNull(server);
        CollectChildren();
        if (limits.Minimum > 0 && DescriptorPassing.IsSupported && EnsureParent(server))
        {
            ShrinkWhenIdle(limits);
            KeepSpares(limits);
        }
    }

    /// <summary>
    /// Hands the request to a child (a spare, or one started now), then closes the parent's copy with
    /// <c>CloseRequest</c>. When the server's <c>MaxChildren</c> children are running, first waits for one to finish.
    /// </summary>
    /// <param name="server">The composed server.</param>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="limits">The server's <c>SpareChildren</c>, <c>MaxSpareChildren</c> and <c>MaxChildren</c>.</param>
    /// <exception cref="PlatformNotSupportedException">Not on 64-bit Linux.</exception>
    /// <exception cref="ChildProcessException">No child could be started for the request.</exception>
    /// <exception cref="InvalidOperationException">
    /// Called in a child process, whose server serves the one request handed to it and never starts a child.
    /// </exception>
    [SupportedOSPlatform("linux")]
    internal void ProcessRequest(BaseServer server, object request, EndPoint? clientAddress, SpareLimits limits)
    {
        int maxChildren = limits.MaxChildren;
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        if (!EnsureParent(server))
        {
            throw new InvalidOperationException(
                $"ProcessRequest() was called on {server.GetType().Name} in a Forking child process. A child serves the one request its parent " +
                "handed it (its ServeForever() or HandleRequest() runs it) and exits; it never hands a request on, for a child never starts a child.");
        }

        while (true)
        {
            // Python blocks in waitpid(); here a child's exit counts and pulses. Reading the count before reaping
            // means no exit can fall between the reaping and the wait.
            long exitsSeen = Interlocked.Read(ref _exitCount);
            CollectChildren();
            if (RunningCount() < Math.Max(1, maxChildren))
            {
                break;
            }

            lock (_exits)
            {
                while (_exitCount == exitsSeen)
                {
                    Monitor.Wait(_exits);
                }
            }
        }

        (byte[] payload, Socket[] descriptors) = Describe(server, request, clientAddress);
        Child child = HandOff(payload, descriptors, clientAddress, limits);
        child.Request = request;
        lock (_gate)
        {
            (_active ??= []).Add(child);
        }

        server.CloseRequest(request);
        KeepSpares(limits);
    }

    /// <summary>
    /// The Forking part of <c>ServerClose</c>: closes every child's channel — spares exit, and running children's
    /// servers stop (their <c>StoppingToken</c> fires) — ends spares that do not exit within a few seconds, then reaps
    /// children, waiting for running ones if <paramref name="blocking"/> (the server's <c>BlockOnClose</c>). In a child
    /// process there is nothing to close.
    /// </summary>
    /// <param name="blocking">Whether to wait for running children.</param>
    internal void ServerClose(bool blocking)
    {
        Child[] spares;
        lock (_gate)
        {
            _closed = true;
            spares = [.. _spares, .. _retiring];
            _spares.Clear();
            _retiring.Clear();
        }

        if (DescriptorPassing.IsSupported)
        {
            // Only there is a control channel ever set up (see EnsureParent).
            _control?.Dispose();
        }
        foreach (Child spare in spares)
        {
            if (!spare.Process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                spare.Process.Kill();
                spare.Process.WaitForExit();
            }

            spare.Process.Dispose();
        }

        CollectChildren(blocking);
    }

    /// <summary>Python's <c>ForkingMixIn.timeout</c>: the server's <see cref="BaseServer.Timeout"/> starts at <see cref="DefaultTimeout"/>.</summary>
    protected override void OnAttached() => Server.Timeout = DefaultTimeout;

    /// <summary>Hands the request to a child process, waiting first while the server's <see cref="IForkingSettings.MaxChildren"/> run.</summary>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    [SupportedOSPlatform("linux")]
    public override void ProcessRequest(object request, EndPoint? clientAddress) =>
        ProcessRequest(Server, request, clientAddress, SpareLimits.Of(Settings));

    /// <summary>Reaps children that have exited and keeps spare children started (replaces the base step, as in Python).</summary>
    public override void ServiceActions() => ServiceActions(Server, SpareLimits.Of(Settings));

    /// <summary>Reaps children that have exited (replaces the base step, as in Python).</summary>
    public override void HandleTimeout() => CollectChildren(blocking: false);

    /// <summary>
    /// Stops accepting requests, tells spare children to exit, reaps children (waiting for running ones if the server's
    /// <see cref="IForkingSettings.BlockOnClose"/> is set), then passes the step on (the transport closes).
    /// </summary>
    public override void ServerClose()
    {
        StopAcceptingRequests();
        ServerClose(blocking: Settings.BlockOnClose);
        base.ServerClose();
    }

    private static (byte[] Payload, Socket[] Descriptors) Describe(BaseServer server, object request, EndPoint? clientAddress) => request switch
    {
        Socket connection => (new RequestEnvelope(server.ServerAddress, clientAddress, null).Encode(), [connection]),
        DatagramRequest datagram => (new RequestEnvelope(server.ServerAddress, clientAddress, datagram.Packet).Encode(), [datagram.Socket]),
        _ => throw new ArgumentException(
            $"A Forking server hands a connected Socket or a DatagramRequest to its child; {server.GetType().Name}.GetRequest() returned a {request.GetType().Name}.",
            nameof(request)),
    };

    /// <summary>
    /// The one place that decides whether this server starts children: only in the parent, where it sets up the control
    /// channel. In a Forking child it returns <see langword="false"/> and sets up nothing, for a child never starts a
    /// child: its server has no control channel, no spares and no hand-off, so reaping and closing find nothing to do.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not on 64-bit Linux.</exception>
    private bool EnsureParent(BaseServer server)
    {
        if (ForkingChild.IsChild)
        {
            return false;
        }

        if (!DescriptorPassing.IsSupported)
        {
            throw new PlatformNotSupportedException(
                $"{server.GetType().Name} is a Forking server: it runs each request in a child process and hands it the connection over a Unix socket " +
                "(SCM_RIGHTS), which this version supports on 64-bit Linux only. Use Concurrency.Threading on this platform.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _server ??= server;
            _control ??= new ControlChannel();
        }

        return true;
    }
}

/// <summary>The settings of <see cref="ForkingMixIn"/>, which a Forking server implements (Python's class attributes).</summary>
public interface IForkingSettings
{
    /// <summary>How many child processes may run at once; the serving loop waits for one to finish when the limit is reached. 40 by default, as in Python.</summary>
    [SettingDefault(ForkingMixIn.DefaultMaxChildren)]
    int MaxChildren { get; }

    /// <summary>
    /// How many started children wait for a request, so a request does not wait for a process to start; each still serves one
    /// request and exits. 2 by default (see <see cref="ForkingMixIn.DefaultSpareChildren"/>); 0 starts a child per request.
    /// </summary>
    [SettingDefault(ForkingMixIn.DefaultSpareChildren)]
    int SpareChildren { get; }

    /// <summary>
    /// How many spares the server may keep while requests come faster than spares start (Apache's <c>MaxSpareServers</c>):
    /// it keeps <see cref="SpareChildren"/>, adds one each time a request finds no spare ready, up to this many, and lets one
    /// go each <see cref="ForkingMixIn.SpareIdleStep"/> it stays idle. Extra spares never take the children past
    /// <see cref="MaxChildren"/> in all; a value at or below <see cref="SpareChildren"/> keeps exactly <see cref="SpareChildren"/>,
    /// and with <see cref="SpareChildren"/> = 0 there is no spare at all.
    /// 8 by default (see <see cref="ForkingMixIn.DefaultMaxSpareChildren"/>).
    /// </summary>
    [SettingDefault(ForkingMixIn.DefaultMaxSpareChildren)]
    int MaxSpareChildren { get; }

    /// <summary>Whether <c>ServerClose</c> waits for running children. <see langword="true"/> by default, as in Python.</summary>
    [SettingDefault(true)]
    bool BlockOnClose { get; }
}
