using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SocketServer.Diagnostics;

/// <summary>
/// The names under which every server publishes its metrics (a <see cref="System.Diagnostics.Metrics.Meter"/>) and
/// its request spans (an <see cref="System.Diagnostics.ActivitySource"/>): subscribe with OpenTelemetry's
/// <c>AddMeter(SocketServerTelemetry.MeterName)</c> / <c>AddSource(SocketServerTelemetry.ActivitySourceName)</c>,
/// <c>dotnet-counters monitor --counters SocketServer</c>, or a <see cref="MeterListener"/>.
/// </summary>
/// <remarks>
/// <para>Instruments (OpenTelemetry naming; every measurement carries <c>socketserver.server</c> (the server's type
/// name) and <c>network.transport</c> (<c>tcp</c>, <c>udp</c> or <c>unix</c>)):</para>
/// <list type="table">
/// <listheader><term>name (unit)</term><description>what it measures</description></listheader>
/// <item><term><c>socketserver.active_requests</c> (<c>{request}</c>)</term><description>up-down counter: requests being handled (for a stream server, open connections).</description></item>
/// <item><term><c>socketserver.requests</c> (<c>{request}</c>)</term><description>counter: requests taken (accepted connections, received datagrams), including rejected ones.</description></item>
/// <item><term><c>socketserver.request.duration</c> (<c>s</c>)</term><description>histogram: from <c>VerifyRequest</c> passing to the end of <c>ShutdownRequest</c>; <c>error.type</c> is set when the request failed.</description></item>
/// <item><term><c>socketserver.errors</c> (<c>{error}</c>)</term><description>counter: exceptions reported to <c>HandleError</c>; <c>error.type</c> is the exception's type.</description></item>
/// <item><term><c>socketserver.rejected_requests</c> (<c>{request}</c>)</term><description>counter: requests <c>VerifyRequest</c> refused (<c>socketserver.rejection.reason</c> = <c>verify_request</c>).</description></item>
/// <item><term><c>socketserver.aborted_requests</c> (<c>{request}</c>)</term><description>counter: connections cut by <see cref="BaseServer.AbortActiveRequests"/> (a drain that ran out of time).</description></item>
/// <item><term><c>socketserver.accept.errors</c> (<c>{error}</c>)</term><description>counter: failed accepts that made the server pause accepting (<c>error.type</c> is the socket error, e.g. <c>TooManyOpenSockets</c> for EMFILE).</description></item>
/// <item><term><c>socketserver.io</c> (<c>By</c>)</term><description>counter: bytes received and sent, <c>network.io.direction</c> <c>receive</c> or <c>transmit</c>. A stream handler's are what <c>RFile</c> read from the connection (bytes it buffered included) and what <c>WFile</c> wrote to it, each byte once whatever the read or write method; bytes read or written on <c>Connection</c> directly are not counted, nor unread input a stream server discards when it closes a connection. A datagram server's are every datagram received (refused ones included, as <c>socketserver.requests</c> counts them) and every reply sent.</description></item>
/// </list>
/// <para>Each request handled is a span (<see cref="ActivityKind.Server"/>, named <c>socketserver.request</c>, shown as
/// "<c>{server type} request</c>") that is current while the handler runs, so the handler's own spans and logs nest
/// under it; it carries <c>client.address</c>/<c>client.port</c> and, when the request failed, status
/// <see cref="ActivityStatusCode.Error"/>, <c>error.type</c> and the exception as an event.</para>
/// <para>Nothing is measured or allocated for an instrument nobody listens to, and no span is created while the
/// source has no listener.</para>
/// <para>A Forking server measures its parent's part of a request: <c>socketserver.requests</c>,
/// <c>socketserver.rejected_requests</c> and <c>socketserver.accept.errors</c> as any server; <c>socketserver.active_requests</c>
/// and <c>socketserver.request.duration</c> from <c>VerifyRequest</c> passing to the hand-off to a child;
/// <c>socketserver.errors</c> for what the parent reports (a child that could not take its request, or that died before
/// finishing it); and in <c>socketserver.io</c> the datagrams the parent received. The handler runs in the child process,
/// so its bytes and its exceptions are measured by the child's meter, in the child, not by the parent's.</para>
/// </remarks>
public static class SocketServerTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>SocketServer</c>.</summary>
    public const string MeterName = "SocketServer";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/>: <c>SocketServer</c>.</summary>
    public const string ActivitySourceName = "SocketServer";

    /// <summary>The operation name of each request's span.</summary>
    public const string RequestActivityName = "socketserver.request";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, Version);

    internal static readonly Meter Meter = new(MeterName, Version);

    internal static readonly UpDownCounter<long> ActiveRequests = Meter.CreateUpDownCounter<long>(
        "socketserver.active_requests", "{request}", "Requests being handled (for a stream server, open connections).");

    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "socketserver.requests", "{request}", "Requests taken: accepted connections and received datagrams, rejected ones included.");

    internal static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "socketserver.request.duration", "s", "How long requests took, from VerifyRequest passing to the end of ShutdownRequest.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
        });

    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "socketserver.errors", "{error}", "Exceptions reported to HandleError.");

    internal static readonly Counter<long> RejectedRequests = Meter.CreateCounter<long>(
        "socketserver.rejected_requests", "{request}", "Requests refused before a handler ran.");

    internal static readonly Counter<long> AbortedRequests = Meter.CreateCounter<long>(
        "socketserver.aborted_requests", "{request}", "Connections cut because a drain ran out of time.");

    internal static readonly Counter<long> AcceptErrors = Meter.CreateCounter<long>(
        "socketserver.accept.errors", "{error}", "Failed accepts that made the server pause accepting.");

    internal static readonly Counter<long> Io = Meter.CreateCounter<long>(
        "socketserver.io", "By", "Bytes received and sent: through a stream handler's RFile and WFile, and datagrams received and replies sent.");

    private const string Version = "1.0.0";
}
