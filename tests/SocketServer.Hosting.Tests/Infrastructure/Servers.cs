namespace SocketServer.Hosting.Tests;

/// <summary>The servers the tests host, declared as users declare them.</summary>
public static class Loopback
{
    public static IPEndPoint AnyPort => new(IPAddress.Loopback, 0);
}

[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(EchoLinesHandler))] public partial class EchoServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(EchoLinesHandler))] public partial class SecondEchoServer;

[SocketServer(Transport.Tcp, Concurrency.Async, Handler = typeof(AsyncEchoHandler))] public partial class AsyncEchoServer;

/// <summary>A Threading server whose handler each test supplies.</summary>
[SocketServer(Transport.Tcp, Concurrency.Threading)] public partial class ScriptedServer;

/// <summary>A Threading echo server whose serving loop throws once <see cref="Fail"/> is set (from ServiceActions, after a request).</summary>
[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(EchoLinesHandler))]
public partial class FaultingServer
{
    public volatile bool Fail;

    public override void ServiceActions()
    {
        if (Fail)
        {
            throw new InvalidOperationException("the serving loop failed on purpose");
        }

        base.ServiceActions();
    }
}

/// <summary>Echoes every line until the client closes.</summary>
public sealed class EchoLinesHandler : StreamRequestHandler
{
    public override void Handle()
    {
        while (RFile.ReadLine() is { Length: > 0 } line)
        {
            WFile.Write(line);
        }
    }
}

/// <summary>Echoes every line until the client closes, asynchronously; ends when the server stops.</summary>
public sealed class AsyncEchoHandler : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        while (await RFile.ReadLineAsync(cancellationToken: cancellationToken) is { Length: > 0 } line)
        {
            await WFile.WriteAsync(line, cancellationToken);
        }
    }
}

/// <summary>What a <see cref="GatedHandler"/> signals and waits for.</summary>
public sealed class Gate : IDisposable
{
    public ManualResetEventSlim Started { get; } = new();

    public ManualResetEventSlim Release { get; } = new();

    /// <summary>Set when the handler has written its whole reply and returns.</summary>
    public ManualResetEventSlim Finished { get; } = new();

    public void Dispose()
    {
        Started.Dispose();
        Release.Dispose();
        Finished.Dispose();
    }
}

/// <summary>
/// Reads a line, signals <see cref="Gate.Started"/>, waits for <see cref="Gate.Release"/>, then replies with the line
/// <see cref="Repeats"/> times. A connection that sends nothing (a probe) ends at once.
/// </summary>
public sealed class GatedHandler(Gate gate) : StreamRequestHandler
{
    public const int Repeats = 2000;

    public override void Handle()
    {
        byte[] line = RFile.ReadLine();
        if (line.Length == 0)
        {
            return;
        }

        gate.Started.Set();
        if (!gate.Release.Wait(Bounded.Limit))
        {
            throw new TimeoutException("The test never released the handler.");
        }

        for (int i = 0; i < Repeats; i++)
        {
            WFile.Write(line);
        }

        gate.Finished.Set();
    }
}

/// <summary>Signals that it runs, then reads until the client closes: a request that never ends on its own.</summary>
public sealed class EndlessReaderHandler(ManualResetEventSlim started) : StreamRequestHandler
{
    public override void Handle()
    {
        started.Set();
        var buffer = new byte[1024];
        while (RFile.Read(buffer) > 0)
        {
        }
    }
}

/// <summary>Reads a line, then throws.</summary>
public sealed class FailingHandler : StreamRequestHandler
{
    public const string Message = "the handler failed on purpose";

    public override void Handle()
    {
        _ = RFile.ReadLine();
        throw new InvalidOperationException(Message);
    }
}
