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
}
