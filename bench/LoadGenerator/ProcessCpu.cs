// CPU time of a process (user + system), for the figures of CPU per request: /proc/PID/stat for the server, the
// runtime's own count for the load generator.
using System.Diagnostics;
using System.Globalization;

internal static class ProcessCpu
{
    /// <summary>Clock ticks per second of /proc's times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds of process <paramref name="pid"/> and its reaped children so far; 0 when there is none to read.</summary>
    public static double Seconds(int pid)
    {
        if (pid <= 0 || !File.Exists($"/proc/{pid}/stat"))
        {
            return 0;
        }

        // The command name (field 2) may hold spaces: the fields counted from after its closing parenthesis, 3 onwards.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int number) => double.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return (Field(14) + Field(15) + Field(16) + Field(17)) / TicksPerSecond; // utime, stime, cutime, cstime
    }

    public static double OwnSeconds()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }
}
