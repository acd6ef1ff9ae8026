using System;
using System.Net;
using SocketServer.Internal;

namespace SocketServer.Diagnostics;

/// <summary>
/// Where a server reports what goes wrong outside a handler's own code: the default <see cref="BaseServer.HandleError"/>,
/// exceptions escaping <c>HandleError</c> itself on a request thread or task, and failed accepts. The default,
/// <see cref="StandardError"/>, writes Python's text to standard error; SocketServer.Hosting replaces it with one that
/// writes to <c>ILogger</c>. Set <see cref="BaseServer.ErrorLog"/> to send the reports elsewhere.
/// </summary>
/// <remarks>Implementations are called concurrently, from request threads and tasks, and must not throw.</remarks>
public abstract class ServerErrorLog
{
    /// <summary>Writes to standard error, as Python's <c>socketserver</c> does.</summary>
    public static ServerErrorLog StandardError { get; } = new StandardErrorLog();

    /// <summary>
    /// A request failed: called by the default <see cref="BaseServer.HandleError"/> (an override that does not call
    /// the base method replaces this).
    /// </summary>
    /// <param name="server">The server.</param>
    /// <param name="clientAddress">The client's address, or <see langword="null"/>.</param>
    /// <param name="exception">What the request threw.</param>
    public abstract void RequestFailed(BaseServer server, EndPoint? clientAddress, Exception exception);

    /// <summary>
    /// <c>HandleError</c> or <c>ShutdownRequest</c> threw on a request thread or task, where nothing else could catch it.
    /// </summary>
    /// <param name="server">The server.</param>
    /// <param name="clientAddress">The client's address, or <see langword="null"/>.</param>
    /// <param name="exception">What escaped.</param>
    public abstract void ErrorHandlingFailed(BaseServer server, EndPoint? clientAddress, Exception exception);

    /// <summary>
    /// Accepting failed in a way that retrying at once would only repeat (the process or the system is out of file
    /// descriptors or memory), so the server pauses accepting for <paramref name="pause"/>. Called once per episode,
    /// not once per retry; <see cref="AcceptRecovered"/> ends the episode.
    /// </summary>
    /// <param name="server">The server.</param>
    /// <param name="exception">The accept's exception.</param>
    /// <param name="pause">How long the server waits before it tries again (it doubles, up to a second, while accepting fails).</param>
    public abstract void AcceptFailed(BaseServer server, Exception exception, TimeSpan pause);

    /// <summary>Accepting works again after <see cref="AcceptFailed"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="failedAttempts">How many accepts failed in the episode.</param>
    public abstract void AcceptRecovered(BaseServer server, int failedAttempts);

    private sealed class StandardErrorLog : ServerErrorLog
    {
        // Opening Console.Error duplicates descriptor 2. Do it now: when the log is needed most, after accept() failed
        // with EMFILE, there is no descriptor left to duplicate, and the report would be lost.
        public StandardErrorLog() => _ = Console.Error;

        public override void RequestFailed(BaseServer server, EndPoint? clientAddress, Exception exception) =>
            ServerErrors.WriteReport(clientAddress, exception);

        public override void ErrorHandlingFailed(BaseServer server, EndPoint? clientAddress, Exception exception) =>
            ServerErrors.WriteEscaped(server, clientAddress, exception);

        public override void AcceptFailed(BaseServer server, Exception exception, TimeSpan pause) =>
            ServerErrors.WriteAcceptFailure(server, exception, pause);

        public override void AcceptRecovered(BaseServer server, int failedAttempts) =>
            ServerErrors.WriteAcceptRecovery(server, failedAttempts);
    }
}
