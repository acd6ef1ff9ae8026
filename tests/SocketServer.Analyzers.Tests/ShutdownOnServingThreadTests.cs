using SocketServer.Analyzers.CodeFixes;
using SocketServer.Analyzers.Rules;

namespace SocketServer.Analyzers.Tests;

/// <summary>SSA001: Shutdown() on the serving thread, however the server is reached.</summary>
public class ShutdownOnServingThreadTests
{
    private static Task Analyze(string source) => Verify.AnalyzerAsync<ShutdownOnServingThreadAnalyzer>(source);

    private static string SyncServerWith(string handlerBody) => $$"""
        public sealed class H : StreamRequestHandler
        {
        {{handlerBody}}
        }

        public static class Program
        {
            public static void Main()
            {
                using var server = new TcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new H());
                server.ServeForever();
            }
        }
        """;

    [Fact]
    public Task Server_Shutdown_in_Handle_of_a_synchronous_server() =>
        Analyze(SyncServerWith("    public override void Handle() => {|SSA001:Server.Shutdown()|};"));

    [Fact]
    public Task This_Server_Shutdown() =>
        Analyze(SyncServerWith("    public override void Handle() { {|SSA001:this.Server.Shutdown()|}; }"));

    [Fact]
    public Task A_cast_of_the_server() =>
        Analyze(SyncServerWith("    public override void Handle() { {|SSA001:((TcpServer)Server).Shutdown()|}; }"));

    [Fact]
    public Task A_local_holding_the_server() =>
        Analyze(SyncServerWith("    public override void Finish() { var server = Server; {|SSA001:server.Shutdown()|}; }"));

    [Fact]
    public Task A_field_holding_the_server() =>
        Analyze(SyncServerWith("""
                private BaseServer? _server;
                public override void Setup() { base.Setup(); _server = Server; }
                public override void Handle() { {|SSA001:_server!.Shutdown()|}; }
            """));

    [Fact]
    public Task A_method_of_the_handler_that_Handle_calls() =>
        Analyze(SyncServerWith("""
                public override void Handle() { if (RFile.ReadLine().Length == 0) { Stop(); } }
                private void Stop() => Quit();
                private void Quit() { {|SSA001:Server.Shutdown()|}; }
            """));

    [Fact]
    public Task A_handler_named_in_the_attribute() =>
        Analyze("""
            [SocketServer(Tcp, Handler = typeof(H))]
            public partial class S;

            public sealed class H : StreamRequestHandler
            {
                public override void Handle() => {|SSA001:Server.Shutdown()|};
            }
            """);

    [Fact]
    public Task An_async_handler_of_a_synchronous_server() =>
        Analyze("""
            [SocketServer(Tcp, Handler = typeof(H))]
            public partial class S;

            public sealed class H : AsyncStreamRequestHandler
            {
                public override Task HandleAsync(CancellationToken cancellationToken)
                {
                    {|SSA001:Server.Shutdown()|};
                    return Task.CompletedTask;
                }
            }
            """);

    [Fact]
    public Task ServiceActions_and_HandleTimeout_overrides_run_on_the_serving_thread() =>
        Analyze("""
            public sealed class S : ThreadingTcpServer
            {
                public S() : base(new IPEndPoint(IPAddress.Loopback, 0), () => new Echo()) { }
                public bool Done { get; set; }
                public override void ServiceActions() { if (Done) { {|SSA001:Shutdown()|}; } }
                public override void HandleTimeout() => {|SSA001:this.Shutdown()|};
            }

            public sealed class Echo : StreamRequestHandler { }
            """);

    [Fact]
    public Task FinishRequest_of_a_synchronous_server_runs_on_the_serving_thread() =>
        Analyze("""
            public sealed class S() : TcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new Echo())
            {
                public override void FinishRequest(object request, EndPoint? clientAddress)
                {
                    base.FinishRequest(request, clientAddress);
                    {|SSA001:Shutdown()|};
                }
            }

            public sealed class Echo : StreamRequestHandler { }
            """);

    [Fact]
    public async Task A_Forking_servers_handler_gets_its_own_message()
    {
        var expected = Verify.Diagnostic("SSA001").WithLocation(0).WithMessage(
            "'Handle' calls Shutdown() in a handler of Forking server 'S': the handler runs in a child process where nothing serves, so Shutdown() stops nothing (Python blocks forever; the runtime throws InvalidOperationException); stop the server from the parent process");
        await Verify.AnalyzerAsync<ShutdownOnServingThreadAnalyzer>(
            """
            [SocketServer(UnixStream, Forking, Handler = typeof(H))]
            public partial class S;

            public sealed class H : StreamRequestHandler
            {
                public override void Handle() => {|#0:Server.Shutdown()|};
            }
            """,
            expected);
    }

    [Fact]
    public Task Not_in_a_Threading_or_Async_servers_handler() =>
        Analyze("""
            [SocketServer(Tcp, Threading, Handler = typeof(H))]
            public partial class Threaded { public bool DaemonThreads => true; }

            [SocketServer(Tcp, Async, Handler = typeof(H))]
            public partial class Asynchronous;

            public sealed class H : StreamRequestHandler
            {
                public override void Handle() => Server.Shutdown();
            }

            public static class Program
            {
                public static void Main() => new ThreadingUdpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new D()).Dispose();
            }

            public sealed class D : DatagramRequestHandler
            {
                public override void Handle() => Server.Shutdown();
            }
            """);

    [Fact]
    public Task Not_when_another_thread_calls_it() =>
        Analyze(SyncServerWith("""
                private Timer? _timer;
                public override void Handle()
                {
                    _ = Task.Run(() => Server.Shutdown());
                    ThreadPool.QueueUserWorkItem(_ => Server.Shutdown());
                    _timer = new Timer(_ => Server.Shutdown(), null, 1000, System.Threading.Timeout.Infinite);
                    new Thread(delegate () { Server.Shutdown(); }).Start();
                }
            """));

    [Fact]
    public Task Not_in_a_method_the_request_path_never_calls() =>
        Analyze(SyncServerWith("""
                public override void Handle() { }
                public void StopLater() => Server.Shutdown();
            """));

    [Fact]
    public Task Not_outside_handlers_and_server_steps() =>
        Analyze("""
            public static class Program
            {
                public static void Main()
                {
                    using var server = new TcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new H());
                    server.Shutdown();
                }
            }

            public sealed class H : StreamRequestHandler { }

            public sealed class S() : ThreadingTcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new H())
            {
                public override void FinishRequest(object request, EndPoint? clientAddress) => Shutdown();
            }
            """);

    [Fact]
    public Task A_pragma_suppresses_it() =>
        Analyze(SyncServerWith("""
                public override void Handle()
                {
            #pragma warning disable SSA001 // the test stops its server from its only request
                    Server.Shutdown();
            #pragma warning restore SSA001
                }
            """));

    [Fact]
    public async Task The_message_says_to_discard_ShutdownAsync_on_the_receiver_written()
    {
        await Verify.AnalyzerAsync<ShutdownOnServingThreadAnalyzer>(
            SyncServerWith("    public override void Handle() { var server = Server; {|#0:server.Shutdown()|}; }"),
            Verify.Diagnostic("SSA001").WithLocation(0).WithMessage(
                "'Handle' calls Shutdown() in a handler of synchronous server 'TcpServer', whose requests run on the thread that runs ServeForever(): " +
                "Shutdown() would wait for that loop, that is for itself (the runtime throws InvalidOperationException); " +
                "write '_ = server.ShutdownAsync();' instead: it asks the loop to stop after this request and does not wait (do not wait on or await its task here)"));
        await Verify.AnalyzerAsync<ShutdownOnServingThreadAnalyzer>(
            """
            public sealed class S() : TcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new Echo())
            {
                public bool Done { get; set; }
                public override void ServiceActions() { if (Done) { {|#0:Shutdown()|}; } }
            }

            public sealed class Echo : StreamRequestHandler { }
            """,
            Verify.Diagnostic("SSA001").WithLocation(0).WithMessage(
                "'ServiceActions' calls Shutdown() from ServiceActions() of 'S', which runs on the thread that runs ServeForever(): it would wait for itself " +
                "(the runtime throws InvalidOperationException); write '_ = ShutdownAsync();' instead: it asks the loop to stop and does not wait (do not wait on its task here)"));
    }

    [Fact]
    public Task Not_for_ShutdownAsync_whose_task_is_discarded() =>
        Analyze(SyncServerWith("    public override void Handle() => _ = Server.ShutdownAsync();"));

    [Fact]
    public Task The_fix_calls_ShutdownAsync_without_waiting_and_fixes_all() =>
        Verify.CodeFixAsync<ShutdownOnServingThreadAnalyzer, UseShutdownAsyncCodeFixProvider>(
            """
            public sealed class H : StreamRequestHandler
            {
                public override void Handle()
                {
                    {|SSA001:Server.Shutdown()|}; // stop after this request
                }

                public override void Finish() => {|SSA001:((TcpServer)Server).Shutdown()|};
            }

            [SocketServer(Tcp, Handler = typeof(H))]
            public partial class S;

            public sealed class T() : TcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new H())
            {
                public override void ServiceActions() => {|SSA001:Shutdown()|};
            }
            """,
            """
            public sealed class H : StreamRequestHandler
            {
                public override void Handle()
                {
                    _ = Server.ShutdownAsync(); // stop after this request
                }

                public override void Finish() => _ = ((TcpServer)Server).ShutdownAsync();
            }

            [SocketServer(Tcp, Handler = typeof(H))]
            public partial class S;

            public sealed class T() : TcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new H())
            {
                public override void ServiceActions() => _ = ShutdownAsync();
            }
            """);

    /// <summary>In a Forking child nothing serves: ShutdownAsync() would fault too, so no fix is offered.</summary>
    [Fact]
    public Task No_fix_in_a_Forking_servers_handler() =>
        Verify.CodeFixAsync<ShutdownOnServingThreadAnalyzer, UseShutdownAsyncCodeFixProvider>(
            """
            [SocketServer(UnixStream, Forking, Handler = typeof(H))]
            public partial class S;

            public sealed class H : StreamRequestHandler
            {
                public override void Handle() => {|SSA001:Server.Shutdown()|};
            }
            """,
            """
            [SocketServer(UnixStream, Forking, Handler = typeof(H))]
            public partial class S;

            public sealed class H : StreamRequestHandler
            {
                public override void Handle() => {|SSA001:Server.Shutdown()|};
            }
            """);
}
