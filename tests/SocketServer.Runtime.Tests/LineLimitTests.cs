using SocketServer.IO;

namespace SocketServer.Tests;

/// <summary>Upper-cases every line until the client closes (ReadLines).</summary>
public sealed class UpperLinesHandler : StreamRequestHandler
{
    public override void Handle()
    {
        foreach (byte[] line in RFile.ReadLines())
        {
            WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()));
        }
    }
}

/// <summary>
/// One client sending a line that never ends cannot make the server buffer without bound: past the handler's
/// MaxLineLength its request fails with a <see cref="LineTooLongException"/> that reaches HandleError once, its connection
/// closes, the server has read no more than the limit and one buffer of it, and other clients are served meanwhile
/// (Threading, Async) or right afterwards (Sync).
/// </summary>
public class LineLimitTests
{
    private const int Flood = 64 * 1024 * 1024; // what the endless client sends at most, far past any limit here

    public static TheoryData<Transport, Mode, bool, int?> Cases()
    {
        var data = new TheoryData<Transport, Mode, bool, int?>();
        foreach (Transport transport in new[] { Transport.Tcp, Transport.UnixStream })
        {
            data.Add(transport, Mode.Sync, false, null);
            data.Add(transport, Mode.Threading, false, null);
            data.Add(transport, Mode.Threading, true, null);
            data.Add(transport, Mode.Async, true, null);
        }

        data.Add(Transport.Tcp, Mode.Threading, false, 1000);
        data.Add(Transport.UnixStream, Mode.Async, true, 1000);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_endless_line_fails_its_request_alone_and_the_server_reads_no_more_than_the_limit_and_a_buffer(
        Transport transport, Mode mode, bool asyncHandler, int? maxLineLength)
    {
        int limit = maxLineLength ?? BufferedReadStream.DefaultMaxLineLength;
        Func<BaseRequestHandler> handlers = (asyncHandler, maxLineLength) switch
        {
            (false, null) => () => new UpperLinesHandler(),
            (false, { } max) => () => new UpperLinesHandler { MaxLineLength = max },
            (true, null) => () => new AsyncUpperLinesHandler(),
            (true, { } max) => () => new AsyncUpperLinesHandler { MaxLineLength = max },
        };
        BaseServer server = Create(transport, mode, handlers);
        ProbeMixIn probe = Probed.Probe(server);
        using var meters = new Measurements(server.GetType().Name);
        int served = 0;
        using (server)
        using (Serving.Start(server))
        {
            using (Socket endless = Clients.Connect(server.ServerAddress))
            {
                // Exactly the limit, no newline: the request is mid-line, neither refused nor finished.
                endless.Send(Enumerable.Repeat((byte)'x', limit).ToArray());
                if (mode != Mode.Sync)
                {
                    Assert.Equal("HELLO\n", Exchange(server.ServerAddress, "hello\n"));
                    served++;
                }

                // Sending fails once the server has closed the connection (.NET reports a reset, a broken pipe, or
                // even "timed out" at once for it); the read that follows tells a closed connection from a stuck one.
                Assert.True(SendUntilRefused(endless) != SocketError.Success, $"The server read {Flood:N0} bytes of one line.");
                AssertEndOfStream(endless);
            }

            probe.WaitForClosed(served + 1);
            Assert.Equal("HELLO\n", Exchange(server.ServerAddress, "hello\n"));
            served++;
            probe.WaitForClosed(served + 1);
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        LineTooLongException error = Assert.IsType<LineTooLongException>(Assert.Single(probe.Errors));
        Assert.Equal(limit, error.MaxLineLength);
        Assert.Equal(limit + 1, error.BytesRead);
        Assert.StartsWith($"A line from the client is longer than {limit:N0} bytes: {limit + 1:N0} bytes arrived without its end", error.Message, StringComparison.Ordinal);
        Assert.Contains("raise MaxLineLength on the handler", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, meters.Sum("socketserver.errors", ("error.type", typeof(LineTooLongException).FullName!)));
        Assert.Equal(1, meters.Count("socketserver.errors"));

        // Memory stays bounded: the server read the limit and one byte more to know, and at most one buffer past that.
        long readFromEndless = meters.Io("receive") - (served * "hello\n".Length);
        Assert.InRange(readFromEndless, limit + 1, limit + StreamRequestHandler.DefaultBufferSize);
    }

    [Fact]
    public void The_handlers_default_is_65536_bytes_and_RFile_gets_the_handlers_setting()
    {
        Assert.Equal(65_536, new UpperLinesHandler().MaxLineLength);
        Assert.Equal(65_536, new AsyncUpperLinesHandler().MaxLineLength);
        int?[] seen = new int?[2];
        using var server = new LineLimitTcpThreading(Servers.LoopbackAny, () => new ScriptedHandler(h => seen[0] = h.RFile.MaxLineLength) { MaxLineLength = 123 });
        using (Serving.Start(server))
        {
            Clients.Exchange(Transport.Tcp, server.ServerAddress, "");
            Assert.True(server.WaitForActiveRequests(Bounded.Limit));
        }

        using var unlimited = new LineLimitTcpAsync(Servers.LoopbackAny, () => new ScriptedAsyncHandler((h, _) => { seen[1] = h.RFile.MaxLineLength ?? -1; return Task.CompletedTask; }) { MaxLineLength = null });
        using (Serving.Start(unlimited))
        {
            Clients.Exchange(Transport.Tcp, unlimited.ServerAddress, "");
            Assert.True(unlimited.WaitForActiveRequests(Bounded.Limit));
        }

        Assert.Equal(new int?[] { 123, -1 }, seen);
    }

    private static BaseServer Create(Transport transport, Mode mode, Func<BaseRequestHandler> handlers)
    {
        BaseServer server = (transport, mode) switch
        {
            (Transport.Tcp, Mode.Sync) => new LineLimitTcpSync(Servers.LoopbackAny, handlers),
            (Transport.Tcp, Mode.Threading) => new LineLimitTcpThreading(Servers.LoopbackAny, handlers),
            (Transport.Tcp, Mode.Async) => new LineLimitTcpAsync(Servers.LoopbackAny, handlers),
            (Transport.UnixStream, Mode.Sync) => new LineLimitUnixStreamSync(TempPaths.NewSocketPath(), handlers),
            (Transport.UnixStream, Mode.Threading) => new LineLimitUnixStreamThreading(TempPaths.NewSocketPath(), handlers),
            _ => new LineLimitUnixStreamAsync(TempPaths.NewSocketPath(), handlers),
        };
        server.ErrorLog = new RecordingErrorLog();
        return server;
    }

    /// <summary>A well-formed client: one line, its end of input, the whole reply.</summary>
    private static string Exchange(EndPoint server, string line)
    {
        using Socket client = Clients.Connect(server);
        client.Send(Encoding.ASCII.GetBytes(line));
        client.Shutdown(SocketShutdown.Send);
        return Encoding.ASCII.GetString(Clients.ReadToEnd(client));
    }

    /// <summary>Sends 'x' without a newline until the server refuses more (or <see cref="Flood"/> bytes); returns how sending ended.</summary>
    private static SocketError SendUntilRefused(Socket socket)
    {
        var chunk = Enumerable.Repeat((byte)'x', 64 * 1024).ToArray();
        try
        {
            for (long sent = 0; sent < Flood; sent += chunk.Length)
            {
                socket.Send(chunk);
            }

            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    /// <summary>The server closed the connection: the client reads its end, or the reset that closing with unread input sends.</summary>
    private static void AssertEndOfStream(Socket socket)
    {
        try
        {
            var buffer = new byte[1024];
            Assert.Equal(0, socket.Receive(buffer));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
        }
    }
}

/// <summary>A handler that runs a test's check after its setup.</summary>
public sealed class ScriptedHandler(Action<ScriptedHandler> handle) : StreamRequestHandler
{
    public override void Handle() => handle(this);
}

[SocketServer(Transport.Tcp, Concurrency.Sync, typeof(ProbeMixIn))] public partial class LineLimitTcpSync;
[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(ProbeMixIn))] public partial class LineLimitTcpThreading;
[SocketServer(Transport.Tcp, Concurrency.Async, typeof(ProbeMixIn))] public partial class LineLimitTcpAsync;
[SocketServer(Transport.UnixStream, Concurrency.Sync, typeof(ProbeMixIn))] public partial class LineLimitUnixStreamSync;
[SocketServer(Transport.UnixStream, Concurrency.Threading, typeof(ProbeMixIn))] public partial class LineLimitUnixStreamThreading;
[SocketServer(Transport.UnixStream, Concurrency.Async, typeof(ProbeMixIn))] public partial class LineLimitUnixStreamAsync;
