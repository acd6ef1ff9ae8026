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
            Error(0).WithMessage(
                "'Server' is not partial, so the generator cannot add the rest of [SocketServer] class 'Server' and generates nothing for it, " +
                "which is why its constructors and server members are missing where it is used (CS1729, CS1061, CS1674): add 'partial' to 'Server'"));

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
            Error(0).WithArguments("Outer", "Server", " (declared inside 'Outer')"));

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
            Error(0).WithArguments("Outer", "Server", " (declared inside 'Outer')"),
            Error(1).WithArguments("Server", "Server", ""));

    /// <summary>The compiler's errors where the class is used are the ones the message names as its consequences.</summary>
    [Fact]
    public Task The_compiler_errors_it_explains() =>
        Verify.AnalyzerAsync<ServerTypeNotPartialAnalyzer>(
            """
            [SocketServer(Tcp)]
            public class {|#0:Server|};

            public static class Program
            {
                public static void Run()
                {
                    using var server = new Server(new IPEndPoint(IPAddress.Loopback, 0));
                    server.ServeForever();
                }
            }
            """,
            Error(0).WithArguments("Server", "Server", ""),
            DiagnosticResult.CompilerError("CS1674").WithSpan(15, 9, 15, 78).WithArguments("Server"),
            DiagnosticResult.CompilerError("CS1729").WithSpan(15, 32, 15, 38).WithArguments("Server", "1"),
            DiagnosticResult.CompilerError("CS1061").WithSpan(16, 16, 16, 28).WithArguments("Server", "ServeForever"));
}
