using System;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SocketServer;
using SocketServer.Hosting;

// The convention for AddXxx methods: they show up wherever services are configured, with no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds SocketServer servers to a generic host.</summary>
public static class SocketServerServiceCollectionExtensions
{
    /// <summary>
    /// Runs a <typeparamref name="TServer"/> with the host. Registers <typeparamref name="TServer"/> as a singleton created
    /// by <see cref="SocketServerHostingOptions{TServer}.CreateServer"/> when the host starts, and a hosted service that:
    /// <list type="bullet">
    /// <item>on start, creates the server (a bind error fails the host's start with the runtime's message), sends its
    /// error reports to <c>ILogger</c> (<see cref="SocketServerHostingOptions{TServer}.UseLogger"/>), logs
    /// "Listening on …", and runs <see cref="BaseServer.ServeForeverAsync(TimeSpan, System.Threading.CancellationToken)"/>;
    /// if the loop fails, it logs a critical error and stops the application;</item>
    /// <item>on stop, calls <see cref="BaseServer.Shutdown"/> (no new request starts) and <see cref="BaseServer.ServerClose"/>
    /// (the listener closes), waits up to <see cref="SocketServerHostingOptions{TServer}.DrainTimeout"/> for running requests,
    /// cuts the connections still running (<see cref="BaseServer.AbortActiveRequests"/>, logged as a warning), waits for
    /// the close, and disposes the server; it never holds the host past the host's own shutdown timeout.</item>
    /// </list>
    /// The hosted service type is internal: this method is the way to use it. No reflection is involved (NativeAOT-safe).
    /// </summary>
    /// <remarks>
    /// Add several server types to run several servers in one host; each type is one server (declare another
    /// <c>[SocketServer]</c> partial type for a second server of the same kind). Calling it again for the same type adds
    /// one more <paramref name="configure"/> step and nothing else.
    /// </remarks>
    /// <example>
    /// <code>
    /// builder.Services.AddSocketServer&lt;EchoServer&gt;(options =&gt;
    /// {
    ///     options.CreateServer = _ =&gt; new EchoServer("0.0.0.0", 9999);
    ///     options.DrainTimeout = TimeSpan.FromSeconds(10);
    /// });
    /// </code>
    /// </example>
    /// <typeparam name="TServer">The server type, typically a <c>[SocketServer(...)]</c> partial class.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options; it must set <see cref="SocketServerHostingOptions{TServer}.CreateServer"/>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddSocketServer<TServer>(this IServiceCollection services, Action<SocketServerHostingOptions<TServer>> configure)
        where TServer : BaseServer
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SocketServerHostingOptions<TServer>>().Configure(configure);

        // Factories rather than types to construct: the container never needs reflection over constructors.
        services.TryAddSingleton(static provider => SocketServerHostedService<TServer>.CreateServer(provider));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SocketServerHostedService<TServer>>(
            static provider => new SocketServerHostedService<TServer>(provider)));
        return services;
    }
}
