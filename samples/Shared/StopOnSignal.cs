using System.Runtime.InteropServices;

namespace SocketServer.Samples;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM stop the server cleanly: <c>Shutdown()</c> runs on another thread, as it must,
/// <c>ServeForever()</c> returns, and the <c>using</c> block closes the server.
/// </summary>
internal sealed class StopOnSignal : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    public StopOnSignal(BaseServer server)
    {
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            ThreadPool.QueueUserWorkItem(_ => server.Shutdown());
        }

        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)];
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
