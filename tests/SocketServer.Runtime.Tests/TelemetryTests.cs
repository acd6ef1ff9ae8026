using System.Collections.Concurrent;
using SocketServer.Diagnostics;

namespace SocketServer.Tests;

// One server type per concurrency, used by these tests only: spans are filtered by the server's type name, so servers of
// other tests running at the same time do not count. The metrics themselves are tested in ExactMetricsTests.
[SocketServer(Transport.Tcp, Concurrency.Sync)] public partial class MeteredSyncTcp;
[SocketServer(Transport.Tcp, Concurrency.Threading)] public partial class MeteredThreadingTcp;
[SocketServer(Transport.Tcp, Concurrency.Async)] public partial class MeteredAsyncTcp;

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
/// The "SocketServer" activity source, read with an <see cref="ActivityListener"/> (the meter is tested in
/// <see cref="ExactMetricsTests"/>). One class, so its tests run one after another: a listener here must not see another
/// test's listener come and go.
/// </summary>
public class TelemetryTests
{
    public static TheoryData<Mode> Modes() => new() { Mode.Sync, Mode.Threading, Mode.Async };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Each_request_is_a_root_server_span_current_in_its_handler(Mode mode)
    {
        var current = new ConcurrentBag<string?>();
        BaseServer server = Create(mode, current);
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
        BaseServer server = Create(Mode.Threading, current);
        using (server)
        using (Serving.Start(server))
        {
            Assert.Equal("ABC\n", Exchange(server, "abc\n"));
        }

        Assert.Equal([null], current);
    }

    private static BaseServer Create(Mode mode, ConcurrentBag<string?> spans) => mode switch
    {
        Mode.Sync => new MeteredSyncTcp(Servers.LoopbackAny, () => new UpperOrFailHandler(spans)),
        Mode.Threading => new MeteredThreadingTcp(Servers.LoopbackAny, () => new UpperOrFailHandler(spans)),
        _ => new MeteredAsyncTcp(Servers.LoopbackAny, () => new AsyncUpperOrFailHandler(spans)),
    };

    private static string Exchange(BaseServer server, string line) => Encoding.ASCII.GetString(Clients.Exchange(Transport.Tcp, server.ServerAddress, line));

    private static int ExchangeFrom(BaseServer server, string line, out string reply)
    {
        using Socket client = Clients.Connect(server.ServerAddress);
        client.Send(Encoding.ASCII.GetBytes(line));
        reply = Encoding.ASCII.GetString(Clients.ReadToEnd(client));
        return ((IPEndPoint)client.LocalEndPoint!).Port;
    }
}
