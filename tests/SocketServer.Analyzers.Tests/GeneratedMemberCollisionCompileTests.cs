using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Analyzers.Tests.Fuzzing;

namespace SocketServer.Analyzers.Tests;

/// <summary>
/// A declaration in a [SocketServer] class named or shaped like a member the generator writes never leaves the user
/// with errors only in the generated file: the user's code and the generator's output, compiled and analyzed as a
/// build would, either have no error at all, or SSA008 on the line marked <c>// SSA008</c>. Where the generator can
/// leave its member out (a constructor, a step), the generated code compiles too, so SSA008 is the only error.
/// </summary>
public class GeneratedMemberCollisionCompileTests
{
    private const string Marker = "// SSA008";

    private const string Usings = """
        using System;
        using System.Net;
        using System.Threading;
        using SocketServer;
        using static SocketServer.Concurrency;
        using static SocketServer.Transport;

        public sealed class LoggingMixIn : ServerMixIn
        {
            public override bool VerifyRequest(object request, EndPoint? clientAddress) => base.VerifyRequest(request, clientAddress);
        }

        internal sealed class InternalMixIn : ServerMixIn;

        public sealed class Echo : StreamRequestHandler;

        """;

    /// <summary>What the case is, the declaration, and whether the generated file must compile even when SSA008 is reported.</summary>
    public static TheoryData<string, string, bool> Cases() => new()
    {
        // 1. Constructors with a generated constructor's parameter types; and one that is not.
        { "a constructor like the generated (string, int, factory, bool)", "[SocketServer(Tcp, Sync)] public partial class S { public S(string h, int p, Func<BaseRequestHandler> f, bool b = true) : base(h, p, f, b) { } } " + Marker, true },
        { "a constructor like the generated (EndPoint, bool) of a server with a handler", "[SocketServer(Tcp, Async, Handler = typeof(Echo))] public partial class S { public S(EndPoint e, bool b) : base(e, () => new Echo(), b) { } } " + Marker, true },
        { "a constructor like the generated (string path, factory, bool) of a Unix server", "[SocketServer(UnixStream, Sync)] public partial class S { public S(string path, Func<BaseRequestHandler> f, bool b) : base(path, f, b) { } } " + Marker, true },
        { "a constructor with a mix-in, which the generated constructor attaches", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { public S(string h, int p, Func<BaseRequestHandler> f, bool b) : base(h, p, f, b) { } } " + Marker, true },
        { "a (string, int) constructor of a server with a handler, which calls a generated one", "[SocketServer(Tcp, Sync, Handler = typeof(Echo))] public partial class S { public S(string h, int p) : this(h, p, true) { } }", true },

        // 2. A step the generated part overrides, declared without 'override'; and one it does not override.
        { "ProcessRequest without override in a Threading server", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public void ProcessRequest(object r, EndPoint? a) { } } " + Marker, true },
        { "ProcessRequest without override in a synchronous server (the compiler's CS0114 warning)", "[SocketServer(Tcp, Sync)] public partial class S { public void ProcessRequest(object r, EndPoint? a) { } }", true },
        { "a property named ProcessRequest in an Async server", "[SocketServer(Tcp, Async)] public partial class S { public int ProcessRequest => 0; } " + Marker, true },

        // 3. Primary constructors.
        { "a primary constructor with a parameter", "[SocketServer(Tcp, Sync)] public partial class S(int x) { public int X => x; } " + Marker, true },
        { "an empty primary constructor", "[SocketServer(Udp, Threading)] public partial class S() { public bool DaemonThreads => true; } " + Marker, true },

        // 4. Overrides of steps the concurrency mix-in or the mix-in chain writes; and of one nothing writes.
        { "ServerClose overridden in a Threading server", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public override void ServerClose() => base.ServerClose(); } " + Marker, true },
        { "ServiceActions overridden in a Forking server", "[SocketServer(Tcp, Forking)] public partial class S { public override void ServiceActions() { } } " + Marker, true },
        { "HandleTimeout overridden in a Forking server", "[SocketServer(UnixDatagram, Forking)] public partial class S { public override void HandleTimeout() { } } " + Marker, true },
        { "VerifyRequest overridden in a server with a mix-in", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { public override bool VerifyRequest(object r, EndPoint? a) => true; } " + Marker, true },
        { "an IServerSteps step implemented by the user in a server with mix-ins", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { void IServerSteps.CloseRequest(object r) { } } " + Marker, true },
        { "a string MaxConnections beside the user's ConcurrentRequestLimit (the server still implements the setting from it)", "[SocketServer(Tcp, Async)] public partial class S { public string MaxConnections => \"\"; protected override int? ConcurrentRequestLimit => 8; } " + Marker, false },
        { "VerifyRequest overridden in a Threading server without mix-ins", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public override bool VerifyRequest(object r, EndPoint? a) => true; }", true },

        // 5. Mix-ins less accessible than the server.
        { "an internal mix-in on a public server", "[SocketServer(Tcp, Sync, typeof(InternalMixIn))] public partial class S;", true },
        { "a private mix-in of the type around a public server", "public partial class Outer { private sealed class Hidden : ServerMixIn; [SocketServer(Tcp, Sync, typeof(Hidden))] public partial class S; }", true },

        // 6. Members named like generated members.
        { "an int property named like the mix-in's property", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { public int LoggingMixIn => 1; }", true },
        { "a method named like the mix-in's property", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { public void LoggingMixIn() { } }", true },
        { "the mix-in's property declared by the user", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { public LoggingMixIn LoggingMixIn { get; } = new(); }", true },
        { "a field named like the concurrency helper's", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; private readonly int __threading = 1; public int T => __threading; }", true },
        { "a field named like a mix-in's", "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { private readonly int __mixIn0 = 1; public int M => __mixIn0; }", true },
        { "ActiveChildren and CollectChildren declared in a Forking server", "[SocketServer(Tcp, Forking)] public partial class S { public int ActiveChildren => 0; public void CollectChildren(bool blocking = false) { } }", true },
        { "ConcurrentRequestLimit overridden in an Async server", "[SocketServer(Tcp, Async)] public partial class S { protected override int? ConcurrentRequestLimit => 8; }", true },
        { "an int MaxConnections (read as int?)", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public int MaxConnections => 64; }", true },
        { "a string DaemonThreads", "[SocketServer(Tcp, Threading)] public partial class S { public string DaemonThreads => \"yes\"; } " + Marker, false },
        { "a DaemonThreads method", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads() => true; } " + Marker, false },
        { "a write-only BlockOnClose", "[SocketServer(Tcp, Async)] public partial class S { public bool BlockOnClose { set { } } } " + Marker, false },
        { "a long MaxChildren", "[SocketServer(Tcp, Forking)] public partial class S { public long MaxChildren => 40; } " + Marker, false },
        { "a CreateRequestThread property of another type", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public int CreateRequestThread => 0; } " + Marker, false },
        { "a CreateRequestThread method with other parameters", "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; protected Thread CreateRequestThread(string name) => new(() => { }); } " + Marker, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Errors_are_explained_at_the_user_s_declaration(string what, string declaration, bool generatedCodeCompiles)
    {
        string source = Usings + declaration;
        Compilation composed = CompilerPlugins.Compose(source);
        ImmutableArray<Diagnostic> diagnostics = await composed.WithAnalyzers(CompilerPlugins.Analyzers).GetAllDiagnosticsAsync();
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        SyntaxTree input = composed.SyntaxTrees.First();
        string Describe() => $"{what}:\n{string.Join("\n", errors)}";

        if (!declaration.Contains(Marker, StringComparison.Ordinal))
        {
            Assert.True(errors.Count == 0, Describe());
            Assert.True(composed.SyntaxTrees.Count() > 1, $"{what}: the generator composed nothing");
            return;
        }

        int line = input.GetText().Lines.Single(l => l.ToString().Contains(Marker, StringComparison.Ordinal)).LineNumber;
        Assert.True(
            errors.Any(d => d.Id == DiagnosticIds.GeneratedMemberCollision && d.Location.SourceTree == input && d.Location.GetLineSpan().StartLinePosition.Line == line),
            $"no SSA008 on the user's line; {Describe()}");
        Assert.True(errors.All(d => d.Location.SourceTree != input || d.Id == DiagnosticIds.GeneratedMemberCollision), $"other errors in the user's file; {Describe()}");
        if (generatedCodeCompiles)
        {
            Assert.True(errors.All(d => d.Location.SourceTree == input), $"errors in the generated file; {Describe()}");
        }
    }
}
