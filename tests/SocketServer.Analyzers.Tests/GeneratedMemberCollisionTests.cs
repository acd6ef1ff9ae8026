using SocketServer.Analyzers.CodeFixes;
using SocketServer.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SocketServer.Analyzers.Tests;

/// <summary>
/// SSA008: declarations in a [SocketServer] class that collide with what the generator writes. The generator leaves the
/// colliding constructor or step out, so the only error is SSA008 at the user's declaration; a setting of the wrong
/// type or kind also breaks the generated code that reads it (the compiler's error there is expected alongside).
/// </summary>
public class GeneratedMemberCollisionTests
{
    private const string Generated = "SocketServer.Generators/SocketServer.Generators.SocketServerGenerator/S.g.cs";

    private static DiagnosticResult Error(int marker) => new DiagnosticResult("SSA008", DiagnosticSeverity.Error).WithLocation(marker);

    [Fact]
    public Task A_constructor_with_the_parameters_of_a_generated_one() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Sync)]
            public partial class S
            {
                public {|#0:S|}(string host, int port, Func<BaseRequestHandler> factory, bool bindAndActivate = true)
                    : base(host, port, factory, bindAndActivate)
                {
                }
            }
            """,
            Error(0).WithArguments(
                "The constructor 'S.S(string, int, Func<BaseRequestHandler>, bool)'",
                "the constructor S(string host, int port, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true) that the generator writes for 'S'",
                "remove it; to run code when the server is created, declare a constructor with other parameters that calls the generated one with ': this(...)'"));

    [Fact]
    public Task Constructors_of_the_handler_and_Unix_forms() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Threading, Handler = typeof(Echo))]
            public partial class S
            {
                public bool DaemonThreads => true;

                public {|#0:S|}(EndPoint address, bool bind) : base(address, () => new Echo(), bind) { }
            }

            [SocketServer(UnixStream, Sync)]
            public partial class U
            {
                public {|#1:U|}(string path, Func<BaseRequestHandler> factory, bool bind) : base(path, factory, bind) { }

                public {|#2:U|}(System.Net.Sockets.UnixDomainSocketEndPoint endPoint, Func<BaseRequestHandler> factory, bool bind) : base(endPoint, factory, bind) { }
            }

            public sealed class Echo : StreamRequestHandler;
            """,
            Error(0),
            Error(1),
            Error(2));

    [Fact]
    public Task A_step_the_concurrency_mix_in_writes_declared_without_override() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class S
            {
                public bool DaemonThreads => true;

                public void {|#0:ProcessRequest|}(object request, EndPoint? clientAddress) { }
            }
            """,
            Error(0).WithArguments(
                "'S.ProcessRequest(object, EndPoint?)'",
                "the override of ProcessRequest that the generator writes for 'S' (the Threading mix-in's version of the step)",
                "remove yours; to change the step, override ProcessRequest in a ServerMixIn listed in [SocketServer(...)], whose base call reaches the Threading mix-in's version"));

    [Fact]
    public Task An_override_of_a_step_the_concurrency_mix_in_writes() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class T
            {
                public bool DaemonThreads => true;

                public override void {|#0:ServerClose|}() => base.ServerClose();
            }

            [SocketServer(Udp, Forking)]
            public partial class F
            {
                public override void {|#1:ServiceActions|}() { }

                public override void {|#2:HandleTimeout|}() { }
            }

            [SocketServer(Tcp, Async)]
            public partial class A
            {
                public int {|#3:ProcessRequest|} => 0;
            }
            """,
            Error(0),
            Error(1),
            Error(2),
            Error(3));

    [Fact]
    public Task Any_step_of_a_server_with_user_mix_ins() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Sync, typeof(LoggingMixIn))]
            public partial class S
            {
                public override bool {|#0:VerifyRequest|}(object request, EndPoint? clientAddress) => true;
            }

            public sealed class LoggingMixIn : ServerMixIn
            {
                public override bool VerifyRequest(object request, EndPoint? clientAddress) => base.VerifyRequest(request, clientAddress);
            }
            """,
            Error(0).WithArguments(
                "'S.VerifyRequest(object, EndPoint?)'",
                "the override of VerifyRequest that the generator writes for 'S' to run the step through its mix-ins",
                "remove yours and override VerifyRequest in one of the mix-ins (or a new one listed in [SocketServer(...)]); its base call passes the step on"));

    [Fact]
    public Task A_primary_constructor() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Sync)]
            public partial class S{|#0:(int limit)|}
            {
                public int Limit => limit;
            }
            """,
            Error(0).WithArguments(
                "The primary constructor 'S(int limit)'",
                "the constructors that the generator writes for 'S', which pass the address to the transport's constructor and so cannot call this one",
                "remove the parameter list; keep the values in fields or properties and set them in a constructor of your own that calls a generated one with ': this(...)', or after creating the server"));

    [Fact]
    public Task A_setting_of_a_type_or_kind_the_generated_code_cannot_read() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class S
            {
                public string {|#0:DaemonThreads|} => "yes";

                public bool {|#1:BlockOnClose|}() => true;

                public int {|#2:CreateRequestThread|} => 0;
            }
            """,
            Error(0).WithArguments(
                "'S.DaemonThreads'",
                "the IThreadingSettings.DaemonThreads that the generator implements for 'S' from yours, for ThreadingMixIn, which reads it as 'bool'",
                "declare it as a readable property or field of that type, e.g. 'public bool DaemonThreads { get; set; }'"),
            Error(1),
            Error(2).WithArguments(
                "'S.CreateRequestThread'",
                "the IThreadingSettings.CreateRequestThread that ThreadingMixIn calls on 'S', which only a public method of the same signature replaces",
                "declare it as 'public Thread CreateRequestThread(ThreadStart body)' (for example returning a thread with a stack size of your own), or rename yours"),
            DiagnosticResult.CompilerError("CS0029").WithSpan(Generated, 46, 67, 46, 80),
            DiagnosticResult.CompilerError("CS0428").WithSpan(Generated, 48, 66, 48, 78));

    [Fact]
    public Task Not_for_declarations_that_compose() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            // Constructors with other parameters, which call a generated one.
            [SocketServer(Tcp, Threading, Handler = typeof(Echo))]
            public partial class Constructors
            {
                public Constructors(int port) : this("127.0.0.1", port) { }

                public Constructors(string host, int port, string name) : this(host, port) => Name = name;

                public string Name { get; } = "";

                // Settings the mix-in's code can read: bool, an int for an int?, a thread factory.
                public bool DaemonThreads => true;

                public int MaxConnections => 64;

                public virtual Thread CreateRequestThread(ThreadStart body) => new(body, 256 * 1024);

                // An overload of a step, and a step the Threading mix-in leaves to the transport.
                public void ProcessRequest(object request) { }

                public override bool VerifyRequest(object request, EndPoint? clientAddress) => true;
            }

            // Without a handler, (string, int) is not a generated constructor's signature.
            [SocketServer(Tcp)]
            public partial class NoHandler
            {
                public NoHandler(string host, int port) : this(host, port, () => new Echo()) { }

                // A synchronous server without mix-ins overrides no step: the user's override composes.
                public override void ProcessRequest(object request, EndPoint? clientAddress) => base.ProcessRequest(request, clientAddress);
            }

            // Names the generator steps around: a field like its helper's, a member named like a mix-in's property.
            [SocketServer(Tcp, Forking, typeof(LoggingMixIn))]
            public partial class Names
            {
                private readonly int __forking = 1;

                public int LoggingMixIn => __forking;

                public int ActiveChildren => 0;

                public void CollectChildren(bool blocking = false) { }
            }

            // An internal mix-in on a public server: its property is internal.
            [SocketServer(Udp, Async, typeof(Hidden))]
            public partial class WithInternalMixIn;

            internal sealed class Hidden : ServerMixIn;

            public sealed class LoggingMixIn : ServerMixIn
            {
                public override bool VerifyRequest(object request, EndPoint? clientAddress) => base.VerifyRequest(request, clientAddress);
            }

            public sealed class Echo : StreamRequestHandler;
            """);

    [Fact]
    public Task The_fix_removes_a_colliding_constructor() =>
        Verify.CodeFixAsync<GeneratedMemberCollisionAnalyzer, RemoveCollidingMemberCodeFixProvider>(
            """
            [SocketServer(Tcp, Sync, Handler = typeof(Echo))]
            public partial class S
            {
                public {|#0:S|}(string host, int port, bool bindAndActivate = true) : base(host, port, () => new Echo(), bindAndActivate)
                {
                }

                public int Port => ((IPEndPoint)ServerAddress).Port;
            }

            public sealed class Echo : StreamRequestHandler;
            """,
            """
            [SocketServer(Tcp, Sync, Handler = typeof(Echo))]
            public partial class S
            {
                public int Port => ((IPEndPoint)ServerAddress).Port;
            }

            public sealed class Echo : StreamRequestHandler;
            """,
            RemoveCollidingMemberCodeFixProvider.Key,
            Error(0));

    /// <summary>The framework checks fix-all (document, project, solution) only for a fix that offers it, so this one must.</summary>
    [Fact]
    public void The_fix_offers_fix_all() =>
        Assert.Same(Microsoft.CodeAnalysis.CodeFixes.WellKnownFixAllProviders.BatchFixer, new RemoveCollidingMemberCodeFixProvider().GetFixAllProvider());

    /// <summary>Several in one document: the framework applies the fix one at a time and with fix-all (document, project, solution).</summary>
    [Fact]
    public Task Fix_all_removes_every_colliding_constructor_and_step() =>
        Verify.CodeFixAsync<GeneratedMemberCollisionAnalyzer, RemoveCollidingMemberCodeFixProvider>(
            """
            [SocketServer(Tcp, Threading)]
            public partial class S
            {
                public bool DaemonThreads => true;

                public {|#0:S|}(EndPoint address, Func<BaseRequestHandler> factory, bool bind = true) : base(address, factory, bind) { }

                public void {|#1:ProcessRequest|}(object request, EndPoint? clientAddress) { }

                public override void {|#2:ServerClose|}() => base.ServerClose();
            }

            [SocketServer(Udp, Sync, typeof(LoggingMixIn))]
            public partial class U
            {
                public override bool {|#3:VerifyRequest|}(object request, EndPoint? clientAddress) => true;
            }

            public sealed class LoggingMixIn : ServerMixIn
            {
                public override bool VerifyRequest(object request, EndPoint? clientAddress) => base.VerifyRequest(request, clientAddress);
            }
            """,
            """
            [SocketServer(Tcp, Threading)]
            public partial class S
            {
                public bool DaemonThreads => true;
            }

            [SocketServer(Udp, Sync, typeof(LoggingMixIn))]
            public partial class U
            {
            }

            public sealed class LoggingMixIn : ServerMixIn
            {
                public override bool VerifyRequest(object request, EndPoint? clientAddress) => base.VerifyRequest(request, clientAddress);
            }
            """,
            RemoveCollidingMemberCodeFixProvider.Key,
            Error(0),
            Error(1),
            Error(2),
            Error(3));

    [Fact]
    public Task No_fix_for_a_primary_constructor_or_a_setting() =>
        Verify.CodeFixAsync<GeneratedMemberCollisionAnalyzer, RemoveCollidingMemberCodeFixProvider>(
            """
            [SocketServer(Tcp, Forking)]
            public partial class S{|#0:()|}
            {
                public long {|#1:MaxChildren|} => 40;
            }
            """,
            """
            [SocketServer(Tcp, Forking)]
            public partial class S{|#0:()|}
            {
                public long {|#1:MaxChildren|} => 40;
            }
            """,
            null,
            Error(0),
            Error(1));

    /// <summary>
    /// A class refused for another reason (SSA007, SSA002) gets nothing generated, so nothing collides there: only the
    /// refusal's error is reported, not a collision with members that are never written.
    /// </summary>
    [Fact]
    public Task Not_for_a_class_the_generator_refuses_for_another_reason() =>
        Verify.AnalyzerAsync<GeneratedMemberCollisionAnalyzer>(
            """
            [SocketServer(Tcp, Forking, typeof(AbstractMixIn))]
            public partial class Invalid
            {
                public long MaxChildren => 40;

                public Invalid(EndPoint address, Func<BaseRequestHandler> factory, bool bind) { }
            }

            [SocketServer(Tcp, Forking)]
            public class NotPartial
            {
                public long MaxChildren => 40;

                public NotPartial(EndPoint address, Func<BaseRequestHandler> factory, bool bind) { }
            }

            public abstract class AbstractMixIn : ServerMixIn;
            """);
}
