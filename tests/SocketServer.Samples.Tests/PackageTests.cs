using System.IO.Compression;
using System.Xml.Linq;

namespace SocketServer.Samples.Tests;

/// <summary>
/// What a user gets: `dotnet pack` makes the packages; a fresh project restores them from a local folder, its
/// [SocketServer] class is composed by the packaged generator, the packaged analyzers flag a planted SSA001
/// mistake, and the program runs a request through the packaged runtime (and, with SocketServer.Hosting alone, in
/// the generic host).
/// </summary>
[Collection(nameof(ReleaseBuilds))]
public class PackageTests
{
    [Fact]
    public void The_package_carries_runtime_generator_and_analyzers_into_a_fresh_project()
    {
        using var workspace = new PackageWorkspace();
        string package = workspace.Pack(Path.Combine("src", "Runtime", "SocketServer.Runtime.csproj"), "SocketServer.Generators");
        using (ZipArchive archive = ZipFile.OpenRead(package))
        {
            string[] entries = [.. archive.Entries.Select(e => e.FullName)];
            Assert.Contains("lib/net10.0/SocketServer.Runtime.dll", entries);
            Assert.Contains("lib/net10.0/SocketServer.Runtime.xml", entries);
            Assert.Contains("analyzers/dotnet/cs/SocketServer.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/SocketServer.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/SocketServer.Analyzers.CodeFixes.dll", entries);
            Assert.Contains("buildTransitive/SocketServer.Generators.targets", entries);
            Assert.Contains("build/SocketServer.Generators.targets", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            string nuspec = Nuspec(archive);
            Assert.Contains("<readme>README.md</readme>", nuspec);
            Assert.Contains("<repository type=\"git\"", nuspec);
            Assert.DoesNotContain("<dependency ", nuspec);
        }

        workspace.WriteConsumer(
            $"""<PackageReference Include="SocketServer.Generators" Version="{workspace.Version}" />""",
            """
            using SocketServer;
            using static SocketServer.Transport;

            using var server = new StopServer("127.0.0.1", 0);
            server.Timeout = TimeSpan.Zero;
            server.HandleRequest();
            Console.WriteLine($"composed {server.GetType().BaseType!.Name} at {server.ServerAddress}");

            [SocketServer(Tcp, Handler = typeof(StopHandler))]
            public partial class StopServer
            {
                public override void HandleTimeout() => Console.WriteLine("timed out, as asked");
            }

            public sealed class StopHandler : StreamRequestHandler
            {
                // The planted mistake: a synchronous server's handler runs on the serving thread.
                public override void Handle() => Server.Shutdown();
            }
            """);

        string[] buildLog = workspace.BuildConsumer();
        string log = string.Join(Environment.NewLine, buildLog);
        Assert.Matches(@"Program\.cs\(\d+,\d+\): warning SSA001: 'Handle' calls Shutdown\(\) in a handler of synchronous server 'StopServer'", log);
        Assert.Single(buildLog.Where(line => line.Contains("warning", StringComparison.Ordinal)).Distinct());
        Assert.Single(Directory.GetFiles(Path.Combine(workspace.Consumer, "obj"), "StopServer.g.cs", SearchOption.AllDirectories));

        string[] output = workspace.RunConsumer();
        Assert.Equal("timed out, as asked", output[0]);
        Assert.Matches(@"^composed TcpServer at 127\.0\.0\.1:\d+$", output[1]);

        // The package turns the thread pool's hill-climbing off for the program, unless the project opts out.
        Assert.Contains(HillClimbingOff, workspace.RuntimeConfig());
        workspace.BuildConsumer("-p:SocketServerThreadPoolHillClimbing=true");
        Assert.DoesNotContain("HillClimbing", workspace.RuntimeConfig());
    }

    [Fact]
    public void The_hosting_package_alone_brings_the_generator_and_runs_a_server_in_the_generic_host()
    {
        using var workspace = new PackageWorkspace();
        workspace.Pack(Path.Combine("src", "Runtime", "SocketServer.Runtime.csproj"), "SocketServer.Generators");
        string package = workspace.Pack(Path.Combine("src", "Hosting", "SocketServer.Hosting.csproj"), "SocketServer.Hosting");
        using (ZipArchive archive = ZipFile.OpenRead(package))
        {
            Assert.Contains("lib/net10.0/SocketServer.Hosting.dll", archive.Entries.Select(e => e.FullName));
            Assert.Contains("lib/net10.0/SocketServer.Hosting.xml", archive.Entries.Select(e => e.FullName));

            // The runtime's package with everything in it: its generator and analyzers must reach the user's project.
            XElement dependency = XDocument.Parse(Nuspec(archive)).Descendants().Single(
                e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "SocketServer.Generators");
            Assert.Equal(workspace.Version, (string?)dependency.Attribute("version"));
            Assert.Null(dependency.Attribute("exclude"));
        }

        // README's "Hosting" example, on a free loopback port, with a client and a stop added.
        workspace.WriteConsumer(
            $"""
            <PackageReference Include="SocketServer.Hosting" Version="{workspace.Version}" />
            <PackageReference Include="Microsoft.Extensions.Hosting" Version="{CentralVersion("Microsoft.Extensions.Hosting")}" />
            """,
            """
            using System.Net.Sockets;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using SocketServer;
            using static SocketServer.Concurrency;
            using static SocketServer.Transport;

            HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddSocketServer<EchoServer>(options =>
            {
                options.CreateServer = _ => new EchoServer("127.0.0.1", 0);
                options.DrainTimeout = TimeSpan.FromSeconds(10);
            });
            using IHost host = builder.Build();
            await host.StartAsync();
            var address = (System.Net.IPEndPoint)host.Services.GetRequiredService<EchoServer>().ServerAddress;

            using (var client = new TcpClient())
            {
                client.ReceiveTimeout = 60_000;
                client.Connect(address);
                NetworkStream stream = client.GetStream();
                stream.Write("hello host\n"u8);
                client.Client.Shutdown(SocketShutdown.Send);
                Console.WriteLine($"echoed: {new StreamReader(stream).ReadToEnd().TrimEnd()}");
            }

            await host.StopAsync();
            Console.WriteLine($"stopped; composed {typeof(EchoServer).BaseType!.Name}");

            [SocketServer(Tcp, Threading, Handler = typeof(EchoHandler))]
            public partial class EchoServer
            {
                public bool DaemonThreads => true;
            }

            public sealed class EchoHandler : StreamRequestHandler
            {
                public override void Handle()
                {
                    foreach (byte[] line in RFile.ReadLines())
                    {
                        WFile.Write(line);
                    }
                }
            }
            """);

        string[] buildLog = workspace.BuildConsumer();
        Assert.DoesNotContain(buildLog, line => line.Contains("warning", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.Combine(workspace.Consumer, "obj"), "EchoServer.g.cs", SearchOption.AllDirectories));

        Assert.Contains(HillClimbingOff, workspace.RuntimeConfig()); // through SocketServer.Hosting's dependency

        string[] output = workspace.RunConsumer();
        Assert.Equal(["echoed: hello host", "stopped; composed TcpServer"], output.Where(line => !line.StartsWith("info:", StringComparison.Ordinal) && !line.StartsWith(' ')));
    }

    private const string HillClimbingOff = "\"System.Threading.ThreadPool.HillClimbing.Disable\": true";

    private static string Nuspec(ZipArchive archive)
    {
        using var reader = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }

    /// <summary>The version Directory.Packages.props pins for a package (so the consumer restores what the repository did).</summary>
    private static string CentralVersion(string id) =>
        (string)XDocument.Load(ChildProcess.InRepository("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!;
}

/// <summary>
/// A scratch folder with a package feed and a consumer project: packs this repository's projects into the feed under
/// a fresh version, and builds and runs the consumer against it. Restores offline: the feed, then the global packages
/// folder (which the repository's own restore filled) as a second local source.
/// </summary>
internal sealed class PackageWorkspace : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"package-{Guid.NewGuid():N}");

    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

    public string Feed => Path.Combine(_work, "feed");

    public string Consumer => Path.Combine(_work, "consumer");

    /// <summary>Packs a project of this repository (Release) into the feed; returns the package's path.</summary>
    public string Pack(string project, string packageId)
    {
        var (exit, log, errors) = ChildProcess.Run(ChildProcess.Start(
            ChildProcess.DotNet, "pack", ChildProcess.InRepository(project), "-c", "Release", "-o", Feed, $"-p:Version={Version}", "-nologo"));
        Assert.True(exit == 0, string.Join(Environment.NewLine, log) + errors);
        string package = Path.Combine(Feed, $"{packageId}.{Version}.nupkg");
        Assert.True(File.Exists(package), $"dotnet pack made no {package}");
        return package;
    }

    /// <summary>Writes the consumer: nuget.config, a warnings-as-errors project with <paramref name="references"/>, and Program.cs.</summary>
    public void WriteConsumer(string references, string program)
    {
        Directory.CreateDirectory(Consumer);
        File.WriteAllText(Path.Combine(Consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="restored" value="{GlobalPackagesFolder()}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(Consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <WarningsNotAsErrors>SSA001</WarningsNotAsErrors>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Consumer, "Program.cs"), program);
    }

    /// <summary>Builds the consumer; fails the test if the build fails; returns the build's output lines.</summary>
    public string[] BuildConsumer(params string[] options)
    {
        var (exit, log, errors) = ChildProcess.Run(ChildProcess.Start(ChildProcess.DotNet, ["build", Consumer, "-nologo", "-clp:NoSummary", .. options]));
        Assert.True(exit == 0, string.Join(Environment.NewLine, log) + errors);
        return log;
    }

    /// <summary>The built consumer's runtimeconfig.json.</summary>
    public string RuntimeConfig() => File.ReadAllText(Path.Combine(Consumer, "bin", "Debug", "net10.0", "Consumer.runtimeconfig.json"));

    /// <summary>Runs the built consumer; fails the test if it fails; returns its output lines.</summary>
    public string[] RunConsumer()
    {
        var (exit, output, errors) = ChildProcess.Run(ChildProcess.Start(ChildProcess.DotNet, "run", "--project", Consumer, "--no-build"));
        Assert.True(exit == 0, string.Join(Environment.NewLine, output) + errors);
        return output;
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private static string GlobalPackagesFolder()
    {
        var (exit, output, errors) = ChildProcess.Run(ChildProcess.Start(ChildProcess.DotNet, "nuget", "locals", "global-packages", "--list"));
        Assert.True(exit == 0, errors);
        string line = Assert.Single(output, l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        return line["global-packages:".Length..].Trim();
    }
}

/// <summary>Tests that build Release outputs of the same projects run one at a time, never racing on obj/Release.</summary>
[CollectionDefinition(nameof(ReleaseBuilds))]
public sealed class ReleaseBuilds;
