using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA001: <c>Shutdown()</c> reached on the thread that runs <c>ServeForever()</c> — in a handler of a synchronous
/// server (also through methods of the handler that <c>Setup</c>/<c>Handle</c>/<c>Finish</c> call), or in a server's
/// own steps that the loop runs (<c>ServiceActions</c>, <c>HandleTimeout</c>, …) — and in a Forking server's
/// handler, which runs in a child process where nothing serves. However the server is reached (<c>Server</c>, a
/// cast, a local, a field), the call is to <c>BaseServer.Shutdown()</c>. Where a server serves, the message and the fix
/// say to call <c>ShutdownAsync()</c> and discard its task: it asks the loop to stop without waiting, which is safe on
/// the serving thread; in a Forking child nothing serves, so there is no such fix.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShutdownOnServingThreadAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Server steps that every concurrency mix-in runs on the serving thread.</summary>
    private static readonly string[] LoopSteps = ["ServiceActions", "HandleTimeout", "GetRequest", "VerifyRequest", "ProcessRequest"];

    /// <summary>Server steps that a synchronous server also runs on the serving thread.</summary>
    private static readonly string[] SyncRequestSteps = ["FinishRequest", "HandleError", "ShutdownRequest", "CloseRequest"];

    /// <summary>The diagnostic property present where discarding <c>ShutdownAsync()</c>'s task is the fix.</summary>
    public const string UseShutdownAsyncProperty = "UseShutdownAsync";

    private static readonly ImmutableDictionary<string, string?> UseShutdownAsync =
        ImmutableDictionary<string, string?>.Empty.Add(UseShutdownAsyncProperty, "true");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Descriptors.ShutdownOnServingThread];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        RequestCode.Register(context, Report);
    }

    private static void Report(SymbolAnalysisContext context, RequestCode code, CompilationIndex index)
    {
        var reported = new HashSet<Location>();
        void Flag(ShutdownCall call, string message, bool servingThread)
        {
            if (reported.Add(call.Location))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ShutdownOnServingThread, call.Location, servingThread ? UseShutdownAsync : null, message));
            }
        }

        if (code.Known.IsHandler(code.Type))
        {
            ImmutableArray<HandlerUse> uses = index.UsesOf(code.Type);
            HandlerUse[] sync = uses.Where(u => u.Composition.Concurrency.Name == ConcurrencyKinds.Sync).ToArray();
            HandlerUse[] forking = uses.Where(u => u.Composition.Concurrency.Name == ConcurrencyKinds.Forking).ToArray();
            if (sync.Length == 0 && forking.Length == 0)
            {
                return;
            }

            foreach (ShutdownCall call in code.ShutdownsIn(code.Reachable(KnownTypes.HandlerSteps)))
            {
                if (sync.Length > 0)
                {
                    Flag(call, $"'{call.Method.Name}' calls Shutdown() in a handler of synchronous server '{sync[0].ServerName}', whose requests run on the thread that runs ServeForever(): Shutdown() would wait for that loop, that is for itself (the runtime throws InvalidOperationException); write '{AsyncCall(call, context.CancellationToken)}' instead: it asks the loop to stop after this request and does not wait (do not wait on or await its task here)", servingThread: true);
                }
                else
                {
                    Flag(call, $"'{call.Method.Name}' calls Shutdown() in a handler of Forking server '{forking[0].ServerName}': the handler runs in a child process where nothing serves, so Shutdown() stops nothing (Python blocks forever; the runtime throws InvalidOperationException); stop the server from the parent process", servingThread: false);
                }
            }

            return;
        }

        if (ServerComposition.Of(code.Type, code.Known) is not { } composition || composition.Concurrency.Name == ConcurrencyKinds.Async)
        {
            return;
        }

        foreach (string step in composition.Concurrency.Name == ConcurrencyKinds.Sync ? LoopSteps.Concat(SyncRequestSteps) : LoopSteps)
        {
            foreach (ShutdownCall call in code.ShutdownsIn(code.Reachable([step])))
            {
                Flag(call, $"'{call.Method.Name}' calls Shutdown() from {step}() of '{code.Type.Name}', which runs on the thread that runs ServeForever(): it would wait for itself (the runtime throws InvalidOperationException); write '{AsyncCall(call, context.CancellationToken)}' instead: it asks the loop to stop and does not wait (do not wait on its task here)", servingThread: true);
            }
        }
    }

    /// <summary>The call as the fix writes it: <c>_ = Server.ShutdownAsync();</c>, on the receiver the user wrote.</summary>
    private static string AsyncCall(ShutdownCall call, CancellationToken cancellationToken) =>
        call.Location.SourceTree?.GetRoot(cancellationToken).FindNode(call.Location.SourceSpan, getInnermostNodeForTie: true)
            is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
            ? $"_ = {access.Expression}.ShutdownAsync();"
            : "_ = ShutdownAsync();";
}
