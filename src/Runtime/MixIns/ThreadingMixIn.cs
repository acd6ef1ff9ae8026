using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// Python's <c>socketserver.ThreadingMixIn</c>: each request runs on a thread of its own, and closing the server
/// waits for those requests. It is an ordinary mix-in (<see cref="Concurrency.Threading"/> names it): it overrides
/// <c>ProcessRequest</c> and <c>ServerClose</c> and reads <see cref="IThreadingSettings"/> from its server at call time.
/// </summary>
/// <remarks>
/// <para>
/// Python starts a new thread for every request. Starting a .NET thread costs about 80 µs on Linux — more than a
/// short request itself — so this mix-in keeps a thread whose request has finished for up to
/// <see cref="IdleThreadTimeout"/> and gives it the next request. What Python promises still holds: every running
/// request has a thread to itself, as many threads run as there are requests in flight (there is no pool limit and
/// no queue), <c>DaemonThreads</c> decides whether a running request keeps the process alive, and closing the
/// server with <c>BlockOnClose</c> waits for running requests. Each request runs under the
/// <see cref="ExecutionContext"/> of the loop that accepted it, as a new thread would, so
/// <see cref="AsyncLocal{T}"/> values and the current culture do not leak from one request to the next;
/// <see cref="ThreadStaticAttribute"/> fields do (use <see cref="AsyncLocal{T}"/> for per-request state).
/// </para>
/// <para>A waiting thread is a background thread: it never keeps the process alive. <c>ServerClose</c> ends them.</para>
/// </remarks>
public sealed class ThreadingMixIn : ServerMixIn<IThreadingSettings>
{
    /// <summary>How long a request thread waits for another request before it ends: five seconds.</summary>
    public static readonly TimeSpan IdleThreadTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();

    // Threads waiting for a request, most recently used last: they are handed out last-in first-out, so a steady
    // load reuses the same few (warm) threads and the rest time out.
    private readonly List<RequestThread> _idle = [];

    // Requests running with DaemonThreads = false: what JoinThreads waits for.
    private readonly HashSet<Work> _joinable = [];
    private readonly TimeSpan _idleThreadTimeout;
    private bool _closed;
    private int _requestNumber;

    /// <summary>Creates the mix-in state of one server; threads wait <see cref="IdleThreadTimeout"/> between requests.</summary>
    public ThreadingMixIn()
        : this(IdleThreadTimeout)
    {
    }

    /// <summary>Creates the mix-in state with another idle timeout (tests use a short one).</summary>
    internal ThreadingMixIn(TimeSpan idleThreadTimeout) => _idleThreadTimeout = idleThreadTimeout;

    /// <summary>
    /// Runs the request on a thread of its own — a waiting request thread, or a new one from
    /// <paramref name="createThread"/> — through <see cref="BaseServer.RunRequest"/>: <see cref="BaseServer.FinishRequest"/>,
    /// then <see cref="BaseServer.HandleError"/> if that threw, then always <see cref="BaseServer.ShutdownRequest"/>.
    /// Nothing escapes the thread.
    /// </summary>
    /// <param name="server">The composed server.</param>
    /// <param name="request">The request from <see cref="BaseServer.GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="daemonThreads">
    /// The server's <c>DaemonThreads</c>: <see langword="true"/> runs the request on a background thread, which does
    /// not keep the process alive and is not waited for by <see cref="JoinThreads"/>.
    /// </param>
    /// <param name="createThread">
    /// Creates an (unstarted) request thread for a body; the server's <c>CreateRequestThread</c>. It is called only
    /// when no request thread is waiting; the thread it returns runs this request and, afterwards, later ones.
    /// </param>
    /// <exception cref="Exception">
    /// Creating or starting a thread failed; the caller (the serving loop) runs <c>HandleError</c> and
    /// <c>ShutdownRequest</c>, and the request is not left behind for <see cref="JoinThreads"/>.
    /// </exception>
    internal void ProcessRequest(BaseServer server, object request, EndPoint? clientAddress, bool daemonThreads, Func<ThreadStart, Thread> createThread)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(createThread);
        string name = string.Create(CultureInfo.InvariantCulture, $"{server.GetType().Name} request {Interlocked.Increment(ref _requestNumber)}");
        var work = new Work(server, request, clientAddress, daemonThreads, ExecutionContext.Capture(), name);
        RequestThread? waiting;
        lock (_gate)
        {
            // Registered before it can run, under the lock JoinThreads takes, so a concurrent close never misses it.
            if (!daemonThreads)
            {
                _joinable.Add(work);
            }

            waiting = _idle.Count > 0 ? _idle[^1] : null;
            if (waiting is not null)
            {
                _idle.RemoveAt(_idle.Count - 1);
            }
        }

        if (waiting is not null)
        {
            waiting.Give(work);
            return;
        }

        try
        {
            var requestThread = new RequestThread(this, work);
            Thread thread = createThread(requestThread.Run);
            thread.IsBackground = daemonThreads;
            if (thread.Name is null)
            {
                // Named per request, as Python's new thread per request is: the name says which request runs.
                requestThread.NamesRequests = true;
                thread.Name = work.Name;
            }

            thread.Start();
        }
        catch
        {
            Finished(work);
            throw;
        }
    }

    /// <summary>
    /// Runs the request on a thread of its own (a waiting request thread, or one from the server's
    /// <see cref="IThreadingSettings.CreateRequestThread"/>), as a background thread if the server's
    /// <see cref="IThreadingSettings.DaemonThreads"/> says so.
    /// </summary>
    /// <param name="request">The request from <see cref="BaseServer.GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        IThreadingSettings settings = Settings;
        ProcessRequest(Server, request, clientAddress, settings.DaemonThreads, settings.CreateRequestThread);
    }

    /// <summary>
    /// Stops accepting requests, ends waiting request threads, waits for running requests if the server's
    /// <see cref="IThreadingSettings.BlockOnClose"/> is set, then passes the step on (the transport closes).
    /// </summary>
    public override void ServerClose()
    {
        StopAcceptingRequests();
        ServerClose(blocking: Settings.BlockOnClose);
        base.ServerClose();
    }

    /// <summary>
    /// Waits for every request running with <c>DaemonThreads</c> = <see langword="false"/> when it is called to
    /// finish. A request thread that closes its own server does not wait for itself.
    /// </summary>
    public void JoinThreads()
    {
        lock (_gate)
        {
            Work[] running = [.. _joinable];
            foreach (Work work in running)
            {
                while (work.Thread != Thread.CurrentThread && _joinable.Contains(work))
                {
                    Monitor.Wait(_gate);
                }
            }
        }
    }

    /// <summary>
    /// The composed server's <c>ServerClose</c> step for this mix-in: ends the waiting request threads, and with
    /// <paramref name="blocking"/> (the server's <c>BlockOnClose</c>) waits for running requests as
    /// <see cref="JoinThreads"/> does. Threads that finish a request after this end instead of waiting for another.
    /// </summary>
    /// <param name="blocking">Whether to wait for running non-daemon requests.</param>
    internal void ServerClose(bool blocking)
    {
        RequestThread[] waiting;
        lock (_gate)
        {
            _closed = true;
            waiting = [.. _idle];
            _idle.Clear();
        }

        foreach (RequestThread thread in waiting)
        {
            thread.Give(null);
        }

        if (blocking)
        {
            JoinThreads();
        }
    }

    /// <summary>Whether a thread that finished a request may wait for another (false once the server closed).</summary>
    private bool Park(RequestThread thread)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _idle.Add(thread);
            return true;
        }
    }

    /// <summary>Takes a thread that timed out off the waiting list; false if a request was given to it meanwhile.</summary>
    private bool Retire(RequestThread thread)
    {
        lock (_gate)
        {
            return _idle.Remove(thread);
        }
    }

    private void Finished(Work work)
    {
        if (work.DaemonThreads)
        {
            return;
        }

        lock (_gate)
        {
            _joinable.Remove(work);
            Monitor.PulseAll(_gate);
        }
    }

    private static void Process(Work work) => work.Server.RunRequest(work.Request, work.ClientAddress);

    /// <summary>One request and what it runs with.</summary>
    private sealed class Work(BaseServer server, object request, EndPoint? clientAddress, bool daemonThreads, ExecutionContext? context, string name)
    {
        private static readonly ContextCallback ProcessCallback = static state => Process((Work)state!);

        public BaseServer Server { get; } = server;

        public object Request { get; } = request;

        public EndPoint? ClientAddress { get; } = clientAddress;

        public bool DaemonThreads { get; } = daemonThreads;

        /// <summary>"{server type} request {number}": the thread's name while it runs this request.</summary>
        public string Name { get; } = name;

        /// <summary>The thread running the request, once it runs: JoinThreads called there does not wait for it.</summary>
        public volatile Thread? Thread;

        public void Run()
        {
            Thread = System.Threading.Thread.CurrentThread;
            if (context is null)
            {
                Process(this); // the accepting loop suppressed flow; a new thread would have run with none either.
            }
            else
            {
                ExecutionContext.Run(context, ProcessCallback, this);
            }
        }
    }

    /// <summary>A thread that runs one request after another, waiting up to the idle timeout between them.</summary>
    private sealed class RequestThread(ThreadingMixIn owner, Work first)
    {
        private const int HandoffSpins = 20;

        private readonly object _handoff = new();
        private Work? _next;
        private bool _given;

        /// <summary>Whether the mix-in named the thread (CreateRequestThread did not), and so renames it per request.</summary>
        public bool NamesRequests { get; set; }

        /// <summary>Hands the waiting thread its next request, or <see langword="null"/> to end it.</summary>
        public void Give(Work? work)
        {
            lock (_handoff)
            {
                _next = work;
                _given = true;
                Monitor.Pulse(_handoff);
            }
        }

        public void Run()
        {
            Thread current = Thread.CurrentThread;
            Work? work = first;
            while (work is not null)
            {
                // Set only when it changes: the setter takes a runtime-wide lock, a cost per datagram for a UDP server.
                if (current.IsBackground != work.DaemonThreads)
                {
                    current.IsBackground = work.DaemonThreads;
                }

                if (NamesRequests && work != first)
                {
                    current.Name = work.Name;
                }

                try
                {
                    work.Run();
                }
                finally
                {
                    if (!current.IsBackground)
                    {
                        current.IsBackground = true; // a waiting thread never keeps the process alive
                    }

                    owner.Finished(work);
                }

                work = owner.Park(this) ? WaitForWork() : null;
            }
        }

        private Work? WaitForWork()
        {
            // Spin a little before blocking: under a steady stream of short requests (a UDP server gets one per
            // datagram) the next one is usually handed over within microseconds, sooner than a blocked thread wakes.
            var spinner = default(SpinWait);
            for (int i = 0; i < HandoffSpins && !Volatile.Read(ref _given); i++)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            lock (_handoff)
            {
                while (!_given)
                {
                    // On a timeout the thread ends — unless a request was handed to it in the meantime, which it
                    // then waits for (Give is on its way).
                    if (!Monitor.Wait(_handoff, owner._idleThreadTimeout) && !_given && owner.Retire(this))
                    {
                        return null;
                    }
                }

                _given = false;
                Work? next = _next;
                _next = null;
                return next;
            }
        }
    }
}

/// <summary>The settings of <see cref="ThreadingMixIn"/>, which a Threading server implements (Python's class attributes).</summary>
public interface IThreadingSettings : IConnectionLimitSettings
{
    /// <summary>
    /// Whether request threads are background threads, which do not keep the process alive and are not waited for by
    /// <c>ServerClose</c>. <see langword="false"/> by default, as in Python: decide it for your server.
    /// </summary>
    bool DaemonThreads { get; }

    /// <summary>Whether <c>ServerClose</c> waits for running (non-daemon) request threads. <see langword="true"/> by default, as in Python.</summary>
    [SettingDefault(true)]
    bool BlockOnClose { get; }

    /// <summary>
    /// Creates a request thread. The Threading mix-in calls it when no request thread is waiting, names the thread if it has
    /// no name and starts it; the thread runs the request, then later ones, with <see cref="Thread.IsBackground"/>
    /// set from <see cref="DaemonThreads"/> for each. Declare a public method of this signature in your server to set a
    /// stack size or a name.
    /// </summary>
    /// <param name="body">What the thread runs.</param>
    /// <returns>An unstarted thread.</returns>
    Thread CreateRequestThread(ThreadStart body) => new(body);
}
