namespace SocketServer.Tests;

/// <summary>Writes "NAME:STEP:enter" and "NAME:STEP:exit" around every step it passes on.</summary>
public abstract class TracingMixIn : ServerMixIn
{
    public List<string> Trace { get; set; } = [];

    protected abstract string Name { get; }

    public override bool VerifyRequest(object request, EndPoint? clientAddress) => Around("VerifyRequest", () => base.VerifyRequest(request, clientAddress));

    public override void ProcessRequest(object request, EndPoint? clientAddress) => Around("ProcessRequest", () => base.ProcessRequest(request, clientAddress));

    public override void ServerClose() => Around("ServerClose", base.ServerClose);

    private T Around<T>(string step, Func<T> next)
    {
        Add($"{Name}:{step}:enter");
        T result = next();
        Add($"{Name}:{step}:exit");
        return result;
    }

    private void Around(string step, Action next) => Around<bool>(step, () => { next(); return true; });

    private void Add(string line)
    {
        lock (Trace)
        {
            Trace.Add(line);
        }
    }
}

public sealed class FirstMixIn : TracingMixIn
{
    protected override string Name => "first";
}

public sealed class SecondMixIn : TracingMixIn
{
    protected override string Name => "second";
}

/// <summary>Replaces a step instead of passing it on: no super() call.</summary>
public sealed class DenyAllMixIn : ServerMixIn
{
    public override bool VerifyRequest(object request, EndPoint? clientAddress) => false;
}

/// <summary>Takes part in binding, which the constructor does.</summary>
public sealed class BindWatchMixIn : ServerMixIn
{
    public bool BoundBefore { get; private set; } = true;

    public bool BoundAfter { get; private set; }

    public BaseServer? SeenServer { get; private set; }

    public override void ServerBind()
    {
        SeenServer = Server;
        BoundBefore = Server.Socket.IsBound;
        base.ServerBind();
        BoundAfter = Server.Socket.IsBound;
    }
}

/// <summary>Records which thread each step ran on.</summary>
public sealed class ThreadWatchMixIn : ServerMixIn
{
    public Thread? ProcessThread { get; private set; }

    public Thread? FinishThread { get; private set; }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        ProcessThread = Thread.CurrentThread;
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        FinishThread = Thread.CurrentThread;
        base.FinishRequest(request, clientAddress);
    }
}

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(FirstMixIn), typeof(SecondMixIn), Handler = typeof(UpperCaseStreamHandler))]
public partial class OrderedServer;

[SocketServer(Transport.Udp, Concurrency.Sync, typeof(FirstMixIn), typeof(DenyAllMixIn), typeof(RecordingMixIn), Handler = typeof(UpperCaseDatagramHandler))]
public partial class DenyingServer;

[SocketServer(Transport.Tcp, Concurrency.Sync, typeof(BindWatchMixIn), Handler = typeof(UpperCaseStreamHandler))]
public partial class BindWatchedServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(ThreadWatchMixIn), typeof(FirstMixIn))]
public partial class ThreadWatchedServer;

/// <summary>User mix-ins compose in Python's order and pass steps on like super().</summary>
public class MixInTests
{
    [Fact]
    public void The_first_listed_mix_in_is_outermost_and_base_calls_pass_the_step_on()
    {
        var trace = new List<string>();
        using var server = new OrderedServer(Servers.LoopbackAny);
        server.FirstMixIn.Trace = trace;
        server.SecondMixIn.Trace = trace;
        using (Serving.Start(server))
        {
            Assert.Equal("ORDER\n", Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "order\n"));
        }

        Assert.Equal(
            [
                "first:VerifyRequest:enter", "second:VerifyRequest:enter", "second:VerifyRequest:exit", "first:VerifyRequest:exit",
                "first:ProcessRequest:enter", "second:ProcessRequest:enter", "second:ProcessRequest:exit", "first:ProcessRequest:exit",
                "first:ServerClose:enter", "second:ServerClose:enter", "second:ServerClose:exit", "first:ServerClose:exit",
            ],
            trace.Take(12));
    }

    [Fact]
    public void A_mix_in_that_does_not_call_base_replaces_the_step_for_everything_inside_it()
    {
        var recorder = new Recorder();
        using var server = new DenyingServer(Servers.LoopbackAny);
        server.RecordingMixIn.Recorder = recorder;
        using (Serving.Start(server))
        {
            using IDisposable client = ClientActions.SendExpectingNoReply(Transport.Udp, server.ServerAddress, "x");
            recorder.WaitFor("CloseRequest");
        }

        // The mix-in inside DenyAllMixIn never sees VerifyRequest; the request is rejected and shut down.
        Assert.Equal(["GetRequest", "ShutdownRequest", "CloseRequest"], recorder.RequestPath);
        Assert.Equal(["first:VerifyRequest:enter", "first:VerifyRequest:exit"], server.FirstMixIn.Trace.Where(t => t.Contains("Verify")));
    }

    [Fact]
    public void A_mix_in_takes_part_in_the_bind_the_constructor_does()
    {
        using var server = new BindWatchedServer(Servers.LoopbackAny);
        Assert.Same(server, server.BindWatchMixIn.SeenServer);
        Assert.False(server.BindWatchMixIn.BoundBefore);
        Assert.True(server.BindWatchMixIn.BoundAfter);
    }

    [Fact]
    public void With_Threading_a_mix_ins_ProcessRequest_runs_on_the_loop_and_FinishRequest_on_the_request_thread()
    {
        using var server = new ThreadWatchedServer(Servers.LoopbackAny, () => new UpperCaseStreamHandler());
        using (var serving = Serving.Start(server))
        {
            Clients.Exchange(Transport.Tcp, server.ServerAddress, "x\n");
            Assert.Same(serving.Thread, server.ThreadWatchMixIn.ProcessThread);
        }

        Assert.NotNull(server.ThreadWatchMixIn.FinishThread);
        Assert.NotSame(server.ThreadWatchMixIn.ProcessThread, server.ThreadWatchMixIn.FinishThread);
    }

    [Fact]
    public void ServerClose_through_a_mix_in_still_waits_for_running_requests()
    {
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var server = new ThreadWatchedServer(Servers.LoopbackAny, () => new GatedHandler(entered, release));
        var serving = Serving.Start(server);
        Task<string> reply = Task.Run(() => Clients.ExchangeText(Transport.Tcp, server.ServerAddress, "wait for me\n"));
        Bounded.Wait(entered, "the request");

        Task close = Task.Run(server.ServerClose);
        Assert.False(close.Wait(TimeSpan.FromMilliseconds(200)), "ServerClose() returned while a request was running.");
        release.Set();
        Bounded.Wait(close, "ServerClose()");
        Assert.Equal("WAIT FOR ME\n", Bounded.Result(reply, "the reply"));
        Assert.Contains("first:ServerClose:exit", server.FirstMixIn.Trace);
        serving.Dispose();
    }

    [Fact]
    public void A_mix_in_belongs_to_one_server_and_says_so_when_misused()
    {
        var loose = new FirstMixIn();
        Assert.Equal(ServerMixIn_NotAttachedMessage(loose), Assert.Throws<InvalidOperationException>(() => loose.VerifyRequest(new object(), null)).Message);

        using var server = new OrderedServer(Servers.LoopbackAny);
        var taken = Assert.Throws<InvalidOperationException>(() => server.FirstMixIn.AttachTo(server, server));
        Assert.Contains("already belongs to OrderedServer", taken.Message);
    }

    private static string ServerMixIn_NotAttachedMessage(ServerMixIn mixIn) =>
        $"{mixIn.GetType().Name} is not part of a server yet: mix-ins are created and attached by the constructor of a [SocketServer(...)] type that lists them.";
}
