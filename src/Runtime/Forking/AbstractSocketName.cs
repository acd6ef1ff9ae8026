using System;
using System.Globalization;
using System.Security.Cryptography;

namespace SocketServer.Internal;

/// <summary>
/// Names in Linux's abstract socket namespace (a leading NUL: no file to create or remove), unique to this process and
/// unguessable, for the sockets Forking uses between a parent and its children.
/// </summary>
internal static class AbstractSocketName
{
    /// <summary>"\0socketserver-<paramref name="purpose"/>-PID-RANDOM".</summary>
    public static string Unique(string purpose) => string.Create(
        CultureInfo.InvariantCulture, $"\0socketserver-{purpose}-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}");
}
