using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace SocketServer.Internal;

/// <summary>
/// Starts a Forking child: the program started again (same executable, same arguments) with an invitation in its
/// environment. The only place the Forking mix-in starts a process, and it refuses to in a child process: a child
/// serves one request and exits. Every child is the program run again, so a child that started children would have
/// each of them start their own, without end.
/// </summary>
internal static class ChildLauncher
{
    /// <summary>The runtime's switch for dynamic PGO, which children run with off unless the program's environment sets it.</summary>
    public const string TieredPgoVariable = "DOTNET_TieredPGO";

    /// <summary>Starts the program again, invited by <paramref name="invitation"/>.</summary>
    /// <exception cref="InvalidOperationException">Called in a Forking child process.</exception>
    /// <exception cref="ChildProcessException">The program could not be started.</exception>
    public static Process Start(ForkingChild.Invitation invitation)
    {
        if (ForkingChild.IsChild)
        {
            throw new InvalidOperationException(
                $"Refused to start a child process from Forking child process {Environment.ProcessId}: a Forking child serves the one " +
                "request its parent handed it and exits; it never starts children. Each child is the program started again, so a " +
                "child that started children would have every one of them start more, without end.");
        }

        string processPath = Environment.ProcessPath
            ?? throw new ChildProcessException("The program's executable path is unknown, so no child process can run it again.", null);
        string[] arguments = Environment.GetCommandLineArgs();
        var start = new ProcessStartInfo(processPath) { UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(arguments[0]);
        }

        foreach (string argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[ForkingChild.InvitationVariable] = invitation.Encode();

        // A child serves one request and exits, so the instrumented code of dynamic PGO (which pays off only when
        // methods are recompiled in a long-running process) is pure cost in it: about 15 ms of CPU per child here.
        // A program that sets the variable itself keeps its own value.
        if (!start.Environment.ContainsKey(TieredPgoVariable))
        {
            start.Environment[TieredPgoVariable] = "0";
        }
        try
        {
            return Process.Start(start) ?? throw new ChildProcessException($"Starting '{processPath}' for a child process returned nothing.", null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ChildProcessException($"Could not start a child process ('{processPath}'): {e.Message}", e);
        }
    }
}
