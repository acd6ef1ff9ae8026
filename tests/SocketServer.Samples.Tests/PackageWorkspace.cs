using System.Xml.Linq;

namespace SocketServer.Samples.Tests;

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

    /// <summary>A folder in the workspace (created), for projects other than <see cref="Consumer"/>.</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(_work, name)).FullName;

    /// <summary>Where the workspace's projects restore packages to (never the user's global folder).</summary>
    public string PackagesPath => Path.Combine(_work, "packages");

    /// <summary>The version Directory.Packages.props pins for a package (so the consumer restores what the repository did).</summary>
    public static string CentralVersion(string id) =>
        (string)XDocument.Load(ChildProcess.InRepository("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!;

    /// <summary>Writes a nuget.config into <paramref name="folder"/> that restores from the feed, then the global packages folder, and nothing else.</summary>
    public void WriteNuGetConfig(string folder) =>
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="restored" value="{GlobalPackagesFolder()}" />
              </packageSources>
            </configuration>
            """);

    /// <summary>Writes the consumer: nuget.config, a warnings-as-errors project with <paramref name="references"/>, and Program.cs.</summary>
    public void WriteConsumer(string references, string program)
    {
        Directory.CreateDirectory(Consumer);
        WriteNuGetConfig(Consumer);
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
                <RestorePackagesPath>{PackagesPath}</RestorePackagesPath>
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
