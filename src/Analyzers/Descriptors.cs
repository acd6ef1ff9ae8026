using Microsoft.CodeAnalysis;
using SocketServer.Generators.Validation;

namespace SocketServer.Analyzers;

/// <summary>The diagnostics the analyzers report; each links to its row in the README's diagnostics section.</summary>
internal static class Descriptors
{
    private const string HelpBase = "https://github.com/socketserver-generators/SocketServer.Generators/blob/main/README.md#";

    public static readonly DiagnosticDescriptor ShutdownOnServingThread = new(
        DiagnosticIds.ShutdownOnServingThread,
        "Shutdown() called on the thread that runs ServeForever()",
        "{0}",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Shutdown() waits for the ServeForever() loop to return. Called from code that loop runs (a handler of a synchronous server, ServiceActions(), HandleTimeout()), it waits for itself: Python deadlocks, and this runtime throws InvalidOperationException. In a Forking server's handler it runs in a child process where nothing serves.",
        helpLinkUri: HelpBase + "ssa001");

    public static readonly DiagnosticDescriptor ServerTypeNotPartial = new(
        DiagnosticIds.ServerTypeNotPartial,
        "[SocketServer] type is not partial",
        CompositionMessages.NotPartial,
        "Usage",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator writes the rest of a [SocketServer] class in another partial part. Without 'partial' on the class and on every type around it, nothing is generated.",
        helpLinkUri: HelpBase + "ssa002");

    public static readonly DiagnosticDescriptor ForkingHandlerWritesSharedState = new(
        DiagnosticIds.ForkingHandlerWritesSharedState,
        "A Forking server's handler writes state that dies with the child process",
        "'{0}' writes '{1}' in a handler of Forking server '{2}': each request runs in its own child process, so the write never reaches the server or the next request; keep such state outside the process (a file, a database) or use a Threading server with a lock",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Python's docs: with a forking server, modifications in the child never reach the parent. Static state and the server's fields are per process.",
        helpLinkUri: HelpBase + "ssa003");

    public static readonly DiagnosticDescriptor HandlerDoesNotFitTransport = new(
        DiagnosticIds.HandlerDoesNotFitTransport,
        "The handler kind does not fit the transport",
        "'{0}' is a {1}, but '{2}' is a {3} server: every request would fail in Setup(); derive the handler from {4}",
        "Usage",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A StreamRequestHandler reads and writes a connection (TCP, Unix stream); a DatagramRequestHandler a packet (UDP, Unix datagram).",
        helpLinkUri: HelpBase + "ssa004");

    public static readonly DiagnosticDescriptor DaemonThreadsUndecided = new(
        DiagnosticIds.DaemonThreadsUndecided,
        "Decide DaemonThreads for a Threading server",
        "Threading server '{0}' never decides DaemonThreads: by default the process waits for running request threads at exit; declare 'public bool DaemonThreads { get; set; } = false;' (wait) or '= true;' (do not wait)",
        "Design",
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Python's docs: when inheriting from ThreadingMixIn you should explicitly declare how your threads behave on an abrupt shutdown.",
        helpLinkUri: HelpBase + "ssa005");

    public static readonly DiagnosticDescriptor ThreadingHandlerWritesSharedStateUnlocked = new(
        DiagnosticIds.ThreadingHandlerWritesSharedStateUnlocked,
        "A Threading or Async server's handler writes shared state without a lock",
        "'{0}' writes '{1}' in a handler of {3} server '{2}' outside a lock: its requests run concurrently, so writes can be lost or torn; use lock, Interlocked or System.Threading.Lock",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Python's docs: with a threading server you will probably have to use locks to protect the integrity of shared data.",
        helpLinkUri: HelpBase + "ssa006");

    public static readonly DiagnosticDescriptor InvalidComposition = new(
        DiagnosticIds.InvalidComposition,
        "Invalid [SocketServer] composition",
        CompositionMessages.InvalidComposition,
        "Usage",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The attribute names one transport, one concurrency mix-in, user mix-ins (each a concrete ServerMixIn with a public parameterless constructor, listed once), and optionally a concrete request handler with a public parameterless constructor.",
        helpLinkUri: HelpBase + "ssa007");

    public static readonly DiagnosticDescriptor GeneratedMemberCollision = new(
        DiagnosticIds.GeneratedMemberCollision,
        "A declaration collides with a member the generator writes",
        CompositionMessages.GeneratedMemberCollision,
        "Usage",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator writes the constructors of a [SocketServer] class, the overrides of the steps its concurrency mix-in and user mix-ins take part in, and code that reads the mix-in settings. A user declaration with the same signature, a primary constructor, or a setting of a type the generated code cannot read would break the generated part; the generator leaves such a member out and this rule says what to do.",
        helpLinkUri: HelpBase + "ssa008");

    public static readonly DiagnosticDescriptor UsingDirectiveMissing = new(
        DiagnosticIds.UsingDirectiveMissing,
        "[SocketServer] needs a using directive this file lacks",
        "This file does not import what [SocketServer] uses ({0}), which is why the compiler reports {1}: add {2} at the top of the file",
        "Usage",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Without 'using SocketServer;' the name SocketServer means the namespace, so the compiler says \"'SocketServer' is not an attribute class\" (CS0616) and the generator composes nothing; without 'using static SocketServer.Transport;' and 'using static SocketServer.Concurrency;' the names Tcp, Threading, ... do not exist (CS0103). The compiler stops at those errors before analyzers run, so a command-line build shows only them; the editor shows this diagnostic and its fix too.",
        helpLinkUri: HelpBase + "ssa009");
}
