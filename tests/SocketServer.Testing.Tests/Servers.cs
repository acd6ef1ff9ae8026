using SocketServer.IO;

namespace SocketServer.Testing.Tests;

// The server types under test: ordinary [SocketServer] declarations, as a user writes them.

/// <summary>Upper-cases each line until the input ends; records the client address it saw.</summary>
public sealed class UpperCaseHandler : StreamRequestHandler
{
    private static readonly System.Collections.Concurrent.ConcurrentQueue<EndPoint?> Clients = new();

    /// <summary>The client address of every request this handler served (tests in parallel add to it).</summary>
    public static IReadOnlyCollection<EndPoint?> SeenClients => Clients;

    public override void Handle()
    {
        Clients.Enqueue(ClientAddress);
        foreach (byte[] line in RFile.ReadLines())
        {
            WFile.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line).ToUpperInvariant()));
        }
    }
}

/// <summary>The same, awaiting every read and write.</summary>
public sealed class AsyncUpperCaseHandler : AsyncStreamRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken)
    {
        while ((await RFile.ReadLineAsync(cancellationToken: cancellationToken)) is { Length: > 0 } line)
        {
            await WFile.WriteAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line).ToUpperInvariant()), cancellationToken);
        }
    }
}

/// <summary>Writes a line, then fails.</summary>
public sealed class FailingHandler : StreamRequestHandler
{
    public override void Handle()
    {
        WFile.Write("partial\n"u8);
        throw new InvalidOperationException("the handler failed on purpose");
    }
}

/// <summary>Reads one line with the handler's Timeout set, and echoes it.</summary>
public sealed class TimedHandler : StreamRequestHandler
{
    public override TimeSpan? Timeout { get; set; } = TimeSpan.FromMilliseconds(100);

    public override void Handle() => WFile.Write(RFile.ReadLine());
}

/// <summary>Upper-cases a datagram.</summary>
public sealed class UpperCaseDatagramHandler : DatagramRequestHandler
{
    public override void Handle() => WFile.Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Packet).ToUpperInvariant()));
}

/// <summary>Upper-cases a datagram, asynchronously.</summary>
public sealed class AsyncUpperCaseDatagramHandler : AsyncDatagramRequestHandler
{
    public override async Task HandleAsync(CancellationToken cancellationToken) =>
        await WFile.WriteAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Packet).ToUpperInvariant()), cancellationToken);
}

/// <summary>Blocks until released: a handler that never ends by itself.</summary>
public sealed class BlockedDatagramHandler : DatagramRequestHandler
{
    public static readonly ManualResetEventSlim Release = new();

    public override void Handle() => Release.Wait();
}

/// <summary>A user mix-in: prefixes every line the handler writes, through the connection seam.</summary>
public sealed class PrefixMixIn : ServerMixIn
{
    public override Stream CreateRequestStream(object request, EndPoint? clientAddress) =>
        new PrefixingStream(base.CreateRequestStream(request, clientAddress));

    public override async ValueTask<Stream> CreateRequestStreamAsync(object request, EndPoint? clientAddress, CancellationToken cancellationToken) =>
        new PrefixingStream(await base.CreateRequestStreamAsync(request, clientAddress, cancellationToken));
}

/// <summary>A user mix-in that refuses clients outside 127.0.0.0/8 (Python's verify_request example).</summary>
public sealed class LoopbackOnlyMixIn : ServerMixIn
{
    public override bool VerifyRequest(object request, EndPoint? clientAddress) =>
        clientAddress is IPEndPoint client && IPAddress.IsLoopback(client.Address) && base.VerifyRequest(request, clientAddress);
}

/// <summary>A stream that writes "> " before each write.</summary>
public sealed class PrefixingStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write("> "u8);
        inner.Write(buffer, offset, count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync("> "u8.ToArray(), cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

[SocketServer(Transport.Tcp, Handler = typeof(UpperCaseHandler))]
public partial class SyncUpperCaseServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(UpperCaseHandler))]
public partial class ThreadingUpperCaseServer
{
    public bool DaemonThreads => true;
}

[SocketServer(Transport.Tcp, Concurrency.Async, Handler = typeof(AsyncUpperCaseHandler))]
public partial class AsyncUpperCaseServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(LoopbackOnlyMixIn), Handler = typeof(UpperCaseHandler))]
public partial class LoopbackOnlyServer
{
    public bool DaemonThreads => true;
}

[SocketServer(Transport.Tcp, Concurrency.Threading, typeof(PrefixMixIn), Handler = typeof(UpperCaseHandler))]
public partial class PrefixServer
{
    public bool DaemonThreads => true;
}

[SocketServer(Transport.Tcp, Concurrency.Async, typeof(PrefixMixIn), Handler = typeof(AsyncUpperCaseHandler))]
public partial class AsyncPrefixServer;

[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(FailingHandler))]
public partial class FailingServer
{
    public bool DaemonThreads => true;

    /// <summary>What the server's own HandleError saw (it does not pass errors on to the error log).</summary>
    public List<Exception> Handled { get; } = [];

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        lock (Handled)
        {
            Handled.Add(exception);
        }
    }
}

[SocketServer(Transport.Tcp, Concurrency.Threading, Handler = typeof(TimedHandler))]
public partial class TimedServer
{
    public bool DaemonThreads => true;

    public override void HandleError(object request, EndPoint? clientAddress, Exception exception)
    {
        // Quiet: the test reads the error from the connection.
    }
}

[SocketServer(Transport.Udp, Handler = typeof(UpperCaseDatagramHandler))]
public partial class UdpUpperCaseServer;

[SocketServer(Transport.Udp, Concurrency.Async, Handler = typeof(AsyncUpperCaseDatagramHandler))]
public partial class AsyncUdpUpperCaseServer;

[SocketServer(Transport.Udp, Concurrency.Threading, typeof(LoopbackOnlyMixIn), Handler = typeof(UpperCaseDatagramHandler))]
public partial class LoopbackOnlyUdpServer
{
    public bool DaemonThreads => true;
}

[SocketServer(Transport.Udp, Concurrency.Threading, Handler = typeof(BlockedDatagramHandler))]
public partial class BlockedUdpServer
{
    public bool DaemonThreads => true;
}
