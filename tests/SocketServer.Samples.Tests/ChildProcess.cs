using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SocketServer.Samples.Tests;

/// <summary>A program under test: stdout read line by line with a bound, stopped with a real signal.</summary>
public sealed partial class ChildProcess : IDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    private readonly Process _process;
    private readonly bool _ownProcessGroup;
    private readonly BlockingCollection<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ChildProcess(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool ownProcessGroup = false, string? workingDirectory = null)
    {
        if (ownProcessGroup)
        {
            // setsid(1) makes the program the leader of a new session and process group, then execs it in place
            // (same pid): everything it starts, even what outlives it, stays in that group.
            arguments = [fileName, .. arguments];
            fileName = "setsid";
        }

        _ownProcessGroup = ownProcessGroup;
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdout.CompleteAdding();
            }
            else
            {
                _stdout.Add(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                    Monitor.PulseAll(_stderr);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return string.Join(Environment.NewLine, _stderr);
            }
        }
    }

    /// <summary>Waits (bounded) until a line of standard error contains <paramref name="text"/>, and returns that line.</summary>
    public string WaitForStandardError(string text, string what)
    {
        var clock = Stopwatch.StartNew();
        lock (_stderr)
        {
            while (true)
            {
                if (_stderr.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } found)
                {
                    return found;
                }

                TimeSpan left = TimeSpan.FromMinutes(2) - clock.Elapsed;
                Assert.True(left > TimeSpan.Zero && !_process.HasExited, $"Gave up waiting for {what} on standard error:\n{string.Join('\n', _stderr)}");
                Monitor.Wait(_stderr, TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, 1000)));
            }
        }
    }

    /// <summary>The path of a program built in this repository: <c>FOLDER/bin/CONFIG/net10.0/ASSEMBLY.dll</c>.</summary>
    public static string BuiltPath(string projectFolder, string assemblyName)
    {
        string dll = InRepository(projectFolder, "bin", BuildMetadata("Configuration"), "net10.0", assemblyName + ".dll");
        Assert.True(File.Exists(dll), $"The program is not built: {dll}");
        return dll;
    }

    /// <summary>A path in this repository's working tree.</summary>
    public static string InRepository(params string[] parts) => Path.Combine([BuildMetadata("RepositoryRoot"), .. parts]);

    private static string BuildMetadata(string key) =>
        typeof(ChildProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>Runs a built sample: <c>dotnet samples/NAME/bin/CONFIG/net10.0/NAME.dll ARGS</c>.</summary>
    public static ChildProcess Sample(string name, params string[] arguments) => Built(Path.Combine("samples", name), name, arguments);

    /// <summary>Runs a program built in this repository: <c>dotnet FOLDER/bin/CONFIG/net10.0/ASSEMBLY.dll ARGS</c>.</summary>
    public static ChildProcess Built(string projectFolder, string assemblyName, params string[] arguments) =>
        Built(projectFolder, assemblyName, null, arguments);

    /// <summary>Runs a program built in this repository with extra environment variables.</summary>
    public static ChildProcess Built(string projectFolder, string assemblyName, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        => new(DotNet, [BuiltPath(projectFolder, assemblyName), .. arguments], environment);

    /// <summary>
    /// Runs a program built in this repository as the leader of its own process group (its pid is the group's id), so
    /// <see cref="Dispose"/> also ends every process it started, even one whose parent already exited.
    /// </summary>
    public static ChildProcess BuiltInOwnProcessGroup(string projectFolder, string assemblyName, params string[] arguments)
        => new(DotNet, [BuiltPath(projectFolder, assemblyName), .. arguments], ownProcessGroup: true);

    /// <summary><see cref="BuiltInOwnProcessGroup(string, string, string[])"/> with extra environment variables.</summary>
    public static ChildProcess BuiltInOwnProcessGroup(string projectFolder, string assemblyName, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        => new(DotNet, [BuiltPath(projectFolder, assemblyName), .. arguments], environment, ownProcessGroup: true);

    /// <summary>
    /// Runs a program in <paramref name="workingDirectory"/> as the leader of its own process group, with extra
    /// environment variables: <see cref="Dispose"/> ends everything it started.
    /// </summary>
    public static ChildProcess InOwnProcessGroup(string workingDirectory, IReadOnlyDictionary<string, string> environment, string fileName, params string[] arguments)
        => new(fileName, arguments, environment, ownProcessGroup: true, workingDirectory);

    /// <summary>The dotnet host that runs the tests.</summary>
    public static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public int Id => _process.Id;

    /// <summary>Writes a line to the program's standard input.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Reads lines until one matches, and returns it; fails after the bound.</summary>
    public string ReadUntil(Func<string, bool> wanted, string what)
    {
        while (true)
        {
            string line = ReadLine();
            if (wanted(line))
            {
                return line;
            }
        }
    }

    public static ChildProcess Python(params string[] arguments) => new("python3", ["-u", .. arguments]);

    public static ChildProcess Start(string fileName, params string[] arguments) => new(fileName, arguments);

    /// <summary>Runs a program in <paramref name="workingDirectory"/> (e.g. <c>dotnet tool run</c>, which finds the tool manifest from there).</summary>
    public static ChildProcess StartIn(string workingDirectory, string fileName, params string[] arguments) => new(fileName, arguments, workingDirectory: workingDirectory);

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    public static (int ExitCode, string[] Output, string Errors) Run(ChildProcess process)
    {
        using (process)
        {
            int exitCode = process.WaitForExit();
            return (exitCode, process.RemainingLines(), process.StandardError);
        }
    }

    public string ReadLine()
    {
        Assert.True(_stdout.TryTake(out string? line, Limit), $"No output line within {Limit}. stderr: {StandardError}");
        return line!;
    }

    /// <summary>The server's endpoint from its first line, <c>listening on HOST:PORT</c>.</summary>
    public int ReadListeningPort()
    {
        string line = ReadLine();
        Assert.StartsWith("listening on ", line);
        return int.Parse(line[(line.LastIndexOf(':') + 1)..]);
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    public int WaitForExit()
    {
        Assert.True(_process.WaitForExit(Limit), $"The process did not exit within {Limit}. stderr: {StandardError}");

        // Drains the redirected streams, which a process it started may still hold open: bounded.
        Assert.True(Task.Run(() => _process.WaitForExit()).Wait(TimeSpan.FromSeconds(30)), "The process exited but something it started still holds its output open.");
        return _process.ExitCode;
    }

    /// <summary>
    /// Waits at most <paramref name="limit"/> for the program to end, then kills what is left of its process group
    /// (the program itself if it is still running); returns its exit code, or null if it had to be killed.
    /// </summary>
    public int? WaitForExitWithin(TimeSpan limit)
    {
        bool exited = _process.WaitForExit(limit);
        KillProcessGroup();
        Assert.True(Task.Run(() => _process.WaitForExit()).Wait(TimeSpan.FromSeconds(30)), "The process group was killed but its output is still held open.");
        return exited ? _process.ExitCode : null;
    }

    public string[] RemainingLines() => [.. _stdout.GetConsumingEnumerable()];

    /// <summary>Sends SIGKILL to every process of the program's process group (see <see cref="BuiltInOwnProcessGroup"/>).</summary>
    public void KillProcessGroup()
    {
        Assert.True(_ownProcessGroup, "The program was not started in its own process group.");
        _ = Kill(-_process.Id, Signals.SIGKILL); // ESRCH: the group is already empty
    }

    public void Dispose()
    {
        if (_ownProcessGroup)
        {
            KillProcessGroup();
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [LibraryImport("libc.so.6", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

public static class Signals
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
}
