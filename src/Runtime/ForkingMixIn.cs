using System;
using System.Collections.Generic;
using System.Net;

namespace SocketServer;

/// <summary>
/// The behaviour of Python's <c>socketserver.ForkingMixIn</c> for a composed server: a child process per
/// request. <b>Not available yet:</b> .NET cannot <c>fork()</c>; the spawn-based design (DESIGN.md §5) arrives
/// in a later version. Until then a Forking server composes, binds and accepts, but processing a request
/// fails with <see cref="PlatformNotSupportedException"/>, which reaches <c>HandleError</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Per-server state (children, running tasks) arrives with the implementation; generated code already calls an instance.")]
public sealed class ForkingMixIn
{
    /// <summary>Python's <c>ForkingMixIn.max_children</c>: 40.</summary>
    public const int DefaultMaxChildren = 40;

    /// <summary>Python's <c>ForkingMixIn.timeout</c>: 300 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    /// <summary>The process ids of running children; <see langword="null"/> before the first child (none yet).</summary>
    public IReadOnlyCollection<int>? ActiveChildren => null;

    /// <summary>Reaps children that have exited (waits for all of them if <paramref name="blocking"/>). No child ever starts yet.</summary>
    /// <param name="blocking">Whether to wait for running children.</param>
    public void CollectChildren(bool blocking = false)
    {
    }

    /// <summary>Would hand the request to a child process.</summary>
    /// <param name="server">The composed server.</param>
    /// <param name="request">The request.</param>
    /// <param name="clientAddress">The client's address.</param>
    /// <param name="maxChildren">The server's <c>MaxChildren</c>.</param>
    /// <exception cref="PlatformNotSupportedException">Always, in this version.</exception>
    public void ProcessRequest(BaseServer server, object request, EndPoint? clientAddress, int maxChildren) =>
        throw new PlatformNotSupportedException(
            $"{server?.GetType().Name} is a Forking server (a process per request), which this version of SocketServer does not run yet: " +
            ".NET cannot fork(), and the spawn-based Forking mix-in is still to come. Use Concurrency.Threading for now.");
}
