using SocketServer.Analyzers.CodeFixes;
using SocketServer.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SocketServer.Analyzers.Tests;

/// <summary>SSA002: a [SocketServer] class, or a type around it, that is not partial.</summary>
public class ServerTypeNotPartialTests
{
    private static DiagnosticResult Error(int marker) => new DiagnosticResult("SSA002", DiagnosticSeverity.Error).WithLocation(marker);

    [Fact]
    public Task A_class_that_is_not_partial() =>
        Verify.AnalyzerAsync<ServerTypeNotPartialAnalyzer>(
            """
            [SocketServer(Tcp)]
            public class {|#0:Server|}
            {
            }
            """,
            Error(0).WithArguments("Server", ""));

    [Fact]
    public Task A_partial_class_nested_in_a_class_that_is_not() =>
        Verify.AnalyzerAsync<ServerTypeNotPartialAnalyzer>(
            """
            public class {|#0:Outer|}
            {
                [SocketServer(Udp)]
                public partial class Server;
            }
            """,
            Error(0).WithArguments("Outer", " (it contains [SocketServer] class 'Server')"));

    [Fact]
    public Task Not_for_partial_classes_or_classes_without_the_attribute() =>
        Verify.AnalyzerAsync<ServerTypeNotPartialAnalyzer>(
            """
            public partial class Outer
            {
                [SocketServer(Udp)]
                public partial class Server;
            }

            public class NotAServer
            {
            }
            """);

    [Fact]
    public Task A_pragma_suppresses_it() =>
        Verify.AnalyzerAsync<ServerTypeNotPartialAnalyzer>(
            """
            #pragma warning disable SSA002
            [SocketServer(Tcp)]
            public class Server
            {
            }
            #pragma warning restore SSA002
            """);

    [Fact]
    public Task The_fix_adds_partial_everywhere_it_is_missing() =>
        Verify.CodeFixAsync<ServerTypeNotPartialAnalyzer, AddPartialCodeFixProvider>(
            """
            public static class {|#0:Outer|}
            {
                // The server.
                [SocketServer(Tcp)]
                class {|#1:Server|}
                {
                }
            }
            """,
            """
            public static partial class Outer
            {
                // The server.
                [SocketServer(Tcp)]
                partial class Server
                {
                }
            }
            """,
            null,
            Error(0).WithArguments("Outer", " (it contains [SocketServer] class 'Server')"),
            Error(1).WithArguments("Server", ""));
}
