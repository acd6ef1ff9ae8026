using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SocketServer.Analyzers.Rules;

/// <summary>
/// SSA001: <c>Shutdown()</c> reached on the thread that runs <c>ServeForever()</c> — in a handler of a synchronous
/// server (also through methods of the handler that <c>Setup</c>/<c>Handle</c>/<c>Finish</c> call), or in a server's
/// own steps that the loop runs (<c>ServiceActions</c>, <c>HandleTimeout</c>, …) — and in a Forking server's
/// handler, which runs in a child process where nothing serves. However the server is reached (<c>Server</c>, a
/// cast, a local, a field), the call is to <c>BaseServer.Shutdown()</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShutdownOnServingThreadAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Server steps that every concurrency mix-in runs on the serving thread.</summary>
    private static readonly string[] LoopSteps = ["ServiceActions", "HandleTimeout", "GetRequest", "VerifyRequest", "ProcessRequest"];

    /// <summary>Server steps that a synchronous server also runs on the serving thread.</summary>
    private static readonly string[] SyncRequestSteps = ["FinishRequest", "HandleError", "ShutdownRequest", "CloseRequest"];

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
        void Flag(ShutdownCall call, string message)
        {
            if (reported.Add(call.Location))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ShutdownOnServingThread, call.Location, message));
            }
        }

        if (code.Known.IsHandler(code.Type))
        {
            ImmutableArray<HandlerUse> uses = index.UsesOf(code.Type);
            HandlerUse[] sync = uses.Where(u => u.Composition.Concurrency == Concurrency.Sync).ToArray();
            HandlerUse[] forking = uses.Where(u => u.Composition.Concurrency == Concurrency.Forking).ToArray();
            if (sync.Length == 0 && forking.Length == 0)
            {
                return;
            }

            foreach (ShutdownCall call in code.ShutdownsIn(code.Reachable(KnownTypes.HandlerSteps)))
            {
                Flag(call, sync.Length > 0
                    ? $"'{call.Method.Name}' calls Shutdown() in a handler of synchronous server '{sync[0].ServerName}', whose requests run on the thread that runs ServeForever(): it would wait for itself (the runtime throws InvalidOperationException); call it from another thread, e.g. '_ = Task.Run(() => server.Shutdown())'"
                    : $"'{call.Method.Name}' calls Shutdown() in a handler of Forking server '{forking[0].ServerName}': the handler runs in a child process where nothing serves, so Shutdown() stops nothing (Python blocks forever; the runtime throws InvalidOperationException); stop the server from the parent process");
            }

            return;
        }

        if (ServerComposition.Of(code.Type, code.Known) is not { } composition || composition.Concurrency == Concurrency.Async)
        {
            return;
        }

        foreach (string step in composition.Concurrency == Concurrency.Sync ? LoopSteps.Concat(SyncRequestSteps) : LoopSteps)
        {
            foreach (ShutdownCall call in code.ShutdownsIn(code.Reachable([step])))
            {
                Flag(call, $"'{call.Method.Name}' calls Shutdown() from {step}() of '{code.Type.Name}', which runs on the thread that runs ServeForever(): it would wait for itself (the runtime throws InvalidOperationException); call it from another thread, e.g. '_ = Task.Run(() => Shutdown())'");
            }
        }
    }
}
