using System.IO.Compression;
using System.Reflection;

namespace SocketServer.Samples.Tests;

/// <summary>
/// What a user gets: `dotnet pack` makes one package; a fresh project restores it from a local folder, its
/// [SocketServer] class is composed by the packaged generator, the packaged analyzers flag a planted SSA001
/// mistake, and the program runs a request through the packaged runtime.
/// </summary>
[Collection(nameof(ReleaseBuilds))]
public class PackageTests
{
    [Fact]
    public void The_package_carries_runtime_generator_and_analyzers_into_a_fresh_project()
    {
        var metadata = typeof(PackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        string root = metadata["RepositoryRoot"]!;
        string work = Path.Combine(Path.GetTempPath(), $"package-{Guid.NewGuid():N}");
        string feed = Path.Combine(work, "feed");
        string consumer = Path.Combine(work, "consumer");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";

        var (packExit, packLog, packErrors) = ChildProcess.Run(ChildProcess.Start(
            dotnet, "pack", Path.Combine(root, "src", "Runtime", "SocketServer.Runtime.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}", "-nologo"));
        Assert.True(packExit == 0, string.Join(Environment.NewLine, packLog) + packErrors);

        using (ZipArchive package = ZipFile.OpenRead(Path.Combine(feed, $"SocketServer.Generators.{version}.nupkg")))
        {
            string[] entries = [.. package.Entries.Select(e => e.FullName)];
            Assert.Contains("lib/net10.0/SocketServer.Runtime.dll", entries);
            Assert.Contains("lib/net10.0/SocketServer.Runtime.xml", entries);
            Assert.Contains("analyzers/dotnet/cs/SocketServer.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/SocketServer.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/SocketServer.Analyzers.CodeFixes.dll", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            string nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.Contains("<readme>README.md</readme>", nuspec);
            Assert.Contains("<repository type=\"git\"", nuspec);
            Assert.DoesNotContain("<dependency ", nuspec);
        }

        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <WarningsNotAsErrors>SSA001</WarningsNotAsErrors>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SocketServer.Generators" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
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

        var (buildExit, buildLog, buildErrors) = ChildProcess.Run(ChildProcess.Start(dotnet, "build", consumer, "-nologo", "-clp:NoSummary"));
        string log = string.Join(Environment.NewLine, buildLog);
        Assert.True(buildExit == 0, log + buildErrors);
        Assert.Matches(@"Program\.cs\(\d+,\d+\): warning SSA001: 'Handle' calls Shutdown\(\) in a handler of synchronous server 'StopServer'", log);
        Assert.Single(buildLog.Where(line => line.Contains("warning", StringComparison.Ordinal)).Distinct());
        Assert.Single(Directory.GetFiles(Path.Combine(consumer, "obj"), "StopServer.g.cs", SearchOption.AllDirectories));

        var (runExit, runOutput, runErrors) = ChildProcess.Run(ChildProcess.Start(dotnet, "run", "--project", consumer, "--no-build"));
        Assert.True(runExit == 0, runErrors);
        Assert.Equal("timed out, as asked", runOutput[0]);
        Assert.Matches(@"^composed TcpServer at 127\.0\.0\.1:\d+$", runOutput[1]);
        Directory.Delete(work, recursive: true);
    }
}

/// <summary>Tests that build Release outputs of the same projects run one at a time, never racing on obj/Release.</summary>
[CollectionDefinition(nameof(ReleaseBuilds))]
public sealed class ReleaseBuilds;
