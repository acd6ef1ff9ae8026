namespace SocketServer.Tests;

// One generated server for every transport × concurrency pair, as a user declares them.
[SocketServer(Transport.Tcp, Concurrency.Sync, Handler = typeof(UpperCaseStreamHandler))] public partial class GenTcpSync;
[SocketServer(Transport.Udp, Concurrency.Sync, Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUdpSync;
[SocketServer(Transport.UnixStream, Concurrency.Sync, Handler = typeof(UpperCaseStreamHandler))] public partial class GenUnixStreamSync;
[SocketServer(Transport.UnixDatagram, Concurrency.Sync, Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUnixDatagramSync;
[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(UpperCaseStreamHandler))] public partial class GenTcpThreading;
[SocketServer(Transport.Udp, Concurrency.Threading, Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUdpThreading;
[SocketServer(Transport.UnixStream, Concurrency.Threading, Handler = typeof(UpperCaseStreamHandler))] public partial class GenUnixStreamThreading;
[SocketServer(Transport.UnixDatagram, Concurrency.Threading, Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUnixDatagramThreading;
[SocketServer(Transport.Tcp, Concurrency.Forking, typeof(RecordingMixIn), Handler = typeof(UpperCaseStreamHandler))] public partial class GenTcpForking;
[SocketServer(Transport.Udp, Concurrency.Forking, typeof(RecordingMixIn), Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUdpForking;
[SocketServer(Transport.UnixStream, Concurrency.Forking, typeof(RecordingMixIn), Handler = typeof(UpperCaseStreamHandler))] public partial class GenUnixStreamForking;
[SocketServer(Transport.UnixDatagram, Concurrency.Forking, typeof(RecordingMixIn), Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUnixDatagramForking;
[SocketServer(Transport.Tcp, Concurrency.Async, typeof(RecordingMixIn), Handler = typeof(UpperCaseStreamHandler))] public partial class GenTcpAsync;
[SocketServer(Transport.Udp, Concurrency.Async, typeof(RecordingMixIn), Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUdpAsync;
[SocketServer(Transport.UnixStream, Concurrency.Async, typeof(RecordingMixIn), Handler = typeof(UpperCaseStreamHandler))] public partial class GenUnixStreamAsync;
[SocketServer(Transport.UnixDatagram, Concurrency.Async, typeof(RecordingMixIn), Handler = typeof(UpperCaseDatagramHandler))] public partial class GenUnixDatagramAsync;

/// <summary>A server whose partial class decides DaemonThreads itself: the generator leaves that setting out.</summary>
[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(UpperCaseStreamHandler))]
public partial class DaemonDecidedServer
{
    public bool DaemonThreads => true;
}

/// <summary>Generated servers of every pair, run end to end on loopback.</summary>
public class GeneratedServerTests
{
    private static EndPoint Loopback => Servers.LoopbackAny;

    public static TheoryData<Transport> Transports => TransportExtensions.All();

    [Theory]
    [MemberData(nameof(Transports))]
    public void Generated_sync_and_threading_servers_serve(Transport transport)
    {
        foreach (BaseServer server in SyncAndThreading(transport))
        {
            using (server)
            using (Serving.Start(server))
            {
                Assert.Equal("GENERATED\n", Clients.ExchangeText(transport, server.ServerAddress, "generated\n"));
            }
        }
    }

    [Fact]
    public void A_generated_Threading_server_runs_each_request_on_a_new_thread()
    {
        Thread? handlerThread = null;
        using var server = new GenTcpThreading(Loopback);
        Assert.IsAssignableFrom<TcpServer>(server);
        Assert.False(server.DaemonThreads);
        Assert.True(server.BlockOnClose);
        var probe = new ThreadProbeServer(Loopback, () => new ProbeStreamHandler(_ => handlerThread = Thread.CurrentThread));
        using (probe)
        using (var probing = Serving.Start(probe))
        {
            Clients.Exchange(Transport.Tcp, probe.ServerAddress, "x\n");
            Assert.NotNull(handlerThread);
            Assert.NotSame(probing.Thread, handlerThread);
            Assert.StartsWith("ThreadProbeServer request ", handlerThread.Name);
        }
    }

    [Fact]
    public void A_setting_declared_in_the_partial_class_is_the_one_the_mix_in_uses()
    {
        bool? background = null;
        using var server = new DaemonDecidedServer(Loopback);
        Assert.True(server.DaemonThreads);
        var probe = new DaemonDecidedProbe(Loopback, () => new ProbeStreamHandler(_ => background = Thread.CurrentThread.IsBackground));
        using (probe)
        using (Serving.Start(probe))
        {
            Clients.Exchange(Transport.Tcp, probe.ServerAddress, "x\n");
        }

        Assert.True(background);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Generated_Forking_servers_compose_with_pythons_settings(Transport transport)
    {
        // Requests run in child processes of a program, which a test host is not: SocketServer.Forking.Tests runs them.
        using BaseServer server = transport switch
        {
            Transport.Tcp => new GenTcpForking(Loopback),
            Transport.Udp => new GenUdpForking(Loopback),
            Transport.UnixStream => new GenUnixStreamForking(TempPaths.NewSocketPath()),
            _ => new GenUnixDatagramForking(TempPaths.NewSocketPath()),
        };
        dynamic forking = server;
        Assert.Equal(40, (int)forking.MaxChildren);
        Assert.Equal(2, (int)forking.SpareChildren);
        Assert.Equal(8, (int)forking.MaxSpareChildren);
        Assert.True((bool)forking.BlockOnClose);
        Assert.Null(forking.ForkingMixIn.ActiveChildren);
        Assert.Equal(TimeSpan.FromSeconds(300), server.Timeout);
        Assert.False(ForkingMixIn.IsChildProcess);
        forking.ForkingMixIn.CollectChildren();
        server.ServerClose();
        Servers.RemoveSocketFile(server);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Generated_Async_servers_serve_synchronous_handlers_on_the_thread_pool(Transport transport)
    {
        using BaseServer server = transport switch
        {
            Transport.Tcp => new GenTcpAsync(Loopback),
            Transport.Udp => new GenUdpAsync(Loopback),
            Transport.UnixStream => new GenUnixStreamAsync(TempPaths.NewSocketPath()),
            _ => new GenUnixDatagramAsync(TempPaths.NewSocketPath()),
        };
        Assert.True((bool)((dynamic)server).BlockOnClose);
        using (Serving.Start(server))
        {
            Assert.Equal("ASYNC\n", Clients.ExchangeText(transport, server.ServerAddress, "async\n"));
        }
    }

    private static IEnumerable<BaseServer> SyncAndThreading(Transport transport) => transport switch
    {
        Transport.Tcp => [new GenTcpSync(Loopback), new GenTcpThreading(Loopback)],
        Transport.Udp => [new GenUdpSync(Loopback), new GenUdpThreading(Loopback)],
        Transport.UnixStream => [new GenUnixStreamSync(TempPaths.NewSocketPath()), new GenUnixStreamThreading(TempPaths.NewSocketPath())],
        _ => [new GenUnixDatagramSync(TempPaths.NewSocketPath()), new GenUnixDatagramThreading(TempPaths.NewSocketPath())],
    };
}

/// <summary>Without Handler, the generated constructors take a factory.</summary>
[SocketServer(Transport.Tcp, Concurrency.Threading)]
public partial class ThreadProbeServer;

[SocketServer(Transport.Tcp, Concurrency.Threading)]
public partial class DaemonDecidedProbe
{
    public bool DaemonThreads => true;
}
