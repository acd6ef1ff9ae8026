namespace SocketServer.Tests;

/// <summary>
/// Runs <see cref="BaseServer.ServeForever(TimeSpan)"/> on a dedicated thread; disposing shuts the loop down,
/// joins it and closes the server (and removes a Unix socket file).
/// </summary>
public sealed class Serving : IDisposable
{
    private readonly BaseServer _server;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _started = new();

    private Serving(BaseServer server, TimeSpan pollInterval)
    {
        _server = server;
        _thread = new Thread(() =>
        {
            _started.Set();
            try
            {
                server.ServeForever(pollInterval);
            }
            catch (Exception e)
            {
                LoopException = e;
            }
        })
        {
            Name = "test serve_forever",
            IsBackground = true,
        };
        _thread.Start();
        Bounded.Wait(_started, "the serving thread to start");
    }

    public Thread Thread => _thread;

    public Exception? LoopException { get; private set; }

    public static Serving Start(BaseServer server) => new(server, BaseServer.DefaultPollInterval);

    public static Serving Start(BaseServer server, TimeSpan pollInterval) => new(server, pollInterval);

    /// <summary>Waits for ServeForever to return on its own (after Shutdown or ServerClose from elsewhere).</summary>
    public void Join() => Bounded.Join(_thread, "ServeForever to return");

    public void Dispose()
    {
        if (_thread.IsAlive)
        {
            Task shutdown = Task.Run(_server.Shutdown);
            Bounded.Wait(shutdown, "Shutdown()");
            Join();
        }

        _server.ServerClose();
        Servers.RemoveSocketFile(_server);
        Assert.Null(LoopException);
    }
}
