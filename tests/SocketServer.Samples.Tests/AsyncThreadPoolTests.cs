using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace SocketServer.Samples.Tests;

/// <summary>
/// An Async server's requests hold no thread: under sustained load from many connections its process keeps the thread
/// pool near its minimum, instead of letting the pool's hill-climbing add workers that nothing needs.
/// </summary>
public class AsyncThreadPoolTests(ITestOutputHelper output)
{
    private const int Connections = 64;
    private const int MessagesPerConnection = 1_500;
    private const int ReconnectEvery = 500;

    [Fact]
    public async Task An_async_echo_under_load_keeps_its_thread_pool_workers_near_the_minimum()
    {
        using ChildProcess server = ChildProcess.Sample("Echo", "--transport", "tcp", "--concurrency", "async", "--host", "127.0.0.1", "--port", "0");
        var endPoint = new IPEndPoint(IPAddress.Loopback, server.ReadListeningPort());
        using var sampler = new ThreadSampler(server.Id);

        await Task.WhenAll(Enumerable.Range(0, Connections).Select(i => EchoAsync(endPoint, new Random(i)))).WaitAsync(TimeSpan.FromMinutes(5));
        long echoed = Connections * (long)MessagesPerConnection;

        int peak = sampler.Stop();
        output.WriteLine($"peak thread-pool workers: {peak}");

        // The pool starts Environment.ProcessorCount workers, and its starvation detection may add one now and then on a
        // loaded machine. Measured on 2 cores: a peak of 2 in every run; with hill-climbing on (the package turns it off),
        // 5 to 11.
        int bound = Environment.ProcessorCount + 2;
        Assert.True(
            peak <= bound,
            $"The Async server's thread pool grew to {peak} workers (bound {bound}) while echoing {echoed} messages on {Connections} connections; " +
            "something in the request path blocks pool threads, or hill-climbing is on (check System.Threading.ThreadPool.HillClimbing.Disable in Echo.runtimeconfig.json).");
    }

    /// <summary>Echoes messages of 32 to 4,096 bytes, every byte checked, reconnecting every <see cref="ReconnectEvery"/> messages.</summary>
    private static async Task EchoAsync(EndPoint endPoint, Random random)
    {
        var message = new byte[4096];
        var reply = new byte[4096];
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        for (int sent = 0; sent < MessagesPerConnection;)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endPoint, bound.Token);
            for (int i = 0; i < ReconnectEvery && sent < MessagesPerConnection; i++, sent++)
            {
                await StreamClients.EchoRandomAsync(socket, random, message, reply, random.Next(32, message.Length + 1), bound.Token);
            }
        }
    }

    /// <summary>Counts a process's thread-pool workers (threads named ".NET TP Worker") every 50 ms and keeps the peak.</summary>
    private sealed class ThreadSampler : IDisposable
    {
        private readonly int _pid;
        private readonly Thread _thread;
        private volatile bool _stopping;
        private int _peak;

        public ThreadSampler(int pid)
        {
            _pid = pid;
            _thread = new Thread(Run) { IsBackground = true, Name = "thread sampler" };
            _thread.Start();
        }

        public int Stop()
        {
            _stopping = true;
            _thread.Join();
            return _peak;
        }

        public void Dispose()
        {
            _stopping = true;
            _thread.Join();
        }

        private void Run()
        {
            using var tick = new ManualResetEventSlim();
            while (!_stopping)
            {
                _peak = Math.Max(_peak, CountWorkers());
                tick.Wait(TimeSpan.FromMilliseconds(50));
            }
        }

        private int CountWorkers()
        {
            int workers = 0;
            try
            {
                foreach (string task in Directory.GetDirectories($"/proc/{_pid}/task"))
                {
                    try
                    {
                        if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET TP Worker", StringComparison.Ordinal))
                        {
                            workers++;
                        }
                    }
                    catch (IOException)
                    {
                        // The thread ended while we looked.
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
                // The process ended; the test reports why.
            }

            return workers;
        }
    }
}
