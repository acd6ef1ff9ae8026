namespace SocketServer.Tests;

/// <summary>Short, unique Unix socket paths in a per-process temporary directory (sun_path holds 108 bytes).</summary>
public static class TempPaths
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"ssrt-{Environment.ProcessId}");

    public static string NewSocketPath()
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, Guid.NewGuid().ToString("N")[..12] + ".sock");
    }
}
