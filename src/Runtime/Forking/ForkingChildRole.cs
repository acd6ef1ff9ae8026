using System;

namespace SocketServer.Internal;

/// <summary>
/// The part servers play in a process the Forking mix-in started (see <see cref="ForkingChild"/>). The parent owns
/// the addresses, so no server binds or listens here; the program's call to serve runs the one request the parent
/// hands over (on the invited server type; any other server waits) and exits; and <c>Shutdown</c> is refused, since
/// nothing here runs a loop it could stop. Every server in the child plays it, whatever its type, because the program
/// runs again from its start and creates all of them.
/// </summary>
internal sealed class ForkingChildRole : ServerRole
{
    private ForkingChildRole()
    {
    }

    /// <summary>The role of this process's servers if it is a Forking child; otherwise <see langword="null"/>.</summary>
    public static new ForkingChildRole? OfThisProcess { get; } = ForkingChild.IsChild ? new ForkingChildRole() : null;

    /// <inheritdoc/>
    public override bool BindsAddresses => false;

    /// <summary>Keeps standard output silent until the request runs, so the program's start-up lines are not repeated.</summary>
    /// <param name="server">The new server.</param>
    public override void ServerCreated(BaseServer server) => ForkingChild.OnServerCreated();

    /// <summary>Runs the request handed to this child, then exits the process; never returns on the invited server.</summary>
    /// <param name="server">The server asked to serve.</param>
    /// <returns>Never <see langword="false"/>.</returns>
    /// <exception cref="PlatformNotSupportedException">Not on 64-bit Linux, where no parent could have started this child.</exception>
    public override bool ServeInstead(BaseServer server)
    {
        if (!DescriptorPassing.IsSupported)
        {
            throw new PlatformNotSupportedException(
                $"This process was started as a Forking child (the {ForkingChild.InvitationVariable} environment variable is set), " +
                "but Forking runs on 64-bit Linux only; unset the variable to run the program normally.");
        }

        ForkingChild.Serve(server);
        return true;
    }

    /// <inheritdoc/>
    public override Exception RefuseShutdown() => new InvalidOperationException(
        "Shutdown() was called in a Forking server's child process, which runs one request and exits; nothing serves here, " +
        "so it would wait forever and stop nothing. Stop the server from the parent process.");
}
