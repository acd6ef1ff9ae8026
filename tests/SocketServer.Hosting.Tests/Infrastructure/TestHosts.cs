using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SocketServer.Hosting.Tests;

/// <summary>Real generic hosts, as applications build them, with every log entry captured.</summary>
public static class TestHosts
{
    public static IHost Build(TestLogs logs, Action<IServiceCollection> configure)
    {
        // The empty builder: no configuration files or environment variables, so nothing on the machine changes a test.
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        configure(builder.Services);
        return builder.Build();
    }

    /// <summary>The category the hosted service and its error log use: the server type's full name.</summary>
    public static string Category<TServer>() => typeof(TServer).FullName!;
}
