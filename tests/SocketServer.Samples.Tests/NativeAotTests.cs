namespace SocketServer.Samples.Tests;

/// <summary>
/// A sample published with NativeAOT builds without a single trim or AOT warning and serves the docs' Python
/// client from the native binary: generated servers create handlers with <c>new</c>, not reflection.
/// </summary>
[Collection(nameof(ReleaseBuilds))]
public class NativeAotTests
{
    [Fact]
    public void UpperCaseTcp_published_with_NativeAOT_has_no_warnings_and_serves_the_docs_client()
    {
        string project = ChildProcess.InRepository("samples", "UpperCaseTcp", "UpperCaseTcp.csproj");
        string output = Path.Combine(Path.GetTempPath(), $"aot-{Guid.NewGuid():N}");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

        // The README's command. Release keeps it apart from the Debug build the other tests run.
        var (exitCode, log, errors) = ChildProcess.Run(ChildProcess.Start(
            dotnet, "publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output, "-nologo", "-clp:NoSummary"));
        Assert.True(exitCode == 0, string.Join(Environment.NewLine, log) + errors);
        Assert.DoesNotContain(log, line => line.Contains("warning", StringComparison.OrdinalIgnoreCase));

        string native = Path.Combine(output, "UpperCaseTcp");
        Assert.True(File.Exists(native), $"No native binary at {native}.");
        using ChildProcess server = ChildProcess.Start(native, "--host", "127.0.0.1", "--port", "0");
        int port = server.ReadListeningPort();
        var (clientExit, clientOutput, clientErrors) = ChildProcess.Run(
            ChildProcess.Python(DocsExamplesTests.DocsClientOn("tcp_client.py", port), "hello", "from", "native", "code"));
        Assert.True(clientExit == 0, clientErrors);
        Assert.Equal(["Sent:     hello from native code", "Received: HELLO FROM NATIVE CODE"], clientOutput);
        Assert.Equal("127.0.0.1 wrote:", server.ReadLine());
        Assert.Equal("b'hello from native code'", server.ReadLine());
        server.Signal(Signals.SIGTERM);
        Assert.Equal(0, server.WaitForExit());
        Directory.Delete(output, recursive: true);
    }
}
