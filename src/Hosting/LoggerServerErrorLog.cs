using System;
using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Diagnostics;

namespace SocketServer.Hosting;

/// <summary>
/// A <see cref="ServerErrorLog"/> that writes the server's error reports to an <see cref="ILogger"/> instead of
/// standard error. The hosted service sets it on every server it runs (unless <c>UseLogger</c> is off); set it
/// yourself on a server you run without the host:
/// <code>server.ErrorLog = new LoggerServerErrorLog(loggerFactory.CreateLogger("EchoServer"));</code>
/// </summary>
/// <remarks>
/// Events (stable IDs, so log queries and alerts can rely on them):
/// <list type="table">
/// <item><term>1 <c>RequestFailed</c></term><description>Error, with the exception: a request's handler (or a step of its request path) threw.</description></item>
/// <item><term>2 <c>ErrorHandlingFailed</c></term><description>Error, with the exception: <c>HandleError</c> or <c>ShutdownRequest</c> itself threw on a request thread or task.</description></item>
/// <item><term>3 <c>AcceptFailed</c></term><description>Warning, with the exception: accepting fails for lack of descriptors or memory, and the server pauses accepting.</description></item>
/// <item><term>4 <c>AcceptRecovered</c></term><description>Information: accepting works again.</description></item>
/// </list>
/// The hosted service logs its own events 10 to 16 (see the README's "Hosting" section).
/// </remarks>
public sealed partial class LoggerServerErrorLog : ServerErrorLog
{
    private readonly ILogger _logger;

    /// <summary>Creates an error log that writes to <paramref name="logger"/>.</summary>
    /// <param name="logger">Where the reports go; the hosted service uses the category of the server type's full name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="logger"/> is <see langword="null"/>.</exception>
    public LoggerServerErrorLog(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>Logs an Error (event 1, <c>RequestFailed</c>) with the exception and the client's address.</summary>
    /// <param name="server">The server.</param>
    /// <param name="clientAddress">The client's address, or <see langword="null"/>.</param>
    /// <param name="exception">What the request threw.</param>
    public override void RequestFailed(BaseServer server, EndPoint? clientAddress, Exception exception) =>
        LogRequestFailed(_logger, exception, clientAddress);

    /// <summary>Logs an Error (event 2, <c>ErrorHandlingFailed</c>) with the exception and the client's address.</summary>
    /// <param name="server">The server.</param>
    /// <param name="clientAddress">The client's address, or <see langword="null"/>.</param>
    /// <param name="exception">What escaped error handling.</param>
    public override void ErrorHandlingFailed(BaseServer server, EndPoint? clientAddress, Exception exception) =>
        LogErrorHandlingFailed(_logger, exception, clientAddress);

    // An error log must not throw (the runtime calls it where nothing could catch it): a null server is tolerated.

    /// <summary>Logs a Warning (event 3, <c>AcceptFailed</c>) with the exception and the pause.</summary>
    /// <param name="server">The server.</param>
    /// <param name="exception">The accept's exception.</param>
    /// <param name="pause">How long the server waits before it accepts again.</param>
    public override void AcceptFailed(BaseServer server, Exception exception, TimeSpan pause)
    {
        EndPoint? serverAddress = server?.ServerAddress;
        LogAcceptFailed(_logger, exception, serverAddress, pause);
    }

    /// <summary>Logs Information (event 4, <c>AcceptRecovered</c>) with how many accepts failed.</summary>
    /// <param name="server">The server.</param>
    /// <param name="failedAttempts">How many accepts failed in the episode.</param>
    public override void AcceptRecovered(BaseServer server, int failedAttempts)
    {
        EndPoint? serverAddress = server?.ServerAddress;
        LogAcceptRecovered(_logger, serverAddress, failedAttempts);
    }

    [LoggerMessage(EventId = 1, EventName = "RequestFailed", Level = LogLevel.Error,
        Message = "Exception occurred during processing of request from {ClientAddress}")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, EndPoint? clientAddress);

    [LoggerMessage(EventId = 2, EventName = "ErrorHandlingFailed", Level = LogLevel.Error,
        Message = "Exception escaped error handling of the request from {ClientAddress}")]
    private static partial void LogErrorHandlingFailed(ILogger logger, Exception exception, EndPoint? clientAddress);

    [LoggerMessage(EventId = 3, EventName = "AcceptFailed", Level = LogLevel.Warning,
        Message = "Accepting on {ServerAddress} failed; pausing accepts for {Pause} while it fails")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception, EndPoint? serverAddress, TimeSpan pause);

    [LoggerMessage(EventId = 4, EventName = "AcceptRecovered", Level = LogLevel.Information,
        Message = "Accepting on {ServerAddress} works again after {FailedAttempts} failed attempts")]
    private static partial void LogAcceptRecovered(ILogger logger, EndPoint? serverAddress, int failedAttempts);
}
