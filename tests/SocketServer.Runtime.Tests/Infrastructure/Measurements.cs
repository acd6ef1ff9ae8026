using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SocketServer.Diagnostics;

namespace SocketServer.Tests;

/// <summary>
/// Every measurement of the "SocketServer" meter that carries one server type's name, read with a
/// <see cref="MeterListener"/>. Filtering by the type's name keeps out the servers of tests running at the same time,
/// so each test that reads metrics uses server types of its own.
/// </summary>
public sealed class Measurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public Measurements(string serverType)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SocketServerTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags, serverType));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags, serverType));
        _listener.Start();
    }

    public IEnumerable<Measurement> All => _measurements;

    public double Sum(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Sum(m => m.Value);

    public int Count(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Count();

    public int Count(string instrument, double value) => Matching(instrument, []).Count(m => m.Value == value);

    public IEnumerable<double> Values(string instrument) => Matching(instrument, []).Select(m => m.Value);

    /// <summary>The bytes counted by <c>socketserver.io</c> in one direction (<c>receive</c> or <c>transmit</c>).</summary>
    public long Io(string direction) => (long)Sum("socketserver.io", ("network.io.direction", direction));

    public void Dispose() => _listener.Dispose();

    private IEnumerable<Measurement> Matching(string instrument, (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out object? v) && Equals(v, t.Value)));

    private void Keep<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string serverType)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        if (copy.TryGetValue("socketserver.server", out object? server) && Equals(server, serverType))
        {
            _measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        }
    }
}

public sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);
