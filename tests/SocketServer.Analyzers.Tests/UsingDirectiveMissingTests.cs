using SocketServer.Analyzers.CodeFixes;
using SocketServer.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SocketServer.Analyzers.Tests;

/// <summary>SSA009: a [SocketServer] attribute, or a name in it, left unbound by a missing using directive.</summary>
public class UsingDirectiveMissingTests
{
    private const string AllThree =
        "This file does not import what [SocketServer] uses (the attribute SocketServer.SocketServerAttribute, SocketServer.Transport.Tcp, SocketServer.Concurrency.Threading), " +
        "which is why the compiler reports CS0103 and CS0616: add 'using SocketServer;', 'using static SocketServer.Concurrency;' and 'using static SocketServer.Transport;' at the top of the file";

    private const string Handler = """

        public sealed class Lines : SocketServer.StreamRequestHandler
        {
            public override void Handle() { }
        }
        """;

    private static DiagnosticResult Error(int marker, string imported, string compilerErrors, string directives) =>
        new DiagnosticResult(DiagnosticIds.UsingDirectiveMissing, DiagnosticSeverity.Error).WithLocation(marker).WithArguments(imported, compilerErrors, directives);

    [Fact]
    public Task No_using_directive_at_all_names_the_three_to_add_and_the_fix_adds_them_after_the_header() =>
        Verify.WholeFileCodeFixAsync<UsingDirectiveMissingAnalyzer, AddUsingDirectivesCodeFixProvider>(
            """
            // A header comment stays on top.
            [{|#0:{|CS0616:SocketServer|}({|CS0103:Tcp|}, {|CS0103:Threading|}, Handler = typeof(Lines))|}]
            public partial class S
            {
                public bool DaemonThreads { get; set; } = true;
            }
            """ + Handler,
            """
            // A header comment stays on top.
            using SocketServer;
            using static SocketServer.Concurrency;
            using static SocketServer.Transport;

            [SocketServer(Tcp, Threading, Handler = typeof(Lines))]
            public partial class S
            {
                public bool DaemonThreads { get; set; } = true;
            }
            """ + Handler,
            expected: new DiagnosticResult(DiagnosticIds.UsingDirectiveMissing, DiagnosticSeverity.Error).WithLocation(0).WithMessage(AllThree));

    [Fact]
    public Task Only_the_static_imports_missing_adds_only_them_after_the_files_own_usings() =>
        Verify.WholeFileCodeFixAsync<UsingDirectiveMissingAnalyzer, AddUsingDirectivesCodeFixProvider>(
            """
            using System;
            using SocketServer;

            [{|#0:SocketServer({|CS0103:Udp|}, {|CS0103:Sync|})|}]
            public partial class S;

            [{|#1:SocketServer(Transport.Tcp, {|CS0103:Forking|})|}]
            public partial class T;
            """,
            """
            using System;
            using SocketServer;
            using static SocketServer.Concurrency;
            using static SocketServer.Transport;

            [SocketServer(Udp, Sync)]
            public partial class S;

            [SocketServer(Transport.Tcp, Forking)]
            public partial class T;
            """,
            null,
            Error(0, "SocketServer.Transport.Udp, SocketServer.Concurrency.Sync", "CS0103", "'using static SocketServer.Concurrency;' and 'using static SocketServer.Transport;'"),
            Error(1, "SocketServer.Concurrency.Forking", "CS0103", "'using static SocketServer.Concurrency;'"));

    /// <summary>Fix All in a file with several servers adds each directive once.</summary>
    [Fact]
    public Task Fix_all_adds_each_directive_once_for_several_attributes() =>
        Verify.WholeFileCodeFixAsync<UsingDirectiveMissingAnalyzer, AddUsingDirectivesCodeFixProvider>(
            """
            [{|#0:{|CS0616:SocketServer|}({|CS0103:Tcp|})|}]
            public partial class S;

            [{|#1:{|CS0616:SocketServer|}({|CS0103:Udp|})|}]
            public partial class T;

            [{|#2:{|CS0616:SocketServer|}({|CS0103:UnixStream|}, {|CS0103:Sync|})|}]
            public partial class U;
            """,
            """
            using SocketServer;
            using static SocketServer.Concurrency;
            using static SocketServer.Transport;

            [SocketServer(Tcp)]
            public partial class S;

            [SocketServer(Udp)]
            public partial class T;

            [SocketServer(UnixStream, Sync)]
            public partial class U;
            """,
            null,
            Error(0, "the attribute SocketServer.SocketServerAttribute, SocketServer.Transport.Tcp", "CS0103 and CS0616", "'using SocketServer;' and 'using static SocketServer.Transport;'"),
            Error(1, "the attribute SocketServer.SocketServerAttribute, SocketServer.Transport.Udp", "CS0103 and CS0616", "'using SocketServer;' and 'using static SocketServer.Transport;'"),
            Error(2, "the attribute SocketServer.SocketServerAttribute, SocketServer.Transport.UnixStream, SocketServer.Concurrency.Sync", "CS0103 and CS0616",
                "'using SocketServer;', 'using static SocketServer.Concurrency;' and 'using static SocketServer.Transport;'"));

    /// <summary>The attribute's full name, unbound, is the compiler's CS0246 (once for the name, once with "Attribute" added).</summary>
    [Fact]
    public Task The_full_attribute_name_unbound() =>
        Verify.WholeFileAnalyzerAsync<UsingDirectiveMissingAnalyzer>(
            """
            using static SocketServer.Transport;

            [{|#0:SocketServerAttribute(Tcp)|}]
            public partial class S;
            """,
            Error(0, "the attribute SocketServer.SocketServerAttribute", "CS0246", "'using SocketServer;'"),
            DiagnosticResult.CompilerError("CS0246").WithSpan(3, 2, 3, 23).WithArguments("SocketServerAttribute"),
            DiagnosticResult.CompilerError("CS0246").WithSpan(3, 2, 3, 23).WithArguments("SocketServerAttributeAttribute"));

    [Fact]
    public Task A_runtime_type_named_in_the_arguments_asks_for_using_SocketServer() =>
        Verify.WholeFileAnalyzerAsync<UsingDirectiveMissingAnalyzer>(
            """
            using static SocketServer.Transport;
            using static SocketServer.Concurrency;

            [{|#0:SocketServer.SocketServer(Tcp, Sync, typeof({|CS0246:ThreadingMixIn|}))|}]
            public partial class S;
            """,
            Error(0, "SocketServer.ThreadingMixIn", "CS0246", "'using SocketServer;'"));

    [Fact]
    public Task Not_reported_when_the_attribute_and_its_names_bind() =>
        Verify.AnalyzerAsync<UsingDirectiveMissingAnalyzer>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class S { public bool DaemonThreads { get; set; } = true; }

            [SocketServer.SocketServer(Transport.Udp, Concurrency.Sync)]
            public partial class T;
            """);

    [Fact]
    public Task Not_reported_for_the_users_own_SocketServer_attribute() =>
        Verify.WholeFileAnalyzerAsync<UsingDirectiveMissingAnalyzer>(
            """
            namespace Mine
            {
                [System.AttributeUsage(System.AttributeTargets.Class)]
                public sealed class SocketServerAttribute(string name) : System.Attribute
                {
                    public string Name => name;
                }

                [SocketServer("orders")]
                public sealed class Orders;
            }

            namespace Elsewhere
            {
                [{|CS0616:SocketServer|}({|CS0103:Tcp|})]
                public sealed class Unrelated;
            }
            """);
}
