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
            <PackageReference Include="Microsoft.Extensions.Hosting" Version="{PackageWorkspace.CentralVersion("Microsoft.Extensions.Hosting")}" />
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

    [Fact]
    public void The_testing_package_alone_tests_a_handler_in_memory_in_a_fresh_xunit_project()
    {
        using var workspace = new PackageWorkspace();
        workspace.Pack(Path.Combine("src", "Runtime", "SocketServer.Runtime.csproj"), "SocketServer.Generators");
        string package = workspace.Pack(Path.Combine("src", "Testing", "SocketServer.Testing.csproj"), "SocketServer.Testing");
        using (ZipArchive archive = ZipFile.OpenRead(package))
        {
            Assert.Contains("lib/net10.0/SocketServer.Testing.dll", archive.Entries.Select(e => e.FullName));
            Assert.Contains("lib/net10.0/SocketServer.Testing.xml", archive.Entries.Select(e => e.FullName));

            // The runtime's package with everything in it: the generator must compose the tested server.
            XElement dependency = XDocument.Parse(Nuspec(archive)).Descendants().Single(
                e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "SocketServer.Generators");
            Assert.Equal(workspace.Version, (string?)dependency.Attribute("version"));
            Assert.Null(dependency.Attribute("exclude"));
        }

        // A user's test project: SocketServer.Testing and xunit, nothing from this repository's build.
        string tests = workspace.Folder("HandlerTests");
        workspace.WriteNuGetConfig(tests);
        File.WriteAllText(Path.Combine(tests, "HandlerTests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <IsPackable>false</IsPackable>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <RestorePackagesPath>{workspace.PackagesPath}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SocketServer.Testing" Version="{workspace.Version}" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{PackageWorkspace.CentralVersion("Microsoft.NET.Test.Sdk")}" />
                <PackageReference Include="xunit" Version="{PackageWorkspace.CentralVersion("xunit")}" />
                <PackageReference Include="xunit.runner.visualstudio" Version="{PackageWorkspace.CentralVersion("xunit.runner.visualstudio")}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(tests, "UpperCaseTests.cs"), """
            using System.Net;
            using System.Text;
            using SocketServer;
            using SocketServer.Testing;
            using Xunit;
            using static SocketServer.Concurrency;
            using static SocketServer.Transport;

            [SocketServer(Tcp, Threading, Handler = typeof(UpperCaseHandler))]
            public partial class UpperCaseServer
            {
                public override bool VerifyRequest(object request, EndPoint? clientAddress) =>
                    clientAddress is IPEndPoint client && IPAddress.IsLoopback(client.Address);
            }

            public sealed class UpperCaseHandler : StreamRequestHandler
            {
                public override void Handle()
                {
                    foreach (byte[] line in RFile.ReadLines())
                    {
                        if (line.AsSpan().StartsWith("fail"u8))
                        {
                            throw new InvalidOperationException("asked to fail");
                        }

                        WFile.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line).ToUpperInvariant()));
                    }
                }
            }

            [SocketServer(Udp, Async, Handler = typeof(ReverseHandler))]
            public partial class ReverseServer;

            public sealed class ReverseHandler : AsyncDatagramRequestHandler
            {
                public override Task HandleAsync(CancellationToken cancellationToken) =>
                    WFile.WriteAsync(Enumerable.Reverse(Packet).ToArray(), cancellationToken).AsTask();
            }

            public class UpperCaseTests
            {
                [Fact]
                public void Replies_in_upper_case()
                {
                    using var server = new UpperCaseServer("127.0.0.1", 0, bindAndActivate: false);
                    using var connection = InMemoryConnection.Open(server);
                    connection.WriteLine("hello");
                    Assert.Equal("HELLO", connection.ReadLine());
                    connection.Complete();
                    Assert.Empty(connection.WaitForCompletion().Errors);
                }

                [Fact]
                public void Refuses_other_hosts_and_reports_failures()
                {
                    using var server = new UpperCaseServer("127.0.0.1", 0, bindAndActivate: false);
                    using var refused = InMemoryConnection.Open(server, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 1234));
                    Assert.False(refused.WaitForCompletion().Verified);

                    using var failing = InMemoryConnection.Open(server);
                    failing.WriteLine("fail now");
                    Assert.Equal("asked to fail", Assert.Single(failing.WaitForCompletion().Errors).Message);
                }

                [Fact]
                public async Task Reverses_a_datagram()
                {
                    using var server = new ReverseServer("127.0.0.1", 0, bindAndActivate: false);
                    var client = new InMemoryDatagramClient(server);
                    Assert.Equal("cba"u8.ToArray(), Assert.Single(await client.SendAsync("abc"u8.ToArray())));
                }
            }
            """);

        var (exit, output, errors) = ChildProcess.Run(ChildProcess.Start(ChildProcess.DotNet, "test", tests, "-nologo"));
        string log = string.Join(Environment.NewLine, output) + errors;
        Assert.True(exit == 0, log);
        Assert.DoesNotContain("warning", log, StringComparison.Ordinal);
        Assert.Contains("Passed!  - Failed:     0, Passed:     3, Skipped:     0, Total:     3", log);
        Assert.Single(Directory.GetFiles(Path.Combine(tests, "obj"), "UpperCaseServer.g.cs", SearchOption.AllDirectories));
    }

    private const string HillClimbingOff = "\"System.Threading.ThreadPool.HillClimbing.Disable\": true";

    private static string Nuspec(ZipArchive archive)
    {
        using var reader = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }
}

/// <summary>Tests that build Release outputs of the same projects run one at a time, never racing on obj/Release.</summary>
[CollectionDefinition(nameof(ReleaseBuilds))]
public sealed class ReleaseBuilds;
