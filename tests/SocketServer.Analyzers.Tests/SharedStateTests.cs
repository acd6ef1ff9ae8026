using SocketServer.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace SocketServer.Analyzers.Tests;

/// <summary>SSA003 (Forking) and SSA006 (Threading): handlers writing state other requests share.</summary>
public class SharedStateTests
{
    private const string Support = """

        public sealed class CountingServer(EndPoint address, Func<BaseRequestHandler> handlers) : ForkingTcpServer(address, handlers)
        {
            public int Hits;
        }

        public sealed class CountingThreadingServer(EndPoint address, Func<BaseRequestHandler> handlers) : ThreadingTcpServer(address, handlers)
        {
            public int Hits;
            public bool DaemonThreadsDecided => true;
        }
        """;

    [Fact]
    public Task SSA003_static_and_server_writes_in_a_Forking_handler() =>
        Verify.AnalyzerAsync<ForkingSharedStateAnalyzer>(
            """
            [SocketServer(Tcp, Forking, Handler = typeof(Counter))]
            public partial class S;

            public sealed class Counter : StreamRequestHandler
            {
                public static int Total;
                public static string? Last { get; set; }
                private int _mine;

                public override void Handle()
                {
                    {|#0:Total|}++;
                    {|#1:Last|} = "x";
                    {|#2:((CountingServer)Server).Hits|} += 1;
                    {|#3:Server.Timeout|} = TimeSpan.FromSeconds(1);
                    _mine++;
                    int local = 0;
                    local++;
                    Task.Run(() => Total = 5);
                }
            }
            """ + Support,
            Verify.Diagnostic("SSA003").WithLocation(0).WithArguments("Handle", "Counter.Total", "S", "Forking"),
            Verify.Diagnostic("SSA003").WithLocation(1).WithArguments("Handle", "Counter.Last", "S", "Forking"),
            Verify.Diagnostic("SSA003").WithLocation(2).WithArguments("Handle", "Server.Hits", "S", "Forking"),
            Verify.Diagnostic("SSA003").WithLocation(3).WithArguments("Handle", "Server.Timeout", "S", "Forking"));

    [Fact]
    public Task SSA003_through_a_factory_and_a_helper_method() =>
        Verify.AnalyzerAsync<ForkingSharedStateAnalyzer>(
            """
            public sealed class Counter : StreamRequestHandler
            {
                public static int Total;
                public override void Finish() { base.Finish(); Count(); }
                private static void Count() => {|#0:Total|} = Total + 1;
            }

            public static class Program
            {
                public static void Main() => new ForkingUdpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new Counter(), false).Dispose();
            }
            """,
            Verify.Diagnostic("SSA003").WithLocation(0).WithArguments("Count", "Counter.Total", "ForkingUdpServer", "Forking"));

    [Fact]
    public Task SSA003_not_for_Threading_or_Sync_handlers_and_a_pragma_suppresses_it() =>
        Verify.AnalyzerAsync<ForkingSharedStateAnalyzer>(
            """
            [SocketServer(Tcp, Threading, Handler = typeof(Counter))]
            public partial class Threaded { public bool DaemonThreads => true; }

            [SocketServer(Tcp, Handler = typeof(Counter))]
            public partial class Synchronous;

            [SocketServer(Tcp, Forking, Handler = typeof(Quiet))]
            public partial class Forked;

            public sealed class Counter : StreamRequestHandler
            {
                public static int Total;
                public override void Handle() => Total++;
            }

            public sealed class Quiet : StreamRequestHandler
            {
                public static int Total;
            #pragma warning disable SSA003 // counted per child on purpose
                public override void Handle() => Total++;
            #pragma warning restore SSA003
            }
            """);

    [Fact]
    public Task SSA006_unguarded_writes_in_a_Threading_handler() =>
        Verify.AnalyzerAsync<ThreadingSharedStateAnalyzer>(
            """
            [SocketServer(Tcp, Threading, Handler = typeof(Counter))]
            public partial class S { public bool DaemonThreads => true; }

            public sealed class Counter : StreamRequestHandler
            {
                public static int Total;
                public static long Bytes { get; set; }

                public override void Handle()
                {
                    {|#0:Total|}++;
                    {|#1:Bytes|} += 10;
                    {|#2:((CountingThreadingServer)Server).Hits|} = 3;
                }
            }
            """ + Support,
            Verify.Diagnostic("SSA006").WithLocation(0).WithArguments("Handle", "Counter.Total", "S", "Threading"),
            Verify.Diagnostic("SSA006").WithLocation(1).WithArguments("Handle", "Counter.Bytes", "S", "Threading"),
            Verify.Diagnostic("SSA006").WithLocation(2).WithArguments("Handle", "Server.Hits", "S", "Threading"));

    [Fact]
    public Task SSA006_unguarded_writes_in_an_Async_servers_async_handler() =>
        Verify.AnalyzerAsync<ThreadingSharedStateAnalyzer>(
            """
            [SocketServer(UnixStream, Async, Handler = typeof(Counter))]
            public partial class S;

            public sealed class Counter : AsyncStreamRequestHandler
            {
                public static int Total;

                public override async Task HandleAsync(CancellationToken cancellationToken)
                {
                    await RFile.ReadLineAsync(cancellationToken: cancellationToken);
                    {|#0:Total|}++;
                }
            }
            """,
            Verify.Diagnostic("SSA006").WithLocation(0).WithArguments("HandleAsync", "Counter.Total", "S", "Async"));

    [Fact]
    public Task SSA006_not_inside_lock_Lock_scopes_Interlocked_or_ThreadStatic() =>
        Verify.AnalyzerAsync<ThreadingSharedStateAnalyzer>(
            """
            [SocketServer(Tcp, Threading, Handler = typeof(Careful))]
            public partial class S { public bool DaemonThreads => true; }

            public sealed class Careful : StreamRequestHandler
            {
                private static readonly object Gate = new();
                private static readonly Lock Guard = new();
                public static int Total;
                [ThreadStatic] public static int PerThread;
                private int _mine;

                public override void Handle()
                {
                    lock (Gate) { Total++; }
                    using (Guard.EnterScope()) { Total += 2; }
                    Interlocked.Increment(ref Total);
                    PerThread++;
                    _mine++;
                    Add();
                }

                private static void Add()
                {
                    using var scope = Guard.EnterScope();
                    Total = Total + 1;
                }
            }
            """);

    [Fact]
    public Task SSA006_not_for_Sync_or_Forking_handlers_and_a_pragma_suppresses_it() =>
        Verify.AnalyzerAsync<ThreadingSharedStateAnalyzer>(
            """
            [SocketServer(Tcp, Handler = typeof(Counter))]
            public partial class Synchronous;

            [SocketServer(Udp, Forking, Handler = typeof(Packets))]
            public partial class Forked;

            [SocketServer(Tcp, Threading, Handler = typeof(Tolerated))]
            public partial class Threaded { public bool DaemonThreads => true; }

            public sealed class Counter : StreamRequestHandler
            {
                public static int Total;
                public override void Handle() => Total++;
            }

            public sealed class Packets : DatagramRequestHandler
            {
                public static int Total;
                public override void Handle() => Total++;
            }

            public sealed class Tolerated : StreamRequestHandler
            {
                public static int Approximate;
            #pragma warning disable SSA006 // an approximate count is fine
                public override void Handle() => Approximate++;
            #pragma warning restore SSA006
            }
            """);
}
