using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Analyzers.Tests.Fuzzing;
using SocketServer.Generators.Model;
using SocketServer.Generators.Parsing;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Tests;

/// <summary>
/// Every reason the generator refuses a declaration (<see cref="Refusal"/>) has a declaration here that the generator
/// refuses for that reason, and its diagnostic (<see cref="Refusals.DiagnosticId"/>: an analyzer's, or the compiler's
/// where the attribute does not bind) is an error at the user's code, in the words the generator refused with
/// (<see cref="CompositionProblem.Message"/>) and where <see cref="CompositionProblem.Locate"/> puts it. A new reason
/// without a declaration, or a reason the compiler explains without the compiler's error named here, fails the test.
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

    /// <summary>The compiler's errors that explain the refusals no analyzer reports, at the user's code.</summary>
    private static readonly Dictionary<Refusal, string[]> CompilerErrors = new()
    {
        [Refusal.AttributeRepeated] = ["CS0579"],
        [Refusal.UnreadableArguments] = ["CS0103", "CS0246"],
        [Refusal.UnknownNamedArgument] = ["CS0246", "CS0117"],
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
        CompositionProblem? problem = ServerParser.RefusalOf(server, attribute, composed, CancellationToken.None);
        Assert.Equal(refusal, problem?.Reason);
        Assert.Equal(Refusals.DiagnosticId(refusal), problem!.DiagnosticId);
        Assert.Single(composed.SyntaxTrees);

        ImmutableArray<Diagnostic> diagnostics = await composed.WithAnalyzers(CompilerPlugins.Analyzers).GetAllDiagnosticsAsync();
        var atUser = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == input).ToList();
        if (problem.IsCompilers)
        {
            // No analyzer repeats the compiler's error; the compiler's own is there.
            Assert.True(CompilerErrors.TryGetValue(refusal, out string[]? ids), $"{refusal}: the compiler explains it, but no test names the compiler's error");
            Assert.True(atUser.Any(d => ids.Contains(d.Id)), $"{refusal}: none of {string.Join(", ", ids)} at the user's code:\n{string.Join("\n", diagnostics)}");
            Assert.DoesNotContain(atUser, d => d.Id.StartsWith("SSA", StringComparison.Ordinal));
        }
        else
        {
            // Same words, same place: the analyzer reports the message the generator refused with.
            var syntax = (Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax?)attribute.ApplicationSyntaxReference?.GetSyntax();
            Assert.Contains(
                (problem.DiagnosticId, problem.Message, problem.Locate(syntax, server)),
                atUser.Select(d => (d.Id, (string?)d.GetMessage(CultureInfo.InvariantCulture), d.Location)));
        }
    }
}
