// The eight recording servers differ only in their base class: C# has no mix-ins of its own, which
// is the very gap the generator of this project fills.
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
            _ => throw new ArgumentOutOfRangeException(nameof(transport)),
        };
    }
}

public class RecordingTcpServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : TcpServer(Servers.LoopbackAny, handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}

public class RecordingThreadingTcpServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : ThreadingTcpServer(Servers.LoopbackAny, handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}

public class RecordingUdpServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : UdpServer(Servers.LoopbackAny, handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}

public class RecordingThreadingUdpServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : ThreadingUdpServer(Servers.LoopbackAny, handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}

public class RecordingUnixStreamServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : UnixStreamServer(TempPaths.NewSocketPath(), handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}

public class RecordingThreadingUnixStreamServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : ThreadingUnixStreamServer(TempPaths.NewSocketPath(), handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}

public class RecordingUnixDatagramServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : UnixDatagramServer(TempPaths.NewSocketPath(), handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}

public class RecordingThreadingUnixDatagramServer(Recorder r, Func<BaseRequestHandler> handlers, bool bindAndActivate) : ThreadingUnixDatagramServer(TempPaths.NewSocketPath(), handlers, bindAndActivate)
{
    public Recorder Recorder => r;

    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        r.Add("GetRequest");
        return base.GetRequest();
    }

    public override bool VerifyRequest(object request, EndPoint? clientAddress)
    {
        r.Add("VerifyRequest");
        return r.Verify(request, clientAddress);
    }

    public override void ProcessRequest(object request, EndPoint? clientAddress)
    {
        r.Add("ProcessRequest");
        base.ProcessRequest(request, clientAddress);
    }

    public override void FinishRequest(object request, EndPoint? clientAddress)
    {
        r.Add("FinishRequest");
        base.FinishRequest(request, clientAddress);
    }

    public override void ShutdownRequest(object request)
    {
        r.Add("ShutdownRequest");
        base.ShutdownRequest(request);
    }

    public override void CloseRequest(object request)
    {
        r.Add("CloseRequest");
        base.CloseRequest(request);
    }

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        r.Errors.Enqueue(exception);
        r.ErrorAddresses.Enqueue(clientAddress);
        r.Add("HandleError");
    }

    public override void ServiceActions() => r.Add("ServiceActions");

    public override void HandleTimeout() => r.Add("HandleTimeout");
}
