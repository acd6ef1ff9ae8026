using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace SocketServer.Internal;

/// <summary>
/// Sends and receives open socket descriptors over a connected Unix-domain stream socket with <c>SCM_RIGHTS</c>,
/// together with a payload: how the Forking mix-in hands an accepted connection to a child process without the
/// child ever inheriting a descriptor. Received descriptors are close-on-exec (<c>MSG_CMSG_CLOEXEC</c>).
/// Linux (64-bit layouts of <c>msghdr</c> and <c>cmsghdr</c>) only.
/// </summary>
internal static unsafe partial class DescriptorPassing
{
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgCmsgCloexec = 0x40000000;
    private const int MaxDescriptors = 4;

    /// <summary>True where this implementation applies: 64-bit Linux.</summary>
    [SupportedOSPlatformGuard("linux")]
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Sends <paramref name="payload"/> (at least one byte) with duplicates of <paramref name="sockets"/>' descriptors.</summary>
    /// <exception cref="SocketException">The peer is gone or the send failed.</exception>
    [SupportedOSPlatform("linux")]
    public static void Send(Socket channel, ReadOnlySpan<byte> payload, params Socket[] sockets)
    {
        if (payload.IsEmpty || sockets.Length is 0 or > MaxDescriptors)
        {
            throw new ArgumentException("Send a non-empty payload with one to four descriptors.");
        }

        var handles = new SafeHandle[sockets.Length];
        var added = new bool[sockets.Length];
        try
        {
            Span<int> descriptors = stackalloc int[sockets.Length];
            for (int i = 0; i < sockets.Length; i++)
            {
                handles[i] = sockets[i].SafeHandle;
                handles[i].DangerousAddRef(ref added[i]);
                descriptors[i] = checked((int)handles[i].DangerousGetHandle());
            }

            int controlLength = ControlSpace(sockets.Length);
            byte* control = stackalloc byte[controlLength];
            new Span<byte>(control, controlLength).Clear();
            var header = (ControlHeader*)control;
            header->Length = (nuint)(sizeof(ControlHeader) + (sizeof(int) * sockets.Length));
            header->Level = SolSocket;
            header->Type = ScmRights;
            descriptors.CopyTo(new Span<int>(control + sizeof(ControlHeader), sockets.Length));

            using var lease = new DescriptorLease(channel);
            fixed (byte* data = payload)
            {
                var vector = new IoVector { Base = data, Length = (nuint)payload.Length };
                var message = new MessageHeader { Iov = &vector, IovLength = 1, Control = control, ControlLength = (nuint)controlLength };
                if (SendMessage(lease.Descriptor, &message, 0) < 0)
                {
                    throw new SocketException();
                }
            }
        }
        finally
        {
            for (int i = 0; i < handles.Length; i++)
            {
                if (added[i])
                {
                    handles[i].DangerousRelease();
                }
            }
        }
    }

    /// <summary>
    /// Receives one message: its payload (up to <paramref name="buffer"/>'s length) and the descriptors that came
    /// with it, as sockets this process owns. Returns 0 bytes and no sockets when the peer closed the channel.
    /// </summary>
    /// <exception cref="SocketException">The receive failed.</exception>
    [SupportedOSPlatform("linux")]
    public static (int Length, Socket[] Sockets) Receive(Socket channel, Span<byte> buffer)
    {
        int controlLength = ControlSpace(MaxDescriptors);
        byte* control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        int received;
        using (var lease = new DescriptorLease(channel))
        {
            fixed (byte* data = buffer)
            {
                var vector = new IoVector { Base = data, Length = (nuint)buffer.Length };
                var message = new MessageHeader { Iov = &vector, IovLength = 1, Control = control, ControlLength = (nuint)controlLength };
                nint result = ReceiveMessage(lease.Descriptor, &message, MsgCmsgCloexec);
                if (result < 0)
                {
                    throw new SocketException();
                }

                received = (int)result;
                controlLength = (int)message.ControlLength;
            }
        }

        var header = (ControlHeader*)control;
        if (controlLength < sizeof(ControlHeader) || header->Level != SolSocket || header->Type != ScmRights)
        {
            return (received, []);
        }

        int count = ((int)header->Length - sizeof(ControlHeader)) / sizeof(int);
        var sockets = new Socket[count];
        for (int i = 0; i < count; i++)
        {
            int descriptor = ((int*)(control + sizeof(ControlHeader)))[i];
            sockets[i] = new Socket(new SafeSocketHandle(descriptor, ownsHandle: true));
        }

        return (received, sockets);
    }

    /// <summary>The process id of the peer of a connected Unix-domain socket (<c>SO_PEERCRED</c>).</summary>
    [SupportedOSPlatform("linux")]
    public static int PeerProcessId(Socket connection)
    {
        Span<byte> credentials = stackalloc byte[12];
        connection.GetRawSocketOption(SolSocket, 17, credentials);
        return BitConverter.ToInt32(credentials);
    }

    /// <summary><c>CMSG_SPACE</c> for <paramref name="count"/> descriptors: header plus data rounded to 8 bytes.</summary>
    private static int ControlSpace(int count) => sizeof(ControlHeader) + (((sizeof(int) * count) + 7) & ~7);

    [LibraryImport("libc.so.6", EntryPoint = "sendmsg", SetLastError = true)]
    [SupportedOSPlatform("linux")]
    private static partial nint SendMessage(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "recvmsg", SetLastError = true)]
    [SupportedOSPlatform("linux")]
    private static partial nint ReceiveMessage(int fd, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>Linux <c>struct msghdr</c> on 64-bit: the int fields are padded to pointer alignment.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>Keeps a socket's descriptor valid (not closed by another thread) while a system call uses it.</summary>
    private readonly struct DescriptorLease : IDisposable
    {
        private readonly SafeHandle _handle;
        private readonly bool _added;

        public DescriptorLease(Socket socket)
        {
            _handle = socket.SafeHandle;
            _handle.DangerousAddRef(ref _added);
            Descriptor = checked((int)_handle.DangerousGetHandle());
        }

        public int Descriptor { get; }

        public void Dispose()
        {
            if (_added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Linux <c>struct cmsghdr</c> on 64-bit (16 bytes; the data follows).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }
}
