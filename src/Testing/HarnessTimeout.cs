using System;

namespace SocketServer.Testing;

/// <summary>The rule both harnesses apply to their <c>Timeout</c> setting.</summary>
internal static class HarnessTimeout
{
    /// <summary>Returns <paramref name="value"/> if it is zero or positive, or infinite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than infinite).</exception>
    public static TimeSpan Validate(TimeSpan value) =>
        value < TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan
            ? throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout is zero or positive, or Timeout.InfiniteTimeSpan.")
            : value;
}
