namespace SocketServer.Analyzers.Tests.Fuzzing;

/// <summary>
/// Valid files the fuzz mutates. Together they cover every transport and concurrency, user mix-ins, handlers
/// (sync and async, stream and datagram), explicit base classes, nested and generic server types, user-declared
/// settings, and the code the analyzers look at (handler factories, Shutdown() calls, shared-state writes, locks,
/// DaemonThreads assignments), so that mutations reach every branch of the generator's parser and of each rule.
/// </summary>
public static class FuzzSeeds
{
    private const string Usings = """
        using System;
        using System.Net;
        using System.Threading;
        using System.Threading.Tasks;
        using SocketServer;
        using static SocketServer.Concurrency;
        using static SocketServer.Transport;

        """;

    /// <summary>Each seed is one whole file; each compiles without errors once the generator has run.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Usings + """
            namespace Shop;

            public sealed class LoggingMixIn : ServerMixIn
            {
                public int Seen { get; private set; }

                public override void ProcessRequest(object request, EndPoint? clientAddress)
                {
                    Seen++;
                    base.ProcessRequest(request, clientAddress);
                }
            }

            public sealed class AllowListMixIn : ServerMixIn
            {
                public override bool VerifyRequest(object request, EndPoint? clientAddress) =>
                    clientAddress is IPEndPoint endPoint && IPAddress.IsLoopback(endPoint.Address);
            }

            public sealed class EchoHandler : StreamRequestHandler
            {
                private static readonly Lock Gate = new();
                private static int _served;

                public override void Handle()
                {
                    lock (Gate)
                    {
                        _served++;
                    }

                    WFile.Write(RFile.ReadLine());
                }
            }

            [SocketServer(Tcp, Threading, typeof(LoggingMixIn), typeof(AllowListMixIn), Handler = typeof(EchoHandler))]
            public partial class GuardedServer
            {
                public bool DaemonThreads => true;

                public int MaxConnections => 64;
            }

            public static class Program
            {
                public static void Stop(GuardedServer server) => _ = Task.Run(() => server.Shutdown());
            }
            """,
        Usings + """
            namespace Shop.Datagrams
            {
                public sealed class UpperHandler : DatagramRequestHandler
                {
                    public static int Count;

                    public override void Handle()
                    {
                        Count++;
                        WFile.Write(Packet);
                        Server.Shutdown();
                    }
                }

                [SocketServer(Udp)]
                public partial class UpperServer : UdpServer
                {
                    public override void ServiceActions() => base.ServiceActions();
                }

                [SocketServer(Udp, Threading)]
                internal sealed partial class CountingServer
                {
                    public void Decide() => DaemonThreads = false;
                }

                public static class Program
                {
                    public static UpperServer Create() => new UpperServer(new IPEndPoint(IPAddress.Loopback, 0), () => new UpperHandler());

                    internal static CountingServer Counting()
                    {
                        var server = new CountingServer(new IPEndPoint(IPAddress.Loopback, 0), () => new UpperHandler(), bindAndActivate: false);
                        server.DaemonThreads = true;
                        return server;
                    }
                }
            }
            """,
        Usings + """
            namespace Shop.Unix;

            public sealed class AuditMixIn : ServerMixIn
            {
                public override void HandleError(object request, EndPoint? clientAddress, Exception exception) =>
                    base.HandleError(request, clientAddress, exception);
            }

            public sealed class StopHandler : StreamRequestHandler
            {
                public static string Last = "";

                public override void Handle()
                {
                    Last = System.Text.Encoding.UTF8.GetString(RFile.ReadLine());
                    Stop();
                }

                private void Stop() => Server.Shutdown();
            }

            public static partial class Outer
            {
                internal partial class Middle<T>
                {
                    [SocketServer(UnixStream, Forking, typeof(AuditMixIn), Handler = typeof(StopHandler))]
                    internal sealed partial class Server
                    {
                        public int MaxChildren => 4;

                        public T? State { get; set; }
                    }
                }
            }
            """,
        Usings + """
            namespace Shop.Tasks;

            public sealed class ReplyHandler : AsyncDatagramRequestHandler
            {
                private static int _replies;

                public override async Task HandleAsync(CancellationToken cancellationToken)
                {
                    Interlocked.Increment(ref _replies);
                    _replies++;
                    await WFile.WriteAsync(Packet, cancellationToken);
                }
            }

            public sealed class LineHandler : AsyncStreamRequestHandler
            {
                public override async Task HandleAsync(CancellationToken cancellationToken)
                {
                    byte[] line = await RFile.ReadLineAsync(cancellationToken: cancellationToken);
                    await WFile.WriteAsync(line, cancellationToken);
                }
            }

            [SocketServer(UnixDatagram, Async, Handler = typeof(ReplyHandler))]
            public partial class ReplyServer<TState>
                where TState : class
            {
                public int? MaxConnections => 8;

                public TState? State { get; set; }
            }

            [SocketServer(Tcp, Async, Handler = typeof(LineHandler))]
            public abstract partial class LineServer
            {
                public override void HandleTimeout() => Shutdown();
            }

            [SocketServer(UnixStream, Sync)]
            public partial class PlainServer : UnixStreamServer;

            [SocketServer(UnixDatagram, Forking, typeof(AsyncCounter))]
            public partial class ForkedServer;

            public sealed class AsyncCounter : ServerMixIn
            {
            }
            """,
        Usings + """
            namespace Shop.Small;

            public sealed class Plain : ServerMixIn;

            public sealed class Echo : StreamRequestHandler;

            [SocketServer(Udp, Threading)]
            public partial class A
            {
                public bool DaemonThreads => false;
            }

            [SocketServer(Tcp, Sync, typeof(Plain))]
            public partial class B;

            [SocketServer(UnixDatagram)]
            internal partial class C;

            [SocketServer(Tcp, Forking, typeof(Plain), Handler = typeof(Echo))]
            public partial class D;

            [SocketServer(UnixStream, Threading, Handler = typeof(Echo))]
            public partial class E;
            """,
    ];
}
