using System.Net;
using System.Net.Sockets;

namespace SocketServer.Samples.Tests;

/// <summary>
/// With <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> (docs/performance.md), .NET runs socket continuations on
/// its epoll threads. Anything in an Async server's request path that waits synchronously for a socket (a blocking
/// write once the send buffer is full, a <c>.Wait()</c> on a read) then stalls the very thread that would report the
/// socket ready: the connection, and every other on that thread, hangs. These run the Echo sample's Async server so,
/// with traffic that fills the socket buffers, and check every byte comes back.
/// </summary>
public class InlineSocketCompletionsTests
{
    private static readonly Dictionary<string, string> Inline = new() { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1" };

    [Theory]
    [InlineData("tcp")]
    [InlineData("unixstream")]
    public async Task An_async_server_echoes_bulk_and_many_small_messages_with_inline_completions(string transport)
    {
        string directory = Directory.CreateTempSubdirectory("ssg-inline-").FullName;
        string path = Path.Combine(directory, "echo.sock");
        try
        {
            string[] arguments = transport == "tcp"
                ? ["--transport", "tcp", "--concurrency", "async", "--host", "127.0.0.1", "--port", "0"]
                : ["--transport", "unixstream", "--concurrency", "async", "--path", path];
            using ChildProcess server = ChildProcess.Built(Path.Combine("samples", "Echo"), "Echo", Inline, arguments);
            EndPoint endPoint = transport == "tcp"
                ? new IPEndPoint(IPAddress.Loopback, server.ReadListeningPort())
                : WaitForUnixSocket(server, path);

            // Two bulk connections whose 8 MiB each outrun the socket buffers (the server's writes must wait for the
            // client to read), alongside 32 connections of small messages.
            Task[] work =
            [
                .. Enumerable.Range(0, 2).Select(i => BulkAsync(endPoint, 8 << 20, seed: i)),
                .. Enumerable.Range(0, 32).Select(i => SmallMessagesAsync(endPoint, 500, seed: 100 + i)),
            ];
            await Task.WhenAll(work).WaitAsync(TimeSpan.FromMinutes(3));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static EndPoint WaitForUnixSocket(ChildProcess server, string path)
    {
        server.ReadUntil(line => line.StartsWith("listening on", StringComparison.Ordinal), "the server's first line");
        return new UnixDomainSocketEndPoint(path);
    }

    /// <summary>Writes <paramref name="total"/> random bytes while reading the echo concurrently, and compares all of it.</summary>
    private static async Task BulkAsync(EndPoint endPoint, int total, int seed)
    {
        var data = new byte[total];
        new Random(seed).NextBytes(data);
        using Socket socket = StreamClients.Connect(endPoint);
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        Task writing = Task.Run(async () =>
        {
            for (int sent = 0; sent < total; sent += 64 * 1024)
            {
                await socket.SendAsync(data.AsMemory(sent, Math.Min(64 * 1024, total - sent)), SocketFlags.None, bound.Token);
            }
        });

        var echoed = new byte[total];
        int got = 0;
        while (got < total)
        {
            int read = await socket.ReceiveAsync(echoed.AsMemory(got), SocketFlags.None, bound.Token);
            Assert.True(read > 0, $"The connection ended after {got} of {total} echoed bytes.");
            got += read;
        }

        await writing;
        Assert.True(data.AsSpan().SequenceEqual(echoed), "The bulk echo differs from what was sent.");
    }

    private static async Task SmallMessagesAsync(EndPoint endPoint, int count, int seed)
    {
        var random = new Random(seed);
        var message = new byte[512];
        var reply = new byte[512];
        using Socket socket = StreamClients.Connect(endPoint);
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        for (int i = 0; i < count; i++)
        {
            await StreamClients.EchoRandomAsync(socket, random, message, reply, random.Next(1, message.Length + 1), bound.Token);
        }
    }
}
