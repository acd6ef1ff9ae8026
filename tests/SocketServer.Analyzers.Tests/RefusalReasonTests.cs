using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Analyzers.Tests.Fuzzing;
using SocketServer.Generators.Model;
using SocketServer.Generators.Parsing;

namespace SocketServer.Analyzers.Tests;

/// <summary>
/// Every reason the generator refuses a declaration (<see cref="Refusal"/>) has a declaration here that the generator
/// refuses for that reason, and its diagnostic (<see cref="Refusals.DiagnosticId"/>: an analyzer's, or the compiler's
/// where the attribute does not bind) is an error at the user's code. A new reason without a declaration fails the test.
/// </summary>
public class RefusalReasonTests
{
    private static readonly Dictionary<Refusal, string> Examples = new()
    {
        [Refusal.NotComposableClass] = "[SocketServer(Tcp, Sync)] public static partial class S;",
        [Refusal.NotPartial] = "[SocketServer(Tcp, Sync)] public class S;",
        [Refusal.AttributeRepeated] = "[SocketServer(Tcp, Sync)] public partial class S; [SocketServer(Tcp, Sync)] public partial class S;",
        [Refusal.UnreadableArguments] = "[SocketServer(Tcp, Sync, Nope)] public partial class S;",
        [Refusal.UnknownTransport] = "[SocketServer((Transport)7, Sync)] public partial class S;",
        [Refusal.UnknownConcurrency] = "[SocketServer(Tcp, (Concurrency)9)] public partial class S;",
        [Refusal.NullMixInList] = "[SocketServer(Tcp, Sync, null)] public partial class S;",
        [Refusal.UnexpectedBase] = "[SocketServer(Tcp, Sync)] public partial class S : UdpServer { public S() : base(new IPEndPoint(IPAddress.Loopback, 0), () => new DatagramEcho()) { } }",
        [Refusal.UnknownNamedArgument] = "[SocketServer(Tcp, Sync, Handler = typeof(Echo), Nope = 1)] public partial class S;",
        [Refusal.HandlerNotCreatable] = "[SocketServer(Tcp, Sync, Handler = typeof(AbstractHandler))] public partial class S;",
        [Refusal.MixInNotCreatable] = "[SocketServer(Tcp, Sync, typeof(AbstractMixIn))] public partial class S;",
        [Refusal.MixInRepeated] = "[SocketServer(Tcp, Sync, typeof(LoggingMixIn), typeof(LoggingMixIn))] public partial class S;",
        [Refusal.ConcurrencyMixInListed] = "[SocketServer(Tcp, Sync, typeof(ThreadingMixIn))] public partial class S;",
        [Refusal.PrimaryConstructor] = "[SocketServer(Tcp, Sync)] public partial class S(int limit) { public int Limit => limit; }",
    };

    public static TheoryData<string> Reasons() => new(Enum.GetNames<Refusal>());

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task Each_refusal_reason_is_reported_by_its_diagnostic_at_the_user_s_code(string reason)
    {
        Refusal refusal = Enum.Parse<Refusal>(reason);
        Assert.True(Examples.TryGetValue(refusal, out string? declaration), $"no declaration shows the refusal {refusal}: add one");

        Compilation composed = CompilerPlugins.Compose(CompositionAgreementTests.Preamble + declaration);
        SyntaxTree input = composed.SyntaxTrees.First();
        INamedTypeSymbol server = composed.GetTypeByMetadataName("S")!;
        AttributeData attribute = server.GetAttributes().First(a => a.AttributeClass?.Name == "SocketServerAttribute");
        Assert.Equal(refusal, ServerParser.RefusalOf(server, attribute, composed, CancellationToken.None));
        Assert.Single(composed.SyntaxTrees);

        ImmutableArray<Diagnostic> diagnostics = await composed.WithAnalyzers(CompilerPlugins.Analyzers).GetAllDiagnosticsAsync();
        Assert.True(
            diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == input
                && (d.Id == Refusals.DiagnosticId(refusal) || (Refusals.DiagnosticId(refusal) == Refusals.Compiler && d.Id.StartsWith(Refusals.Compiler, StringComparison.Ordinal)))),
            $"{refusal}: no {Refusals.DiagnosticId(refusal)} at the user's code:\n{string.Join("\n", diagnostics)}");
    }
}
