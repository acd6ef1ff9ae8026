using System;
using System.Globalization;
using System.Net;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// A Forking server's child process failed: it could not be started or take its request, or it ended other than by
/// returning (killed by a signal, crashed). Reported to the server's <c>HandleError</c>.
/// </summary>
public sealed class ChildProcessException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public ChildProcessException()
        : base("A Forking server's child process failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ChildProcessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure behind it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The failure behind it, if any.</param>
    public ChildProcessException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A child that ended abnormally while running a request.</summary>
    /// <param name="processId">The child's process id.</param>
    /// <param name="exitCode">Its exit code (128 + the signal number when a signal ended it).</param>
    /// <param name="clientAddress">The client of the request it was running.</param>
    public ChildProcessException(int processId, int exitCode, EndPoint? clientAddress)
        : base(Describe(processId, exitCode, clientAddress))
    {
        ProcessId = processId;
        ExitCode = exitCode;
    }

    /// <summary>The child's process id, when a running child failed.</summary>
    public int? ProcessId { get; }

    /// <summary>The child's exit code (128 + signal number when a signal ended it), when a running child failed.</summary>
    public int? ExitCode { get; }

    private static string Describe(int processId, int exitCode, EndPoint? clientAddress)
    {
        string how = exitCode > 128
            ? string.Create(CultureInfo.InvariantCulture, $"was ended by signal {exitCode - 128}")
            : string.Create(CultureInfo.InvariantCulture, $"exited with code {exitCode}");
        return string.Create(CultureInfo.InvariantCulture, $"Child process {processId} running the request from {EndPoints.Describe(clientAddress)} {how} before finishing it.");
    }
}
