namespace SocketServer.Samples.Tests;

/// <summary>
/// The docs' three examples: the C# samples serve the docs' own Python clients and print what CPython's
/// socketserver prints when it runs the docs' own handlers.
/// </summary>
public class DocsExamplesTests
{
    private static readonly string DocsDirectory = Path.Combine(AppContext.BaseDirectory, "Docs");

    public static TheoryData<string, string, string> TcpVariants => new()
    {
        { "stream", "tcp_stream_handler.py", "MyTCPHandler" },
        { "recv", "tcp_server.py", "MyTCPHandler" },
    };

    [Theory]
    [MemberData(nameof(TcpVariants))]
    public void UpperCaseTcp_answers_the_docs_client_and_prints_what_CPython_prints(string handler, string pythonServer, string pythonHandler)
    {
        var csharp = Serve(ChildProcess.Sample("UpperCaseTcp", "--host", "127.0.0.1", "--port", "0", "--handler", handler), "tcp_client.py", "TCP");
        var cpython = Serve(ChildProcess.Python(Docs("twin.py"), Docs(pythonServer), pythonHandler, "tcp"), "tcp_client.py", "TCP");

        Assert.Equal(
            ["Sent:     hello world with TCP", "Received: HELLO WORLD WITH TCP", "Sent:     python is nice", "Received: PYTHON IS NICE"],
            csharp.ClientOutput);
        Assert.Equal(["127.0.0.1 wrote:", "b'hello world with TCP'", "127.0.0.1 wrote:", "b'python is nice'"], csharp.ServerOutput);
        Assert.Equal(cpython.ClientOutput, csharp.ClientOutput);
        Assert.Equal(cpython.ServerOutput, csharp.ServerOutput);
    }

    [Fact]
    public void UpperCaseUdp_answers_the_docs_client_and_prints_what_CPython_prints()
    {
        var csharp = Serve(ChildProcess.Sample("UpperCaseUdp", "--host", "127.0.0.1", "--port", "0"), "udp_client.py", "UDP");
        var cpython = Serve(ChildProcess.Python(Docs("twin.py"), Docs("udp_server.py"), "MyUDPHandler", "udp"), "udp_client.py", "UDP");

        Assert.Equal(
            ["Sent:     hello world with UDP", "Received: HELLO WORLD WITH UDP", "Sent:     python is nice", "Received: PYTHON IS NICE"],
            csharp.ClientOutput);
        Assert.Equal(["127.0.0.1 wrote:", "b'hello world with UDP'", "127.0.0.1 wrote:", "b'python is nice'"], csharp.ServerOutput);
        Assert.Equal(cpython.ClientOutput, csharp.ClientOutput);
        Assert.Equal(cpython.ServerOutput, csharp.ServerOutput);
    }

    [Fact]
    public void ThreadedTcp_prints_a_loop_thread_and_three_replies_from_distinct_request_threads_like_the_docs()
    {
        var (exitCode, output, errors) = ChildProcess.Run(ChildProcess.Sample("ThreadedTcp", "--host", "127.0.0.1", "--port", "0"));
        Assert.True(exitCode == 0, errors);
        Assert.Matches(@"^listening on 127\.0\.0\.1:\d+$", output[0]);
        string[] run = output[1..];

        var (pythonExit, pythonRun, pythonErrors) = ChildProcess.Run(ChildProcess.Python(Docs("threaded_tcp_server.py")));
        Assert.True(pythonExit == 0, pythonErrors);

        foreach (string[] lines in new[] { run, pythonRun })
        {
            Assert.Equal(4, lines.Length);
            Assert.StartsWith("Server loop running in thread: ", lines[0]);
            string[] workers = new string[3];
            for (int i = 0; i < 3; i++)
            {
                var match = System.Text.RegularExpressions.Regex.Match(lines[i + 1], $"^Received: (.+): Hello World {i + 1}$");
                Assert.True(match.Success, lines[i + 1]);
                workers[i] = match.Groups[1].Value;
            }

            Assert.Equal(3, workers.Distinct().Count());
            Assert.DoesNotContain(lines[0]["Server loop running in thread: ".Length..], workers);
        }
    }

    [Theory]
    [InlineData(Signals.SIGINT)]
    [InlineData(Signals.SIGTERM)]
    public void A_sample_server_stops_cleanly_on_a_signal(int signal)
    {
        using ChildProcess server = ChildProcess.Sample("UpperCaseTcp", "--host", "127.0.0.1", "--port", "0");
        server.ReadListeningPort();
        server.Signal(signal);
        Assert.Equal(0, server.WaitForExit());
        Assert.Empty(server.RemainingLines());
        Assert.Equal("", server.StandardError);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_usage()
    {
        var (exitCode, _, errors) = ChildProcess.Run(ChildProcess.Sample("UpperCaseTcp", "--port", "seventy"));
        Assert.Equal(2, exitCode);
        Assert.StartsWith("Unexpected argument: --port seventy", errors);
        Assert.Contains("Usage: --host", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    internal static string Docs(string file) => Path.Combine(DocsDirectory, file);

    /// <summary>Starts a server, runs the docs' client against it twice, stops it, and returns both sides' output.</summary>
    private static (string[] ClientOutput, string[] ServerOutput) Serve(ChildProcess server, string client, string protocol)
    {
        using (server)
        {
            int port = server.ReadListeningPort();
            string clientScript = DocsClientOn(client, port);
            var clientOutput = new List<string>();
            foreach (string words in new[] { $"hello world with {protocol}", "python is nice" })
            {
                var (exitCode, output, errors) = ChildProcess.Run(ChildProcess.Python([clientScript, .. words.Split(' ')]));
                Assert.True(exitCode == 0, errors);
                clientOutput.AddRange(output);
            }

            server.Signal(Signals.SIGTERM);
            Assert.Equal(0, server.WaitForExit());
            return ([.. clientOutput], server.RemainingLines());
        }
    }

    /// <summary>The docs' client program, unchanged but for the port (the docs use 9999; tests use a free one).</summary>
    internal static string DocsClientOn(string client, int port)
    {
        string text = File.ReadAllText(Docs(client));
        const string DocsAddress = "HOST, PORT = \"localhost\", 9999";
        Assert.Contains(DocsAddress, text);
        string path = Path.Combine(Path.GetTempPath(), $"docs-{Guid.NewGuid():N}-{client}");
        File.WriteAllText(path, text.Replace(DocsAddress, $"HOST, PORT = \"localhost\", {port}"));
        return path;
    }
}
