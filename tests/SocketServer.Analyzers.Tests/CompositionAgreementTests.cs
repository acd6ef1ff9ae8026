using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SocketServer.Analyzers.Tests.Fuzzing;
using SocketServer.Generators.Model;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Tests;

/// <summary>
/// The generator and the analyzers agree on what a server declaration is. For each declaration of a table (valid,
/// malformed, colliding), compiled with the generator and analyzed as a build would: when the generator refuses it,
/// an SSA error at the user's code says why; when it composes it, no SSA error says it cannot be composed (SSA002,
/// SSA007), and the generated file compiles unless an SSA error at the user's code explains what does not.
/// </summary>
public class CompositionAgreementTests
{
    internal const string Preamble = """
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

        public interface IPoolSettings
        {
            [SettingDefault(4)]
            int Workers { get; }
        }

        public sealed class PoolMixIn : ServerMixIn<IPoolSettings>
        {
            public override void ProcessRequest(object request, EndPoint? clientAddress) => Server.RunRequest(request, clientAddress);
        }

        public abstract class AbstractMixIn : ServerMixIn;

        public sealed class NoDefaultConstructorMixIn(int n) : ServerMixIn
        {
            public int N => n;
        }

        public sealed class Echo : StreamRequestHandler;

        public sealed class DatagramEcho : DatagramRequestHandler;

        public abstract class AbstractHandler : StreamRequestHandler;

        public sealed class NoDefaultConstructorHandler(int n) : StreamRequestHandler
        {
            public int N => n;
        }

        public sealed class GenericHandler<T> : StreamRequestHandler;

        """;

    private static readonly string[] Transports = ["Tcp", "Udp", "UnixStream", "UnixDatagram"];
    private static readonly string[] Concurrencies = ["Sync", "Threading", "Forking", "Async"];

    /// <summary>Declarations the generator must compose with no SSA error at all.</summary>
    public static TheoryData<string> Valid()
    {
        var data = new TheoryData<string>();
        foreach (string transport in Transports)
        {
            foreach (string concurrency in Concurrencies)
            {
                string settings = concurrency == "Threading" ? " public bool DaemonThreads => true; " : " ";
                data.Add($"[SocketServer({transport}, {concurrency})] public partial class S {{{settings}}}");
            }
        }

        data.Add("[SocketServer(Tcp, Sync, Handler = typeof(Echo))] public partial class S;");
        data.Add("[SocketServer(Udp, Sync, Handler = typeof(DatagramEcho))] public partial class S;");
        data.Add("[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S;");
        data.Add("[SocketServer(Tcp, Sync, typeof(PoolMixIn), Handler = typeof(Echo))] public partial class S;");
        data.Add("[SocketServer(Tcp, Async, typeof(LoggingMixIn), typeof(PoolMixIn))] public partial class S;");
        data.Add("[SocketServer(Tcp, Sync, typeof(PoolMixIn))] public partial class S { public int Workers => 2; }");
        data.Add("[SocketServer(Tcp, Sync, typeof(PoolMixIn))] public partial class S { public short Workers => 2; }");
        data.Add("[SocketServer(Tcp, Threading)] public sealed partial class S { public bool DaemonThreads { get; set; } = true; }");
        data.Add("[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public Thread CreateRequestThread(ThreadStart body) => new(body); }");
        data.Add("[SocketServer(Tcp, Forking)] public abstract partial class S;");
        data.Add("public static partial class Outer { [SocketServer(Tcp, Sync)] internal partial class S; }");
        data.Add("[SocketServer(Tcp, Sync)] public partial class S<T>;");
        data.Add("[SocketServer(Tcp, Sync)] public partial class S : TcpServer;");
        data.Add("[SocketServer(Tcp, Async)] public partial class S { protected override int? ConcurrentRequestLimit => 8; }");
        return data;
    }

    /// <summary>Declarations the generator must refuse, each with an SSA error at the user's code saying why.</summary>
    public static TheoryData<string> Refused() => new()
    {
        "[SocketServer(Tcp, Sync)] public class S;",
        "public static class Outer { [SocketServer(Tcp, Sync)] public partial class S; }",
        "[SocketServer(Tcp, Sync)] file partial class S;",
        "[SocketServer(Tcp, Sync)] public static partial class S;",
        "[SocketServer(Tcp, Sync)] public partial record S;",
        "[SocketServer(Tcp, Sync, Handler = null)] public partial class S;",
        "[SocketServer(Tcp, Sync, Handler = typeof(int))] public partial class S;",
        "[SocketServer(Tcp, Sync, Handler = typeof(AbstractHandler))] public partial class S;",
        "[SocketServer(Tcp, Sync, Handler = typeof(NoDefaultConstructorHandler))] public partial class S;",
        "[SocketServer(Tcp, Sync, Handler = typeof(GenericHandler<>))] public partial class S;",
        "[SocketServer(Tcp, Sync, typeof(Echo))] public partial class S;",
        "[SocketServer(Tcp, Sync, typeof(AbstractMixIn))] public partial class S;",
        "[SocketServer(Tcp, Sync, typeof(NoDefaultConstructorMixIn))] public partial class S;",
        "[SocketServer(Tcp, Sync, typeof(LoggingMixIn), typeof(LoggingMixIn))] public partial class S;",
        "[SocketServer(Tcp, Sync, typeof(LoggingMixIn), null)] public partial class S;",
        "[SocketServer(Tcp, Sync, null)] public partial class S;",
        "[SocketServer(Tcp, Sync, typeof(ThreadingMixIn))] public partial class S;",
        "[SocketServer(Tcp, Threading, typeof(AsyncMixIn))] public partial class S { public bool DaemonThreads => true; }",
        "[SocketServer((Transport)7, Sync)] public partial class S;",
        "[SocketServer(Tcp, (Concurrency)9)] public partial class S;",
        "[SocketServer(Tcp, Sync)] public partial class S : UdpServer { public S() : base(new IPEndPoint(IPAddress.Loopback, 0), () => new DatagramEcho()) { } }",
        "[SocketServer(Tcp, Sync)] public partial class S(int limit) { public int Limit => limit; }",
        "[SocketServer(Tcp, Sync, typeof(int[]))] public partial class S;",
    };

    /// <summary>Declarations the generator composes around a user member that collides with a generated one: SSA008 at the user's line.</summary>
    public static TheoryData<string> Colliding() => new()
    {
        "[SocketServer(Tcp, Sync)] public partial class S { public S(EndPoint a, Func<BaseRequestHandler> f, bool b) : base(a, f, b) { } }",
        "[SocketServer(Tcp, Sync, Handler = typeof(Echo))] public partial class S { public S(string h, int p, bool b) : base(h, p, () => new Echo(), b) { } }",
        "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public override void ProcessRequest(object r, EndPoint? a) { } }",
        "[SocketServer(Tcp, Forking)] public partial class S { public override void ServiceActions() { } }",
        "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { public override bool VerifyRequest(object r, EndPoint? a) => true; }",
        "[SocketServer(Tcp, Threading)] public partial class S { public string DaemonThreads => \"no\"; }",
        "[SocketServer(Tcp, Forking)] public partial class S { public long MaxChildren => 40; }",
        "[SocketServer(Tcp, Threading)] public partial class S { public bool DaemonThreads => true; public int CreateRequestThread => 0; }",
        "[SocketServer(Tcp, Sync, typeof(PoolMixIn))] public partial class S { public string Workers => \"two\"; }",
        "[SocketServer(Tcp, Sync, typeof(PoolMixIn))] public partial class S { public long Workers => 2; }",
        "[SocketServer(Tcp, Async)] public partial class S { public bool BlockOnClose() => true; }",
        "[SocketServer(Tcp, Sync, typeof(LoggingMixIn))] public partial class S { void IServerSteps.CloseRequest(object r) { } }",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public Task A_valid_declaration_is_composed_without_any_SSA_error(string declaration) => Check(declaration, expectComposed: true, expectSsaError: false);

    [Theory]
    [MemberData(nameof(Refused))]
    public Task A_refused_declaration_is_explained_by_an_SSA_error_at_the_user_s_code(string declaration) => Check(declaration, expectComposed: false, expectSsaError: true);

    [Theory]
    [MemberData(nameof(Colliding))]
    public Task A_colliding_member_is_composed_around_and_explained_by_SSA008(string declaration) => Check(declaration, expectComposed: true, expectSsaError: true);

    [Fact]
    public void The_table_has_at_least_60_declarations() =>
        Assert.True(Valid().Count + Refused().Count + Colliding().Count >= 60);

    private static List<(string Id, string? Message, Location Location)> Ordered(IEnumerable<(string Id, string? Message, Location Location)> diagnostics) =>
        diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Message, StringComparer.Ordinal).ToList();

    private static async Task Check(string declaration, bool expectComposed, bool expectSsaError)
    {
        Compilation composed = CompilerPlugins.Compose(Preamble + declaration);
        SyntaxTree input = composed.SyntaxTrees.First();
        ImmutableArray<Diagnostic> diagnostics = await composed.WithAnalyzers(CompilerPlugins.Analyzers).GetAllDiagnosticsAsync();
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var ssaAtUser = errors.Where(d => d.Id.StartsWith("SSA", StringComparison.Ordinal) && d.Location.SourceTree == input).ToList();
        bool generated = composed.SyntaxTrees.Count() > 1;
        string Describe() => $"{declaration}\ncomposed: {generated}\n{string.Join("\n", errors)}";

        Assert.True(generated == expectComposed, Describe());
        Assert.True(ssaAtUser.Count > 0 == expectSsaError, Describe());

        // The generator composes exactly when no SSA error says it cannot.
        bool refusalReported = ssaAtUser.Any(d => d.Id is DiagnosticIds.ServerTypeNotPartial or DiagnosticIds.InvalidComposition
            || (d.Id == DiagnosticIds.GeneratedMemberCollision && d.Properties.TryGetValue("Kind", out string? kind) && kind == "PrimaryConstructor"));
        Assert.True(generated != refusalReported, Describe());

        // Same words: the refusal diagnostics at the user's code are exactly the problems the shared validator finds (the
        // generator refuses by the first), and the collisions of what it composes, in its words and where it puts them.
        INamedTypeSymbol server = composed.GetSymbolsWithName(n => n == "S", SymbolFilter.Type).OfType<INamedTypeSymbol>().Single(t => t.Locations.Any(l => l.SourceTree == input));
        AttributeData attribute = server.GetAttributes().Single(a => a.AttributeClass?.Name == "SocketServerAttribute");
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;
        (ImmutableArray<CompositionProblem> problems, Composition? composition) = CompositionCheck.Check(server, attribute, composed, new RuntimeSymbols(composed), collisions: true, CancellationToken.None);
        var words = problems.Where(p => !p.IsCompilers).Select(p => (p.DiagnosticId, p.Message, p.Locate(syntax, server)))
            .Concat((composition?.Collisions ?? []).Where(c => c.Kind != CollisionKind.PrimaryConstructor).Select(c => (
                DiagnosticIds.GeneratedMemberCollision,
                (string?)string.Format(CultureInfo.InvariantCulture, CompositionMessages.GeneratedMemberCollision, c.UserMember, c.Generated, c.Advice),
                c.Location)))
            .Where(w => w.Item3.SourceTree == input); // the analyzers do not report in the generated part
        var reported = ssaAtUser.Where(d => d.Id is DiagnosticIds.ServerTypeNotPartial or DiagnosticIds.InvalidComposition or DiagnosticIds.GeneratedMemberCollision)
            .Select(d => (d.Id, (string?)d.GetMessage(CultureInfo.InvariantCulture), d.Location));
        Assert.Equal(Ordered(words), Ordered(reported));
        Assert.Equal(problems.IsEmpty, generated);

        // An error in the generated file is always explained at the user's code.
        if (errors.Any(d => d.Location.SourceTree is { } tree && tree != input))
        {
            Assert.True(ssaAtUser.Count > 0, Describe());
        }

        // No compiler error at the user's code without an SSA error beside it.
        if (errors.Any(d => d.Location.SourceTree == input && !d.Id.StartsWith("SSA", StringComparison.Ordinal)))
        {
            Assert.True(ssaAtUser.Count > 0, Describe());
        }
    }
}
