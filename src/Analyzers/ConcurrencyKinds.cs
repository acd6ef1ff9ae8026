namespace SocketServer.Analyzers;

/// <summary>
/// The runtime's <c>Concurrency</c> members whose behaviour some rule knows (where a handler runs, whether state it writes
/// is shared), by the member's name: the one place the analyzers name them. Which members exist, their values and their
/// mix-ins come from the runtime's metadata (<see cref="SocketServer.Generators.Validation.RuntimeSymbols.Concurrencies"/>).
/// </summary>
internal static class ConcurrencyKinds
{
    /// <summary>Requests run on the thread that serves: the member without a mix-in.</summary>
    public const string Sync = "Sync";

    /// <summary>Each request runs on a thread of its own.</summary>
    public const string Threading = "Threading";

    /// <summary>Each request runs in a child process.</summary>
    public const string Forking = "Forking";

    /// <summary>Requests run as tasks, concurrently.</summary>
    public const string Async = "Async";
}
