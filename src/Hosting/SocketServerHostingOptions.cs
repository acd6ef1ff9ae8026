using System;
using System.Threading;

namespace SocketServer.Hosting;

/// <summary>
/// How the generic host creates, runs and stops one server type: set in
/// <see cref="Microsoft.Extensions.DependencyInjection.SocketServerServiceCollectionExtensions.AddSocketServer{TServer}"/>,
/// or with <c>services.Configure&lt;SocketServerHostingOptions&lt;TServer&gt;&gt;(...)</c> like any options type.
/// </summary>
/// <typeparam name="TServer">The server type these options are for; each server type in a host has its own.</typeparam>
public sealed class SocketServerHostingOptions<TServer>
    where TServer : BaseServer
{
    private TimeSpan _drainTimeout = TimeSpan.FromSeconds(30);
    private TimeSpan _pollInterval = BaseServer.DefaultPollInterval;

    /// <summary>
    /// Creates the server, bound and listening, when the host starts (required). The host calls it once, from
    /// <c>StartAsync</c>, so a bind error (an address in use, a bad host name) stops the host from starting with the
    /// runtime's message; the server is then a singleton that can be injected, for example to read its
    /// <see cref="BaseServer.ServerAddress"/>.
    /// </summary>
    /// <example>
    /// <code>options.CreateServer = services =&gt; new EchoServer("0.0.0.0", 9999);</code>
    /// </example>
    public Func<IServiceProvider, TServer>? CreateServer { get; set; }

    /// <summary>
    /// How long stopping the host lets running requests finish after the server stops accepting, before it cuts their
    /// connections (<see cref="BaseServer.AbortActiveRequests"/>) and logs a warning. 30 seconds by default;
    /// <see cref="TimeSpan.Zero"/> cuts them at once; <see cref="Timeout.InfiniteTimeSpan"/> waits for as long as the
    /// host's own shutdown timeout (<c>HostOptions.ShutdownTimeout</c>) allows. Keep it below that timeout, or the host
    /// gives up first and the connections are cut then.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan DrainTimeout
    {
        get => _drainTimeout;
        set => _drainTimeout = ValidTimeSpan(value, nameof(DrainTimeout));
    }

    /// <summary>
    /// How often the serving loop runs <see cref="BaseServer.ServiceActions"/> while no request arrives (the
    /// <c>pollInterval</c> of <see cref="BaseServer.ServeForeverAsync(TimeSpan, CancellationToken)"/>):
    /// <see cref="BaseServer.DefaultPollInterval"/> by default. It does not delay stopping: the loop is woken at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        set => _pollInterval = ValidTimeSpan(value, nameof(PollInterval));
    }

    /// <summary>
    /// Whether to replace the server's <see cref="BaseServer.ErrorLog"/> (standard error, as in Python) with a
    /// <see cref="LoggerServerErrorLog"/> writing to the <c>ILogger</c> whose category is the server type's full name.
    /// <see langword="true"/> by default; set it to <see langword="false"/> to keep an error log the server sets itself.
    /// </summary>
    public bool UseLogger { get; set; } = true;

    private static TimeSpan ValidTimeSpan(TimeSpan value, string name) =>
        value >= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} is zero or positive, or Timeout.InfiniteTimeSpan.");
}
