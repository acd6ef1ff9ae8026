using System.Buffers;

namespace SocketServer.Tests;

/// <summary>
/// The ways a handler can read its request and write its reply, each a separate code path through RFile and WFile
/// that could count bytes twice or not at all. Every path echoes its whole input back.
/// </summary>
public enum IoPath
{
    // Stream handlers (StreamRequestHandler).
    ReadSpanWriteSpan,          // RFile.Read(64 KiB span): past the buffer, straight from the connection (samples/Echo)
    ReadArrayWriteArray,        // RFile.Read(byte[100]): through the buffer
    ReadByteWriteByte,          // RFile.ReadByte / WFile.WriteByte
    UnbufferedRead,             // RBufSize = 0
    ReadLine,                   // RFile.ReadLine()
    ReadLineWithLimit,          // RFile.ReadLine(7)
    ReadLines,                  // foreach RFile.ReadLines()
    ReadToEnd,                  // RFile.ReadToEnd()
    CopyTo,                     // RFile.CopyTo(WFile)
    BufferedWFile,              // WBufSize = -1: flushed in Finish
    SmallBufferedWFile,         // WBufSize = 10: small writes buffered, large ones straight through

    // Asynchronous stream handlers (AsyncStreamRequestHandler).
    AsyncReadMemory,            // RFile.ReadAsync(64 KiB memory) / WFile.WriteAsync(memory)
    AsyncReadArray,             // RFile.ReadAsync(byte[100], 0, 100) / WFile.WriteAsync(byte[], int, int)
    AsyncZeroByteRead,          // RFile.ReadAsync(empty) while idle, then a rented buffer (samples/Echo, async)
    AsyncUnbuffered,            // RBufSize = 0
    AsyncReadLine,              // RFile.ReadLineAsync()
    AsyncReadLineWithLimit,     // RFile.ReadLineAsync(7)
    AsyncCopyTo,                // RFile.CopyToAsync(WFile)
    AsyncHandlerSyncCalls,      // the synchronous Read/ReadByte/ReadLine/Write/WriteByte/CopyTo of an async handler's streams

    // Datagram handlers (DatagramRequestHandler, AsyncDatagramRequestHandler).
    Packet,                     // WFile.Write(Packet)
    PacketReadToEnd,            // RFile.ReadToEnd()
    PacketReadLines,            // RFile.ReadLines()
    PacketReadByte,             // RFile.ReadByte()
    PacketCopyTo,               // RFile.CopyTo(WFile)
    AsyncPacket,                // WFile.Write(Packet) in HandleAsync
    AsyncPacketReadAsync,       // RFile.ReadAsync(byte[3]) until the end
    AsyncPacketReadLine,        // RFile.ReadLineAsync() until the end
    AsyncPacketCopyTo,          // RFile.CopyToAsync(WFile)
}

public static class IoPaths
{
    public static bool IsDatagram(this IoPath path) => path >= IoPath.Packet;

    public static bool IsAsync(this IoPath path) => path is >= IoPath.AsyncReadMemory and <= IoPath.AsyncHandlerSyncCalls or >= IoPath.AsyncPacket;

    /// <summary>A handler that echoes its input along <paramref name="path"/>; one whose input starts with "fail" throws after reading it all.</summary>
    public static Func<BaseRequestHandler> Handlers(IoPath path) => path switch
    {
        >= IoPath.AsyncPacket => () => new AsyncPathDatagramHandler(path),
        >= IoPath.Packet => () => new PathDatagramHandler(path),
        >= IoPath.AsyncReadMemory => () => new AsyncPathStreamHandler(path),
        _ => () => new PathStreamHandler(path),
    };

    /// <summary>Throws if what the handler read is a request to fail.</summary>
    public static void FailIfAsked(ReadOnlySpan<byte> received)
    {
        if (received.StartsWith("fail"u8))
        {
            throw new InjectedFailureException();
        }
    }
}

public sealed class InjectedFailureException() : Exception("failing on purpose");

public sealed class PathStreamHandler : StreamRequestHandler
{
    private readonly IoPath _path;

    public PathStreamHandler(IoPath path)
    {
        _path = path;
        RBufSize = path == IoPath.UnbufferedRead ? 0 : -1;
        WBufSize = path switch { IoPath.BufferedWFile => -1, IoPath.SmallBufferedWFile => 10, _ => 0 };
    }

    public override void Handle()
    {
        // Everything read is echoed at the end, so a failing request can be recognised before anything is written.
        using var input = new MemoryStream();
        switch (_path)
        {
            case IoPath.ReadSpanWriteSpan:
            case IoPath.UnbufferedRead:
                var buffer = new byte[_path == IoPath.UnbufferedRead ? 1000 : 64 * 1024];
                int read;
                while ((read = RFile.Read(buffer.AsSpan())) > 0)
                {
                    input.Write(buffer, 0, read);
                }

                break;
            case IoPath.ReadArrayWriteArray:
                var small = new byte[100];
                while ((read = RFile.Read(small, 0, small.Length)) > 0)
                {
                    input.Write(small, 0, read);
                }

                break;
            case IoPath.ReadByteWriteByte:
                int b;
                while ((b = RFile.ReadByte()) >= 0)
                {
                    input.WriteByte((byte)b);
                }

                break;
            case IoPath.ReadLine:
            case IoPath.ReadLineWithLimit:
                byte[] line;
                while ((line = RFile.ReadLine(_path == IoPath.ReadLineWithLimit ? 7 : -1)).Length > 0)
                {
                    input.Write(line);
                }

                break;
            case IoPath.ReadLines:
                foreach (byte[] each in RFile.ReadLines())
                {
                    input.Write(each);
                }

                break;
            case IoPath.CopyTo:
                RFile.CopyTo(input);
                break;
            default:
                input.Write(RFile.ReadToEnd());
                break;
        }

        byte[] all = input.ToArray();
        IoPaths.FailIfAsked(all);
        switch (_path)
        {
            case IoPath.ReadSpanWriteSpan or IoPath.UnbufferedRead:
                WFile.Write(all.AsSpan());
                break;
            case IoPath.ReadByteWriteByte:
                foreach (byte each in all)
                {
                    WFile.WriteByte(each);
                }

                break;
            case IoPath.CopyTo:
                using (var copy = new MemoryStream(all))
                {
                    copy.CopyTo(WFile);
                }

                break;
            case IoPath.SmallBufferedWFile:
                // Alternating small writes (buffered) and large ones (BufferedStream sends those straight through).
                for (int offset = 0, size = 3; offset < all.Length; offset += size, size = size == 3 ? 200 : 3)
                {
                    WFile.Write(all, offset, Math.Min(size, all.Length - offset));
                }

                break;
            default:
                for (int offset = 0; offset < all.Length; offset += 100)
                {
                    WFile.Write(all, offset, Math.Min(100, all.Length - offset));
                }

                break;
        }
    }
}

public sealed class AsyncPathStreamHandler : AsyncStreamRequestHandler
{
    private readonly IoPath _path;

    public AsyncPathStreamHandler(IoPath path)
    {
        _path = path;
        RBufSize = path == IoPath.AsyncUnbuffered ? 0 : -1;
    }

    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        using var input = new MemoryStream();
        int read;
        switch (_path)
        {
            case IoPath.AsyncReadMemory:
            case IoPath.AsyncUnbuffered:
                var buffer = new byte[_path == IoPath.AsyncUnbuffered ? 1000 : 64 * 1024];
                while ((read = await RFile.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
                {
                    input.Write(buffer, 0, read);
                }

                break;
            case IoPath.AsyncReadArray:
                var small = new byte[100];
#pragma warning disable CA1835 // The array overload is the path under test.
                while ((read = await RFile.ReadAsync(small, 0, small.Length, cancellationToken)) > 0)
#pragma warning restore CA1835
                {
                    input.Write(small, 0, read);
                }

                break;
            case IoPath.AsyncZeroByteRead:
                while (true)
                {
                    _ = await RFile.ReadAsync(Memory<byte>.Empty, cancellationToken); // waits for data; returns 0
                    byte[] rented = ArrayPool<byte>.Shared.Rent(4096);
                    try
                    {
                        read = await RFile.ReadAsync(rented.AsMemory(0, 4096), cancellationToken);
                        input.Write(rented, 0, read);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }

                    if (read == 0)
                    {
                        break;
                    }
                }

                break;
            case IoPath.AsyncReadLine:
            case IoPath.AsyncReadLineWithLimit:
                byte[] line;
                while ((line = await RFile.ReadLineAsync(_path == IoPath.AsyncReadLineWithLimit ? 7 : -1, cancellationToken)).Length > 0)
                {
                    input.Write(line);
                }

                break;
            case IoPath.AsyncCopyTo:
                await RFile.CopyToAsync(input, cancellationToken);
                break;
            default:
                // The synchronous calls, mixed: a line, a byte, spans and arrays, then the rest with CopyTo.
                input.Write(RFile.ReadLine());
                if (RFile.ReadByte() is int first and >= 0)
                {
                    input.WriteByte((byte)first);
                }

                var some = new byte[50];
                input.Write(some, 0, RFile.Read(some, 0, some.Length));
                input.Write(some, 0, RFile.Read(some.AsSpan()));
                RFile.CopyTo(input);
                break;
        }

        byte[] all = input.ToArray();
        IoPaths.FailIfAsked(all);
        switch (_path)
        {
            case IoPath.AsyncReadArray:
                for (int offset = 0; offset < all.Length; offset += 100)
                {
#pragma warning disable CA1835 // The array overload is the path under test.
                    await WFile.WriteAsync(all, offset, Math.Min(100, all.Length - offset), cancellationToken);
#pragma warning restore CA1835
                }

                break;
            case IoPath.AsyncCopyTo:
                using (var copy = new MemoryStream(all))
                {
                    await copy.CopyToAsync(WFile, cancellationToken);
                }

                break;
            case IoPath.AsyncHandlerSyncCalls:
                int half = all.Length / 2;
                if (all.Length > 0)
                {
                    WFile.WriteByte(all[0]);
                }

                WFile.Write(all.AsSpan(Math.Min(1, all.Length), Math.Max(0, half - 1)));
                WFile.Write(all, half, all.Length - half);
                WFile.Flush();
                break;
            default:
                await WFile.WriteAsync(all.AsMemory(), cancellationToken);
                break;
        }
    }
}

public sealed class PathDatagramHandler(IoPath path) : DatagramRequestHandler
{
    public override void Handle()
    {
        using var input = new MemoryStream();
        switch (path)
        {
            case IoPath.PacketReadToEnd:
                input.Write(RFile.ReadToEnd());
                break;
            case IoPath.PacketReadLines:
                foreach (byte[] line in RFile.ReadLines())
                {
                    input.Write(line);
                }

                break;
            case IoPath.PacketReadByte:
                int b;
                while ((b = RFile.ReadByte()) >= 0)
                {
                    input.WriteByte((byte)b);
                }

                break;
            case IoPath.PacketCopyTo:
                RFile.CopyTo(input);
                break;
            default:
                input.Write(Packet);
                break;
        }

        IoPaths.FailIfAsked(input.GetBuffer().AsSpan(0, (int)input.Length));
        input.Position = 0;
        input.CopyTo(WFile);
    }
}

public sealed class AsyncPathDatagramHandler(IoPath path) : AsyncDatagramRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        using var input = new MemoryStream();
        switch (path)
        {
            case IoPath.AsyncPacketReadAsync:
                var small = new byte[3];
                int read;
                while ((read = await RFile.ReadAsync(small.AsMemory(), cancellationToken)) > 0)
                {
                    input.Write(small, 0, read);
                }

                break;
            case IoPath.AsyncPacketReadLine:
                byte[] line;
                while ((line = await RFile.ReadLineAsync(cancellationToken: cancellationToken)).Length > 0)
                {
                    input.Write(line);
                }

                break;
            case IoPath.AsyncPacketCopyTo:
                await RFile.CopyToAsync(input, cancellationToken);
                break;
            default:
                input.Write(Packet);
                break;
        }

        IoPaths.FailIfAsked(input.GetBuffer().AsSpan(0, (int)input.Length));
        input.Position = 0;
        await input.CopyToAsync(WFile, cancellationToken);
    }
}
