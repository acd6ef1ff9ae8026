using System;
using System.Net;
using System.Text;

namespace SocketServer.Internal;

/// <summary>The text the runtime writes to standard error when a request fails.</summary>
internal static class ServerErrors
{
    private static readonly string Separator = new('-', 40);

    /// <summary>Python's <c>handle_error</c> block, written in one call so concurrent threads do not interleave.</summary>
    public static void WriteReport(EndPoint? clientAddress, Exception exception)
    {
        var report = new StringBuilder()
            .AppendLine(Separator)
            .Append("Exception occurred during processing of request from ").AppendLine(EndPoints.Describe(clientAddress))
            .AppendLine(exception.ToString())
            .AppendLine(Separator);
        Console.Error.Write(report.ToString());
    }

    /// <summary>
    /// Reports an exception that escaped <c>HandleError</c> or <c>ShutdownRequest</c> on a request thread,
    /// where nothing can catch it and letting it go would end the process.
    /// </summary>
    public static void WriteEscaped(BaseServer server, EndPoint? clientAddress, Exception exception)
    {
        var report = new StringBuilder()
            .AppendLine(Separator)
            .Append("HandleError() or ShutdownRequest() of ").Append(server.GetType().FullName)
            .Append(" threw while finishing the request from ").AppendLine(EndPoints.Describe(clientAddress))
            .AppendLine(exception.ToString())
            .AppendLine(Separator);
        Console.Error.Write(report.ToString());
    }

    /// <summary>Says that accepting failed, that the server pauses, and what to do about it.</summary>
    public static void WriteAcceptFailure(BaseServer server, Exception exception, TimeSpan pause)
    {
        string error = exception is System.Net.Sockets.SocketException socketError ? socketError.SocketErrorCode.ToString() : exception.GetType().Name;
        Console.Error.WriteLine(
            $"{server.GetType().Name}: accepting a connection failed ({error}: {exception.Message}); pausing accepts for " +
            $"{pause.TotalMilliseconds:0} ms and retrying, waiting clients stay queued. If the process is out of file descriptors, " +
            "raise the limit (ulimit -n, LimitNOFILE= in a systemd unit) or lower MaxConnections.");
    }

    /// <summary>Says that accepting works again.</summary>
    public static void WriteAcceptRecovery(BaseServer server, int failedAttempts) =>
        Console.Error.WriteLine($"{server.GetType().Name}: accepting works again after {failedAttempts} failed attempt(s).");
}
