using System;

namespace SocketServer.Internal;

/// <summary>
/// The part a server plays in its process. In an ordinary process (<see cref="Own"/>) a server binds its address and
/// runs its own serving loop. A process can be started for another purpose: a Forking child (Forking/ForkingChildRole.cs)
/// is the program run again only to serve the one request its parent hands over, so there a server binds nothing and
/// serves that request in place of its loop. The servers ask their role at the few points where the parts differ;
/// what a child does is decided by the Forking code that defines its role.
/// </summary>
internal class ServerRole
{
    /// <summary>The ordinary part: bind, activate, serve until shut down.</summary>
    public static ServerRole Own { get; } = new();

    /// <summary>The part of every server created in this process, fixed by how the process was started.</summary>
    public static ServerRole OfThisProcess { get; } = ForkingChildRole.OfThisProcess ?? Own;

    /// <summary>Whether the server binds and activates its own socket (false where another process owns the addresses).</summary>
    public virtual bool BindsAddresses => true;

    /// <summary>Called at the end of every server's constructor.</summary>
    /// <param name="server">The new server.</param>
    public virtual void ServerCreated(BaseServer server)
    {
    }

    /// <summary>
    /// Called when the program asks <paramref name="server"/> to serve (<c>ServeForever</c>, <c>HandleRequest</c>):
    /// serves in the server's place and returns <see langword="true"/>, or returns <see langword="false"/> to let the
    /// server run its own loop.
    /// </summary>
    /// <param name="server">The server asked to serve.</param>
    /// <returns>Whether the role served instead of the server.</returns>
    public virtual bool ServeInstead(BaseServer server) => false;

    /// <summary>Why <c>Shutdown</c> cannot work in this role, or <see langword="null"/> if it can.</summary>
    /// <returns>The exception to throw, or <see langword="null"/>.</returns>
    public virtual Exception? RefuseShutdown() => null;
}
