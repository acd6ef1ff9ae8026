using SocketServer.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SocketServer.Analyzers.Tests;

/// <summary>SSA004: a handler kind that does not fit the transport.</summary>
public class HandlerKindTests
{
    private const string Handlers = """

        public sealed class Lines : StreamRequestHandler { }

        public sealed class Packets : DatagramRequestHandler { }

        public sealed class Raw : BaseRequestHandler { }
        """;

    private static DiagnosticResult Error(int marker) => new DiagnosticResult("SSA004", DiagnosticSeverity.Error).WithLocation(marker);

    [Fact]
    public Task A_stream_handler_named_for_a_datagram_server() =>
        Verify.AnalyzerAsync<HandlerKindAnalyzer>(
            """
            [SocketServer(Udp, Threading, Handler = {|#0:typeof(Lines)|})]
            public partial class S { public bool DaemonThreads => true; }
            """ + Handlers,
            Error(0).WithArguments("Lines", "StreamRequestHandler", "S", "UDP", "DatagramRequestHandler"));

    [Fact]
    public Task A_datagram_handler_named_for_a_stream_server() =>
        Verify.AnalyzerAsync<HandlerKindAnalyzer>(
            """
            [SocketServer(UnixStream, Handler = {|#0:typeof(Packets)|})]
            public partial class S;
            """ + Handlers,
            Error(0).WithArguments("Packets", "DatagramRequestHandler", "S", "Unix stream", "StreamRequestHandler"));

    [Fact]
    public Task Factories_passed_to_server_constructors() =>
        Verify.AnalyzerAsync<HandlerKindAnalyzer>(
            """
            public static class Program
            {
                public static void Main()
                {
                    var endPoint = new IPEndPoint(IPAddress.Loopback, 0);
                    using var udp = new UdpServer(endPoint, () => {|#0:new Lines()|});
                    using var threading = new ThreadingUnixDatagramServer("/tmp/x.sock", () => {|#1:new Lines()|}, bindAndActivate: false);
                    using var tcp = new TcpServer(endPoint, () => {|#2:new Packets()|}, false);
                    using var composed = new S(endPoint, () => {|#3:new Lines()|}, false);
                }
            }

            [SocketServer(Udp)]
            public partial class S;
            """ + Handlers,
            Error(0).WithArguments("Lines", "StreamRequestHandler", "UdpServer", "UDP", "DatagramRequestHandler"),
            Error(1).WithArguments("Lines", "StreamRequestHandler", "ThreadingUnixDatagramServer", "Unix datagram", "DatagramRequestHandler"),
            Error(2).WithArguments("Packets", "DatagramRequestHandler", "TcpServer", "TCP", "StreamRequestHandler"),
            Error(3).WithArguments("Lines", "StreamRequestHandler", "S", "UDP", "DatagramRequestHandler"));

    [Fact]
    public Task Asynchronous_handlers_of_the_wrong_kind() =>
        Verify.AnalyzerAsync<HandlerKindAnalyzer>(
            """
            [SocketServer(Udp, Async, Handler = {|#0:typeof(AsyncLines)|})]
            public partial class S;

            [SocketServer(Tcp, Async, Handler = typeof(AsyncLines))]
            public partial class Fits;

            public sealed class AsyncLines : AsyncStreamRequestHandler { }
            """,
            Error(0).WithArguments("AsyncLines", "AsyncStreamRequestHandler", "S", "UDP", "AsyncDatagramRequestHandler"));

    [Fact]
    public Task Not_for_fitting_handlers_or_plain_BaseRequestHandlers() =>
        Verify.AnalyzerAsync<HandlerKindAnalyzer>(
            """
            [SocketServer(Tcp, Handler = typeof(Lines))]
            public partial class A;

            [SocketServer(UnixDatagram, Handler = typeof(Packets))]
            public partial class B;

            [SocketServer(Udp, Handler = typeof(Raw))]
            public partial class C;

            public static class Program
            {
                public static void Main()
                {
                    using var udp = new UdpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new Packets(), false);
                    using var tcp = new TcpServer(new IPEndPoint(IPAddress.Loopback, 0), () => new Raw(), false);
                }
            }
            """ + Handlers);

    [Fact]
    public Task A_pragma_suppresses_it() =>
        Verify.AnalyzerAsync<HandlerKindAnalyzer>(
            """
            #pragma warning disable SSA004
            [SocketServer(Udp, Handler = typeof(Lines))]
            #pragma warning restore SSA004
            public partial class S;
            """ + Handlers);
}
