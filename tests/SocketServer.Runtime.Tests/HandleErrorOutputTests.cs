namespace SocketServer.Tests;

/// <summary>
/// The default HandleError writes Python's block to standard error. These tests swap Console.Error, so they
/// run alone.
/// </summary>
[Collection(nameof(ProcessWideState))]
public class HandleErrorOutputTests
{
    [Theory]
    [InlineData(Mode.Sync)]
    [InlineData(Mode.Threading)]
    public void The_default_HandleError_writes_pythons_block_to_stderr(Mode mode)
    {
        string stderr = CaptureStandardError(() =>
        {
            using BaseServer server = Servers.Create(Transport.Tcp, mode, () => new ProbeStreamHandler(_ => throw new DivideByZeroException("boom")));
            using var serving = Serving.Start(server);
            using Socket client = Clients.Connect(server.ServerAddress);
            IPEndPoint local = (IPEndPoint)client.LocalEndPoint!;
            Clients.ReadToEnd(client); // HandleError runs before the connection is shut down
            return local;
        }, out IPEndPoint? client);

        string dashes = new('-', 40);
        string[] lines = stderr.Split(Environment.NewLine);
        Assert.Equal(dashes, lines[0]);
        Assert.Equal($"Exception occurred during processing of request from {client}", lines[1]);
        Assert.StartsWith("System.DivideByZeroException: boom", lines[2]);
        Assert.Contains(lines, l => l.Contains("at SocketServer.BaseRequestHandler.Run"));
        Assert.Equal(dashes, lines[^2]);
        Assert.Equal("", lines[^1]);
    }

    [Fact]
    public void An_exception_escaping_HandleError_on_a_request_thread_is_reported_and_the_process_lives()
    {
        string stderr = CaptureStandardError(() =>
        {
            using var server = new ThrowingHandleErrorServer();
            using var serving = Serving.Start(server);
            Assert.Empty(Clients.Exchange(Transport.Tcp, server.ServerAddress, "x\n"));
            return 0;
        }, out _);

        Assert.Contains("HandleError() or ShutdownRequest() of SocketServer.Tests.ThrowingHandleErrorServer threw", stderr);
        Assert.Contains("System.ApplicationException: HandleError itself failed", stderr);
    }

    private static string CaptureStandardError<T>(Func<T> body, out T result)
    {
        TextWriter original = Console.Error;
        var captured = new StringWriter();
        Console.SetError(TextWriter.Synchronized(captured));
        try
        {
            result = body();
        }
        finally
        {
            Console.SetError(original);
        }

        return captured.ToString();
    }
}

public sealed class ThrowingHandleErrorServer() : ThreadingTcpServer(Servers.LoopbackAny, () => new ProbeStreamHandler(_ => throw new InvalidOperationException("handler failed")))
{
    public override void HandleError(object request, EndPoint? clientAddress, Exception exception) =>
        throw new ApplicationException("HandleError itself failed");
}
