using System.Runtime.CompilerServices;

namespace SocketServer.Generators.Tests;

/// <summary>
/// The in-repo snapshot check, in the spirit of Verify (which this repository does not use): the expected text is checked in as
/// <c>Snapshots/NAME.verified.cs</c>. A missing or different snapshot fails the test and writes
/// <c>Snapshots/NAME.received.cs</c> beside it for review; <c>SNAPSHOT_ACCEPT=1 dotnet test ...</c> accepts the
/// received text instead.
/// </summary>
public static class Snapshot
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        string verified = Path.Combine(directory, name + ".verified.cs");
        string received = Path.Combine(directory, name + ".received.cs");
        string text = actual.Replace("\r\n", "\n").TrimStart('\uFEFF');

        if (Environment.GetEnvironmentVariable("SNAPSHOT_ACCEPT") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, text);
            File.Delete(received);
            return;
        }

        if (File.Exists(verified) && File.ReadAllText(verified).Replace("\r\n", "\n") == text)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, text);
        Assert.Fail(File.Exists(verified)
            ? $"The generated code for '{name}' differs from {verified}. Compare it with {received}; if the change is intended, accept it with SNAPSHOT_ACCEPT=1."
            : $"There is no snapshot for '{name}' yet. Review {received} and accept it with SNAPSHOT_ACCEPT=1.");
    }
}
