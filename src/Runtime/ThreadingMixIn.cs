using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Threading;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// The behaviour of Python's <c>socketserver.ThreadingMixIn</c>, for a server type composed with it: each
/// request runs on a new thread, and closing the server waits for those threads. A composed server (such as
/// <see cref="ThreadingTcpServer"/>) holds one instance and calls it from its <c>ProcessRequest</c> and
/// <c>ServerClose</c>; you rarely use it directly.
/// </summary>
public sealed class ThreadingMixIn
{
    private readonly object _gate = new();
    private readonly List<Thread> _threads = [];
    private int _requestNumber;

    /// <summary>
    /// Starts a thread that runs <see cref="BaseServer.FinishRequest"/>, then <see cref="BaseServer.HandleError"/>
    /// if that threw, then always <see cref="BaseServer.ShutdownRequest"/>. Nothing escapes the thread.
    /// </summary>
    /// <param name="server">The composed server.</param>
    /// <param name="request">The request from <see cref="BaseServer.GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="daemonThreads">
    /// The server's <c>DaemonThreads</c>: <see langword="true"/> makes the thread a background thread, which does
    /// not keep the process alive and is not waited for by <see cref="JoinThreads"/>.
    /// </param>
    /// <param name="createThread">Creates the (unstarted) thread for a body; the server's <c>CreateRequestThread</c>.</param>
    /// <exception cref="Exception">
    /// Creating or starting the thread failed; the caller (the serving loop) runs <c>HandleError</c> and
    /// <c>ShutdownRequest</c>, and the failed thread is not left behind for <see cref="JoinThreads"/>.
    /// </exception>
    public void ProcessRequest(BaseServer server, object request, EndPoint? clientAddress, bool daemonThreads, Func<ThreadStart, Thread> createThread)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(createThread);
        Thread thread = createThread(() => ProcessRequestThread(server, request, clientAddress));
        thread.IsBackground = daemonThreads;
        thread.Name ??= string.Create(
            CultureInfo.InvariantCulture, $"{server.GetType().Name} request {Interlocked.Increment(ref _requestNumber)}");

        lock (_gate)
        {
            _threads.RemoveAll(static t => !t.IsAlive);
            if (daemonThreads)
            {
                thread.Start();
                return;
            }

            // Track the thread before it starts, under the lock JoinThreads takes, so a concurrent close
            // never misses a running thread; forget it if it does not start (CPython keeps it and then
            // fails in server_close()).
            _threads.Add(thread);
            try
            {
                thread.Start();
            }
            catch
            {
                _threads.Remove(thread);
                throw;
            }
        }
    }

    /// <summary>
    /// Waits for every non-daemon request thread started so far to finish (the composed server's
    /// <c>ServerClose</c> calls it when <c>BlockOnClose</c> is <see langword="true"/>). A request thread that
    /// closes its own server is not waited for by itself.
    /// </summary>
    public void JoinThreads()
    {
        Thread[] running;
        lock (_gate)
        {
            running = _threads.ToArray();
            _threads.Clear();
        }

        foreach (Thread thread in running)
        {
            if (thread != Thread.CurrentThread)
            {
                thread.Join();
            }
        }
    }

    private static void ProcessRequestThread(BaseServer server, object request, EndPoint? clientAddress)
    {
        try
        {
            try
            {
                server.FinishRequest(request, clientAddress);
            }
            catch (Exception error)
            {
                server.HandleError(request, clientAddress, error);
            }
            finally
            {
                server.ShutdownRequest(request);
            }
        }
#pragma warning disable CA1031 // An exception escaping a thread ends the process; report it instead.
        catch (Exception escaped)
#pragma warning restore CA1031
        {
            ServerErrors.WriteEscaped(server, clientAddress, escaped);
        }
    }
}
