// The eight recording servers are composed by the generator with one user mix-in: recording is
// a mix-in in Python terms, outermost, so it sees every step before the server runs it.
namespace SocketServer.Tests;

public static class Recording
{
    public static BaseServer Create(Transport transport, Mode mode, Recorder recorder, HandlerScript? script = null, bool bindAndActivate = true)
    {
        script ??= new HandlerScript();
        Func<BaseRequestHandler> handlers = transport.IsStream()
            ? () => { Interlocked.Increment(ref recorder.HandlersCreated); return new RecordingStreamHandler(recorder, script); }
            : () => { Interlocked.Increment(ref recorder.HandlersCreated); return new RecordingDatagramHandler(recorder, script); };
        return (transport, mode) switch
        {
            (Transport.Tcp, Mode.Sync) => new RecordingTcpServer(recorder, handlers, bindAndActivate),
            (Transport.Tcp, Mode.Threading) => new RecordingThreadingTcpServer(recorder, handlers, bindAndActivate),
            (Transport.Udp, Mode.Sync) => new RecordingUdpServer(recorder, handlers, bindAndActivate),
            (Transport.Udp, Mode.Threading) => new RecordingThreadingUdpServer(recorder, handlers, bindAndActivate),
            (Transport.UnixStream, Mode.Sync) => new RecordingUnixStreamServer(recorder, handlers, bindAndActivate),
            (Transport.UnixStream, Mode.Threading) => new RecordingThreadingUnixStreamServer(recorder, handlers, bindAndActivate),
            (Transport.UnixDatagram, Mode.Sync) => new RecordingUnixDatagramServer(recorder, handlers, bindAndActivate),
            (Transport.UnixDatagram, Mode.Threading) => new RecordingThreadingUnixDatagramServer(recorder, handlers, bindAndActivate),
            (Transport.Tcp, Mode.Async) => new RecordingAsyncTcpServer(recorder, handlers, bindAndActivate),
            (Transport.Udp, Mode.Async) => new RecordingAsyncUdpServer(recorder, handlers, bindAndActivate),
            (Transport.UnixStream, Mode.Async) => new RecordingAsyncUnixStreamServer(recorder, handlers, bindAndActivate),
            (Transport.UnixDatagram, Mode.Async) => new RecordingAsyncUnixDatagramServer(recorder, handlers, bindAndActivate),
            _ => throw new ArgumentOutOfRangeException(nameof(transport)),
        };
    }
}

/// <summary>Records every step, then passes it on; HandleError is recorded instead of written to stderr.</summary>
public sealed class RecordingMixIn : ServerMixIn
{
    public Recorder Recorder { get; set; } = new();

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        Recorder.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        Recorder.Add("VerifyRequest");
        return Recorder.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        Recorder.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        Recorder.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    /// <summary>The Async mix-in's FinishRequest: recorded under the same name, the request path is the same.</summary>
    public override Task FinishRequestAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken)
    {
        Recorder.Add("FinishRequest");
        return base.FinishRequestAsync(request, clientAddress, cancellationToken);
    }

    public override void ShutdownRequest(object request)
    {
        Recorder.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        Recorder.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        Recorder.Errors.Enqueue(exception);
        Recorder.ErrorAddresses.Enqueue(clientAddress);
        Recorder.Add("HandleError");
    }

    public override void ServiceActions()
    {
        Recorder.Add("ServiceActions");
        base.ServiceActions();
    }

    public override void HandleTimeout()
    {
        Recorder.Add("HandleTimeout");
        base.HandleTimeout();
    }
}

[SocketServer(Transport.Tcp, Concurrency.Sync, typeof(RecordingMixIn))]
public partial class RecordingTcpServer
{
    public RecordingTcpServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(Servers.LoopbackAny, handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(RecordingMixIn))]
public partial class RecordingThreadingTcpServer
{
    public RecordingThreadingTcpServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(Servers.LoopbackAny, handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.Udp, Concurrency.Sync, typeof(RecordingMixIn))]
public partial class RecordingUdpServer
{
    public RecordingUdpServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(Servers.LoopbackAny, handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.Udp, Concurrency.Threading, typeof(RecordingMixIn))]
public partial class RecordingThreadingUdpServer
{
    public RecordingThreadingUdpServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(Servers.LoopbackAny, handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.UnixStream, Concurrency.Sync, typeof(RecordingMixIn))]
public partial class RecordingUnixStreamServer
{
    public RecordingUnixStreamServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(TempPaths.NewSocketPath(), handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.UnixStream, Concurrency.Threading, typeof(RecordingMixIn))]
public partial class RecordingThreadingUnixStreamServer
{
    public RecordingThreadingUnixStreamServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(TempPaths.NewSocketPath(), handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.UnixDatagram, Concurrency.Sync, typeof(RecordingMixIn))]
public partial class RecordingUnixDatagramServer
{
    public RecordingUnixDatagramServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(TempPaths.NewSocketPath(), handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.UnixDatagram, Concurrency.Threading, typeof(RecordingMixIn))]
public partial class RecordingThreadingUnixDatagramServer
{
    public RecordingThreadingUnixDatagramServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(TempPaths.NewSocketPath(), handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.Tcp, Concurrency.Async, typeof(RecordingMixIn))]
public partial class RecordingAsyncTcpServer
{
    public RecordingAsyncTcpServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(Servers.LoopbackAny, handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.Udp, Concurrency.Async, typeof(RecordingMixIn))]
public partial class RecordingAsyncUdpServer
{
    public RecordingAsyncUdpServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(Servers.LoopbackAny, handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.UnixStream, Concurrency.Async, typeof(RecordingMixIn))]
public partial class RecordingAsyncUnixStreamServer
{
    public RecordingAsyncUnixStreamServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(TempPaths.NewSocketPath(), handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}

[SocketServer(Transport.UnixDatagram, Concurrency.Async, typeof(RecordingMixIn))]
public partial class RecordingAsyncUnixDatagramServer
{
    public RecordingAsyncUnixDatagramServer(Recorder recorder, Func<BaseRequestHandler> handlers, bool bindAndActivate = true)
        : this(TempPaths.NewSocketPath(), handlers, bindAndActivate) => RecordingMixIn.Recorder = recorder;

    public Recorder Recorder => RecordingMixIn.Recorder;
}
