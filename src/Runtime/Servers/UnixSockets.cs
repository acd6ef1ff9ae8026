using System;
using System.Net;
using System.Net.Sockets;

namespace SocketServer.Internal;

/// <summary>
/// Unix-domain sockets whose socket file behaves as in Python: it stays on disk when the server closes.
/// </summary>
/// <remarks>
/// .NET's <see cref="Socket.Bind"/> remembers a Unix path and deletes that file when the socket is
/// disposed. Python leaves the file, and for a good reason: during a rolling restart the new
/// instance unlinks the stale path and binds it, and an old instance that deleted "its" file on
/// close would delete the new instance's socket. So the socket is created as an adopted handle and
/// bound with the libc <c>bind()</c> call, which .NET does not track.
/// </remarks>
internal static class UnixSockets
{
    public static Socket CreateUnbound(SocketType socketType)
    {
        var created = new Socket(AddressFamily.Unix, socketType, ProtocolType.Unspecified);
        if (!Libc.IsSupported)
        {
            return created;
        }

        using (created)
        {
            int fd = Libc.Fcntl(checked((int)created.Handle), Libc.DuplicateCloseOnExec, 0);
            if (fd < 0)
            {
                throw new SocketException(); // reads and translates errno
            }

            try
            {
                return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
            }
            catch
            {
                Libc.Close(fd);
                throw;
            }
        }
    }

    public static void Bind(Socket socket, UnixDomainSocketEndPoint endPoint)
    {
        if (!Libc.IsSupported)
        {
            socket.Bind(endPoint);
            return;
        }

        SocketAddress address = endPoint.Serialize();
        SafeSocketHandle handle = socket.SafeHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = checked((int)handle.DangerousGetHandle());
            if (Libc.Bind(fd, address.Buffer.Span[..address.Size], address.Size) != 0)
            {
                throw new SocketException(); // reads and translates errno
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
