using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using SocketServer.Diagnostics;

namespace ForkingHost;

/// <summary>
/// This process's measurements of the SocketServer meter, added up. In the parent, what a Forking server measures in
/// its own process; in a child, what the child measures (its one request, never its warm-up).
/// </summary>
public static class ProcessMetrics
{
    private static readonly ConcurrentDictionary<string, double> Totals = new();
    private static MeterListener? _listener;

    public static void Start()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SocketServerTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument.Name, value, tags));
        _listener.Start();
    }

    /// <summary>
    /// <c>requests rejected errors accept_errors aborted</c> (sums), <c>active</c> (the up-down sum), <c>active_starts</c>
    /// (+1s), <c>durations</c> and <c>failed_durations</c> (how many were recorded, with <c>error.type</c> for the latter),
    /// <c>io_receive</c> and <c>io_transmit</c> (bytes).
    /// </summary>
    public static string Snapshot()
    {
        string[] names = ["requests", "rejected", "errors", "accept_errors", "aborted", "active", "active_starts", "durations", "failed_durations", "io_receive", "io_transmit"];
        return string.Join(' ', names.Select(n => $"{n}={Totals.GetValueOrDefault(n).ToString(CultureInfo.InvariantCulture)}"));
    }

    private static void Add(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? direction = null;
        bool failed = false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            direction = tag.Key == "network.io.direction" ? (string?)tag.Value : direction;
            failed |= tag.Key == "error.type";
        }

        switch (instrument)
        {
            case "socketserver.requests": Sum("requests", value); break;
            case "socketserver.rejected_requests": Sum("rejected", value); break;
            case "socketserver.errors": Sum("errors", value); break;
            case "socketserver.accept.errors": Sum("accept_errors", value); break;
            case "socketserver.aborted_requests": Sum("aborted", value); break;
            case "socketserver.active_requests":
                Sum("active", value);
                Sum("active_starts", value > 0 ? 1 : 0);
                break;
            case "socketserver.request.duration": Sum(failed ? "failed_durations" : "durations", 1); break;
            case "socketserver.io": Sum("io_" + direction, value); break;
        }
    }

    private static void Sum(string name, double value) => Totals.AddOrUpdate(name, value, (_, total) => total + value);
}
