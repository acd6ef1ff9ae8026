using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace SocketServer.Internal;

/// <summary>
/// The few POSIX calls the runtime needs that <see cref="System.Net.Sockets.Socket"/> does not expose.
/// Linux and macOS only; callers check <see cref="IsSupported"/> first.
/// </summary>
internal static partial class Libc
{
    private const string LibraryName = "libc";

    static Libc()
    {
        // "libc" is not a file name dlopen() can find on every distribution (libc.so is a linker
        // script that only exists with the -dev package), so map it to the real shared object.
        NativeLibrary.SetDllImportResolver(typeof(Libc).Assembly, ResolveLibc);
    }

    /// <summary>True where the calls below are available (Linux and macOS).</summary>
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("macos")]
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary><c>fcntl(F_DUPFD_CLOEXEC)</c>: the command number differs between Linux and macOS.</summary>
    public static int DuplicateCloseOnExec => OperatingSystem.IsLinux() ? 1030 : 67;

    /// <summary><c>F_SETFD</c> (the same number on Linux and macOS).</summary>
    public const int SetDescriptorFlags = 2;

    /// <summary><c>FD_CLOEXEC</c>.</summary>
    public const int CloseOnExec = 1;

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    [LibraryImport(LibraryName, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    [LibraryImport(LibraryName, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, ReadOnlySpan<byte> socketAddress, int socketAddressLength);

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    private static IntPtr ResolveLibc(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return IntPtr.Zero;
        }

        string realName = OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.dylib" : "libc.so.6";
        return NativeLibrary.TryLoad(realName, assembly, searchPath, out IntPtr handle) ? handle : IntPtr.Zero;
    }
}
