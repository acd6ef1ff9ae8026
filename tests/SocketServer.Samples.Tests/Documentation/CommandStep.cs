using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SocketServer.Samples.Tests.Documentation;

/// <summary>
/// One shell command run for a documented command: <c>bash -c</c> in its own process group (killed, with all it
/// started, when it ends or its bound runs out), its exit code, output and time. Every failure names the command,
/// the documented command it stands for and where the documentation shows it, and the tail of the output.
/// </summary>
internal sealed class CommandStep
{
    private const int TailLines = 40;

    private CommandStep(string command, string documentedAt, int exitCode, string[] output, string errors)
    {
        Command = command;
        DocumentedAt = documentedAt;
        ExitCode = exitCode;
        Output = output;
        Errors = errors;
    }

    public string Command { get; }

    public string DocumentedAt { get; }

    public int ExitCode { get; }

    public string[] Output { get; }

    public string Errors { get; }

    /// <summary>
    /// What every step runs with besides the test's own environment: no telemetry or banners, and no MSBuild nodes or
    /// build server left behind (the process group is killed at the end, and must not take a build of others with it).
    /// </summary>
    public static Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>Runs <paramref name="command"/> with bash in <paramref name="workingDirectory"/> (the repository by default) and checks its exit code.</summary>
    public static CommandStep Run(
        ITestOutputHelper log, string documentedAt, string command, TimeSpan limit, int expectedExit = 0,
        string? workingDirectory = null, Dictionary<string, string>? environment = null)
    {
        var clock = Stopwatch.StartNew();
        using ChildProcess process = ChildProcess.InOwnProcessGroup(
            workingDirectory ?? ChildProcess.InRepository(), environment ?? Environment(), "bash", "-c", command);
        int? exit = process.WaitForExitWithin(limit);
        var step = new CommandStep(command, documentedAt, exit ?? -1, process.RemainingLines(), process.StandardError);
        log.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  exit {exit?.ToString() ?? "(killed)"}  {command}");
        Assert.True(exit is not null, step.Failure($"did not finish within {limit.TotalSeconds:F0} s and was killed with its process group"));
        Assert.True(exit == expectedExit, step.Failure($"exited with {exit} after {clock.Elapsed.TotalSeconds:F1} s; expected {expectedExit}"));
        return step;
    }

    /// <summary>Checks that a line of standard output matches <paramref name="pattern"/>; returns the first such line.</summary>
    public string Prints(string pattern, string what)
    {
        string? line = Output.FirstOrDefault(l => Regex.IsMatch(l, pattern));
        Assert.True(line is not null, Failure($"printed no {what} (no line matches /{pattern}/)"));
        return line!;
    }

    /// <summary>Checks that no line of standard output matches <paramref name="pattern"/>.</summary>
    public void DoesNotPrint(string pattern, string what)
    {
        string? line = Output.FirstOrDefault(l => Regex.IsMatch(l, pattern));
        Assert.True(line is null, Failure($"printed {what}: {line}"));
    }

    /// <summary>A failure message: the command, what it stands for, what went wrong, and the end of its output.</summary>
    public string Failure(string what) =>
        $"`{Command}` (for {DocumentedAt}) {what}.\n" +
        $"--- standard output, last {TailLines} lines ---\n{string.Join('\n', Output.TakeLast(TailLines))}\n" +
        $"--- standard error, last {TailLines} lines ---\n{string.Join('\n', Errors.Split('\n').TakeLast(TailLines))}";
}
