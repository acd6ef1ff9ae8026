using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace SocketServer.Samples.Tests;

/// <summary>
/// The README's own way of reading the metrics, end to end: <c>dotnet-counters collect --counters SocketServer</c> (the
/// version pinned in .config/dotnet-tools.json) on samples/Echo, whose <c>socketserver.io</c> must add up to exactly the
/// bytes echoed: an echo sends back what it gets, so receive and transmit are equal and known.
/// </summary>
/// <remarks>
/// dotnet-counters writes its JSON in 10,000-character batches and finishes the file only when its session ends by
/// itself: Ctrl+C (SIGINT) or SIGTERM drops the last batch and leaves the JSON unterminated, and it reads no 'q' from a
/// redirected standard input. So the session is bounded with <c>--duration</c>: the traffic runs inside that window, and
/// the test waits for the tool to end and save the file. Counter instruments are reported per refresh interval as
/// <c>Rate</c> records (the increase over the interval), so their sum over the session is the total counted while it
/// ran; the session counts from the moment the tool prints "Starting a counter session" (the target enables its
/// instruments before acknowledging the session), and the traffic starts after that line.
/// </remarks>
public class DotnetCountersTests
{
    private const int Connections = 8;
    private const int EchoesPerConnection = 1_000;
    private const int MessageSize = 32;

    // Long enough for the bounded traffic below on a loaded machine (it takes well under a second on an idle one).
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("threading")]
    [InlineData("async")]
    public void Dotnet_counters_sees_exactly_the_bytes_Echo_received_and_sent(string concurrency)
    {
        RestoreTools();
        string output = Path.Combine(Path.GetTempPath(), $"counters-{Guid.NewGuid():N}.json");
        using ChildProcess echo = ChildProcess.Sample("Echo", "--transport", "tcp", "--concurrency", concurrency, "--host", "127.0.0.1", "--port", "0");
        var endPoint = new IPEndPoint(IPAddress.Loopback, echo.ReadListeningPort());
        try
        {
            using (ChildProcess counters = ChildProcess.StartIn(
                ChildProcess.InRepository(), ChildProcess.DotNet, "tool", "run", "dotnet-counters", "--", "collect",
                "--counters", "SocketServer", "--format", "json", "-p", echo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--refresh-interval", "1", "--duration", $"00:00:00:{(int)Window.TotalSeconds:00}", "-o", output))
            {
                counters.ReadUntil(line => line.StartsWith("Starting a counter session", StringComparison.Ordinal), "the counter session to start");
                var clock = Stopwatch.StartNew();
                RunTraffic(endPoint);
                TimeSpan traffic = clock.Elapsed;
                Assert.True(traffic < Window - TimeSpan.FromSeconds(3), $"The traffic took {traffic.TotalSeconds:0.0} s, too close to the {Window.TotalSeconds} s collection window to be counted whole: raise Window.");
                Assert.Equal(0, counters.WaitForExit());
                Assert.Contains($"File saved to {output}", counters.RemainingLines());
            }

            echo.Signal(Signals.SIGTERM);
            Assert.Equal(0, echo.WaitForExit());

            Record[] records = Read(output);
            string server = concurrency == "async" ? "TcpAsyncEcho" : "TcpThreadingEcho";
            Assert.All(records, r => Assert.Contains($"socketserver.server={server}", r.Tags, StringComparison.Ordinal));
            const long bytes = (long)Connections * EchoesPerConnection * MessageSize;
            Record[] received = [.. records.Where(r => r.Name == "socketserver.io (By / 1 sec)" && r.Tags.Contains("network.io.direction=receive", StringComparison.Ordinal))];
            Record[] sent = [.. records.Where(r => r.Name == "socketserver.io (By / 1 sec)" && r.Tags.Contains("network.io.direction=transmit", StringComparison.Ordinal))];
            Assert.All(received.Concat(sent), r => Assert.Equal("Rate", r.CounterType));
            Assert.Equal(bytes, received.Sum(r => r.Value));
            Assert.Equal(bytes, sent.Sum(r => r.Value));
            Assert.Equal(0, received[^1].Value); // the window went on past the traffic: nothing was cut off
            Assert.Equal(Connections, records.Where(r => r.Name.StartsWith("socketserver.requests ", StringComparison.Ordinal)).Sum(r => r.Value));
            Assert.Equal(0, records.Last(r => r.Name.StartsWith("socketserver.active_requests ", StringComparison.Ordinal)).Value);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary><c>dotnet tool restore</c> in the repository: installs the pinned dotnet-counters from the NuGet registry.</summary>
    private static void RestoreTools()
    {
        var (exitCode, outputLines, errors) = ChildProcess.Run(ChildProcess.StartIn(ChildProcess.InRepository(), ChildProcess.DotNet, "tool", "restore"));
        Assert.True(exitCode == 0, $"dotnet tool restore failed ({exitCode}): {string.Join('\n', outputLines)}\n{errors}");
    }

    /// <summary>Connections at once, each sending a message and reading its echo back, then closing.</summary>
    private static void RunTraffic(EndPoint endPoint)
    {
        Task[] clients = [.. Enumerable.Range(0, Connections).Select(i => Task.Factory.StartNew(
            () =>
            {
                using Socket socket = StreamClients.Connect(endPoint);
                string message = new((char)('a' + i), MessageSize);
                for (int n = 0; n < EchoesPerConnection; n++)
                {
                    Assert.Equal(message, StreamClients.Echo(socket, message));
                }

                socket.Shutdown(SocketShutdown.Send);
                Assert.Equal(0, socket.Receive(new byte[1])); // the server saw the end and closed: its request is over
            },
            TaskCreationOptions.LongRunning))];
        Assert.True(Task.WaitAll(clients, ChildProcess.Limit), "The echo clients did not finish.");
    }

    private static Record[] Read(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return [.. document.RootElement.GetProperty("Events").EnumerateArray().Select(e => new Record(
            e.GetProperty("name").GetString()!,
            e.GetProperty("tags").GetString()!,
            e.GetProperty("counterType").GetString()!,
            e.GetProperty("value").GetDouble()))];
    }

    private sealed record Record(string Name, string Tags, string CounterType, double Value);
}
