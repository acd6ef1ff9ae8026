using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SocketServer.Diagnostics;

namespace SocketServer.Tests;

// One server type per concurrency, used by these tests only: measurements are filtered by the server's type name, so
// servers of other tests running at the same time do not count.
[SocketServer(Transport.Tcp, Concurrency.Sync)] public partial class MeteredSyncTcp { public bool RejectAll { get; set; } public override bool VerifyRequest(object request, EndPoint? clientAddress) => !RejectAll; }
[SocketServer(Transport.Tcp, Concurrency.Threading)] public partial class MeteredThreadingTcp { public bool RejectAll { get; set; } public override bool VerifyRequest(object request, EndPoint? clientAddress) => !RejectAll; }
[SocketServer(Transport.Tcp, Concurrency.Async)] public partial class MeteredAsyncTcp { public bool RejectAll { get; set; } public override bool VerifyRequest(object request, EndPoint? clientAddress) => !RejectAll; }
[SocketServer(Transport.Udp, Concurrency.Threading)] public partial class MeteredThreadingUdp;

/// <summary>Upper-cases one line; the line "fail" throws. Notes the span current while it runs.</summary>
public sealed class UpperOrFailHandler(ConcurrentBag<string?> currentSpans) : StreamRequestHandler
{
    public override void Handle()
    {
        currentSpans.Add(Activity.Current?.Id);
        string line = Encoding.ASCII.GetString(RFile.ReadLine());
        if (line == "fail\n")
        {
            throw new InvalidOperationException("failing on purpose");
        }

        WFile.Write(Encoding.ASCII.GetBytes(line.ToUpperInvariant()));
    }
}

public sealed class AsyncUpperOrFailHandler(ConcurrentBag<string?> currentSpans) : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        currentSpans.Add(Activity.Current?.Id);
        string line = Encoding.ASCII.GetString(await RFile.ReadLineAsync(cancellationToken: cancellationToken));
        if (line == "fail\n")
        {
            throw new InvalidOperationException("failing on purpose");
        }

        await WFile.WriteAsync(Encoding.ASCII.GetBytes(line.ToUpperInvariant()), cancellationToken);
    }
}

/// <summary>
/// The "SocketServer" meter and activity source, read with <see cref="MeterListener"/> and <see cref="ActivityListener"/>.
/// One class, so its tests run one after another: a listener here must not see another test's listener come and go.
/// </summary>
public class TelemetryTests
{
    public static TheoryData<Mode> Modes() => new() { Mode.Sync, Mode.Threading, Mode.Async };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Metrics_count_requests_rejections_errors_durations_and_bytes(Mode mode)
    {
        var spans = new ConcurrentBag<string?>();
        (BaseServer server, Action<bool> reject) = Create(mode, spans);
        string name = server.GetType().Name;
        using var meters = new Measurements(name);
        server.ErrorLog = new RecordingErrorLog();
        using (server)
        using (Serving.Start(server))
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal("ABC\n", Exchange(server, "abc\n"));
            }

            Assert.Equal("", Exchange(server, "fail\n"));
            reject(true);
            Assert.Equal("", Exchange(server, "rejected\n"));
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        Assert.Equal(5, meters.Sum("socketserver.requests"));
        Assert.Equal(1, meters.Sum("socketserver.rejected_requests", ("socketserver.rejection.reason", "verify_request")));
        Assert.Equal(1, meters.Sum("socketserver.errors", ("error.type", "System.InvalidOperationException")));
        Assert.Equal(4, meters.Count("socketserver.request.duration"));
        Assert.Equal(1, meters.Count("socketserver.request.duration", ("error.type", "System.InvalidOperationException")));
        Assert.All(meters.Values("socketserver.request.duration"), seconds => Assert.InRange(seconds, 0, Bounded.Limit.TotalSeconds));
        Assert.Equal(0, meters.Sum("socketserver.active_requests"));
        Assert.Equal(4, meters.Count("socketserver.active_requests", value: 1));
        Assert.Equal((3 * 4) + 5, meters.Sum("socketserver.io", ("network.io.direction", "receive")));
        Assert.Equal(3 * 4, meters.Sum("socketserver.io", ("network.io.direction", "transmit")));
        Assert.All(meters.All, m =>
        {
            Assert.Equal(name, m.Tags["socketserver.server"]);
            Assert.Equal("tcp", m.Tags["network.transport"]);
        });
    }

    [Fact]
    public void A_datagram_server_counts_datagrams_and_their_bytes()
    {
        using var meters = new Measurements(nameof(MeteredThreadingUdp));
        using var server = new MeteredThreadingUdp(Servers.LoopbackAny, Servers.UpperCase(Transport.Udp));
        using (Serving.Start(server))
        {
            Assert.Equal("HELLO", Clients.ExchangeText(Transport.Udp, server.ServerAddress, "hello"));
            Assert.Equal("AGAIN!", Clients.ExchangeText(Transport.Udp, server.ServerAddress, "again!"));
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        Assert.Equal(2, meters.Sum("socketserver.requests"));
        Assert.Equal(11, meters.Sum("socketserver.io", ("network.io.direction", "receive")));
        Assert.Equal(11, meters.Sum("socketserver.io", ("network.io.direction", "transmit")));
        Assert.Equal(2, meters.Count("socketserver.request.duration"));
        Assert.All(meters.All, m => Assert.Equal("udp", m.Tags["network.transport"]));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Each_request_is_a_root_server_span_current_in_its_handler(Mode mode)
    {
        var current = new ConcurrentBag<string?>();
        (BaseServer server, _) = Create(mode, current);
        string name = server.GetType().Name;
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SocketServerTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("socketserver.server") == name)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        server.ErrorLog = new RecordingErrorLog();
        var clientPorts = new List<int>();
        using (server)
        {
            // An activity current on the thread that starts the loop must not become every request's parent.
            using var outer = new Activity("test outer").Start();
            using (Serving.Start(server))
            {
                clientPorts.Add(ExchangeFrom(server, "abc\n", out string reply));
                Assert.Equal("ABC\n", reply);
                clientPorts.Add(ExchangeFrom(server, "fail\n", out reply));
                Assert.Equal("", reply);
                Assert.True(server.WaitForActiveRequests(Bounded.Limit));
            }
        }

        Assert.Equal(2, stopped.Count);
        Assert.All(stopped, span =>
        {
            Assert.Equal(SocketServerTelemetry.RequestActivityName, span.OperationName);
            Assert.Equal(name + " request", span.DisplayName);
            Assert.Equal(ActivityKind.Server, span.Kind);
            Assert.Null(span.ParentId);
            Assert.Equal("tcp", span.GetTagItem("network.transport"));
            Assert.Equal("127.0.0.1", span.GetTagItem("client.address"));
            Assert.Contains((int)span.GetTagItem("client.port")!, clientPorts);
        });
        Assert.Equal(stopped.Select(s => s.Id).Order(), current.Order());

        Activity failed = Assert.Single(stopped, s => s.Status == ActivityStatusCode.Error);
        Assert.Equal("System.InvalidOperationException", failed.GetTagItem("error.type"));
        Assert.Equal("failing on purpose", failed.StatusDescription);
        Assert.Contains(failed.Events, e => e.Name == "exception");
    }

    [Fact]
    public void Without_a_listener_no_span_is_created()
    {
        var current = new ConcurrentBag<string?>();
        (BaseServer server, _) = Create(Mode.Threading, current);
        using (server)
        using (Serving.Start(server))
        {
            Assert.Equal("ABC\n", Exchange(server, "abc\n"));
        }

        Assert.Equal([null], current);
    }

    private static (BaseServer Server, Action<bool> Reject) Create(Mode mode, ConcurrentBag<string?> spans)
    {
        switch (mode)
        {
            case Mode.Sync:
                var sync = new MeteredSyncTcp(Servers.LoopbackAny, () => new UpperOrFailHandler(spans));
                return (sync, value => sync.RejectAll = value);
            case Mode.Threading:
                var threading = new MeteredThreadingTcp(Servers.LoopbackAny, () => new UpperOrFailHandler(spans));
                return (threading, value => threading.RejectAll = value);
            default:
                var async = new MeteredAsyncTcp(Servers.LoopbackAny, () => new AsyncUpperOrFailHandler(spans));
                return (async, value => async.RejectAll = value);
        }
    }

    private static string Exchange(BaseServer server, string line) => Encoding.ASCII.GetString(Clients.Exchange(Transport.Tcp, server.ServerAddress, line));

    private static int ExchangeFrom(BaseServer server, string line, out string reply)
    {
        using Socket client = Clients.Connect(server.ServerAddress);
        client.Send(Encoding.ASCII.GetBytes(line));
        reply = Encoding.ASCII.GetString(Clients.ReadToEnd(client));
        return ((IPEndPoint)client.LocalEndPoint!).Port;
    }

    /// <summary>Every measurement of the "SocketServer" meter that carries one server type's name.</summary>
    private sealed class Measurements : IDisposable
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

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);
}
