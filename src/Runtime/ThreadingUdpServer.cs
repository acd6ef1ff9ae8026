using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace SocketServer;

/// <summary>
/// A UdpServer that handles each request on a new thread: Python's <c>ThreadingUDPServer</c>
/// (<c>class ThreadingUDPServer(ThreadingMixIn, UDPServer)</c>).
/// </summary>
/// <remarks>
/// Decide what an abrupt exit does to running requests: with <see cref="DaemonThreads"/> = <see langword="false"/>
/// (the default) the process waits for them, and <see cref="ServerClose"/> waits for them too unless
/// <see cref="BlockOnClose"/> is <see langword="false"/>.
/// </remarks>
public class ThreadingUdpServer : UdpServer
{
    private readonly ThreadingMixIn _threading = new();

    /// <summary>Creates the server and, unless told otherwise, binds and activates it.</summary>
    /// <param name="serverAddress">The address to listen on (port 0 lets the system choose).</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each request.</param>
    /// <param name="bindAndActivate">Whether to bind (and listen) now.</param>
    public ThreadingUdpServer(EndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : base(serverAddress, requestHandlerFactory, bindAndActivate)
    {
    }

    /// <summary>Creates the server on <paramref name="host"/>:<paramref name="port"/>.</summary>
    /// <param name="host">An address literal, a host name (resolved preferring IPv4), or <c>""</c> for every interface.</param>
    /// <param name="port">The port; 0 lets the system choose.</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each request.</param>
    /// <param name="bindAndActivate">Whether to bind (and listen) now.</param>
    public ThreadingUdpServer(string host, int port, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : base(host, port, requestHandlerFactory, bindAndActivate)
    {
    }

    /// <summary>
    /// Whether request threads are background threads: they do not keep the process alive and
    /// <see cref="ServerClose"/> does not wait for them. <see langword="false"/> by default, as in Python.
    /// </summary>
    public virtual bool DaemonThreads { get; set; }

    /// <summary>
    /// Whether <see cref="ServerClose"/> waits for running (non-daemon) request threads. <see langword="true"/> by default, as in Python.
    /// </summary>
    public virtual bool BlockOnClose { get; set; } = true;

    /// <summary>The mix-in state, for tests.</summary>
    internal ThreadingMixIn Threading => _threading;

    /// <summary>Runs the request on a new thread (see <see cref="ThreadingMixIn.ProcessRequest"/>).</summary>
    /// <param name="request">The request from <see cref="BaseServer.GetRequest"/>.</param>
    /// <param name="clientAddress">The client's address.</param>
    public override void ProcessRequest(object request, EndPoint? clientAddress) =>
        _threading.ProcessRequest(this, request, clientAddress, DaemonThreads, CreateRequestThread);

    /// <summary>
    /// Stops accepting requests (a stream server closes its listener), waits for running request threads if
    /// <see cref="BlockOnClose"/> is set, then closes the server. A datagram server's socket stays open until
    /// then, so running handlers can still reply.
    /// </summary>
    public override void ServerClose()
    {
        StopAcceptingRequests();
        if (BlockOnClose)
        {
            _threading.JoinThreads();
        }

        base.ServerClose();
    }

    /// <summary>
    /// Creates the thread a request runs on; the caller sets <see cref="Thread.IsBackground"/> from
    /// <see cref="DaemonThreads"/>, names it if you did not, and starts it. Override to set a stack size or a name.
    /// </summary>
    /// <param name="body">What the thread runs.</param>
    /// <returns>An unstarted thread.</returns>
    protected virtual Thread CreateRequestThread(ThreadStart body) => new(body);
}
