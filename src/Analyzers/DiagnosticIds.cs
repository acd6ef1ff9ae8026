namespace SocketServer.Analyzers;

/// <summary>
/// The stable IDs of the project's diagnostics: they never change, so documentation, suppressions and release
/// tracking stay valid.
/// </summary>
public static class DiagnosticIds
{
    /// <summary><c>Shutdown()</c> reached on the thread that runs <c>ServeForever()</c>: a deadlock.</summary>
    public const string ShutdownOnServingThread = "SSA001";

    /// <summary>A <c>[SocketServer]</c> type that is not <c>partial</c>, or is nested in a type that is not.</summary>
    public const string ServerTypeNotPartial = "SSA002";

    /// <summary>A Forking server's handler writing static state or server fields: the write dies with the child.</summary>
    public const string ForkingHandlerWritesSharedState = "SSA003";

    /// <summary>A handler kind that does not fit the transport (stream handler on UDP, datagram handler on TCP).</summary>
    public const string HandlerDoesNotFitTransport = "SSA004";

    /// <summary>A Threading server that never decides <c>DaemonThreads</c>.</summary>
    public const string DaemonThreadsUndecided = "SSA005";

    /// <summary>A Threading server's handler mutating shared state outside a lock.</summary>
    public const string ThreadingHandlerWritesSharedStateUnlocked = "SSA006";

    /// <summary>An invalid composition: two concurrency mix-ins, a mix-in listed twice, an unknown handler type.</summary>
    public const string InvalidComposition = "SSA007";

    /// <summary>A user declaration in a <c>[SocketServer]</c> class that collides with a member the generator writes.</summary>
    public const string GeneratedMemberCollision = "SSA008";

    /// <summary>A <c>[SocketServer(...)]</c> attribute, or a name in it, that a missing using directive leaves unbound.</summary>
    public const string UsingDirectiveMissing = "SSA009";
}
