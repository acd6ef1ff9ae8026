using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.Testing;

/// <summary>
/// A connection to a stream server with no socket and no port: the test is the client. <see cref="Open"/> hands an
/// in-memory duplex stream to your real server type (create it with <c>bindAndActivate: false</c>), which serves it
/// through its own steps: <c>VerifyRequest</c>, <c>ProcessRequest</c> (a Threading server runs it on a request thread, an
/// Async server as a task), the handler (<see cref="StreamRequestHandler"/> or <see cref="AsyncStreamRequestHandler"/>,
/// reading and writing through <c>CreateRequestStream</c>), <c>HandleError</c>, <c>ShutdownRequest</c>, with the server's
/// settings and mix-ins. Write the request, read the reply, then look at <see cref="Errors"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every wait is bounded by <see cref="Timeout"/> and ends in a <see cref="TimeoutException"/> that says what it waited
/// for, so a handler that waits for more input, or never ends, fails the test instead of hanging it.
/// </para>
/// <para>
/// Not for Forking servers (a stream in memory cannot be sent to a child process) nor for handlers that use the socket
/// itself (<c>Connection</c>, or a <see cref="BaseRequestHandler"/> that casts <c>Request</c> to a socket): those see a
/// request that is a <see cref="Stream"/>.
/// </para>
/// </remarks>
public sealed class InMemoryConnection : IDisposable
{
    /// <summary>The default <see cref="Timeout"/>: ten seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly ByteChannel _toServer = new();
    private readonly ByteChannel _fromServer = new();
    private readonly object _readGate = new();
    private readonly List<byte> _unread = [];
    private TimeSpan _timeout = DefaultTimeout;

    private InMemoryConnection(BaseServer server, EndPoint? clientAddress)
    {
        Server = server;
        ClientAddress = clientAddress;
        var stream = new InMemoryRequestStream(_toServer, _fromServer);

        // On a thread of its own, as the serving loop would call it: a server without a concurrency mix-in runs the
        // whole request inside ServeRequest, and it must not run on the test's thread, which has to write the request.
        Completed = Task.Factory.StartNew(
            () => server.ServeRequest(stream, clientAddress),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();

        // A request refused by VerifyRequest, or one whose handler never opened the stream, still ends the reply.
        _ = Completed.ContinueWith(_ => _fromServer.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The server serving this connection.</summary>
    public BaseServer Server { get; }

    /// <summary>The client address the server's steps and the handler see (<c>ClientAddress</c>).</summary>
    public EndPoint? ClientAddress { get; }

    /// <summary>
    /// How long each read and <see cref="WaitForCompletion"/> wait before they throw a <see cref="TimeoutException"/>:
    /// <see cref="DefaultTimeout"/> unless set; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than infinite).</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set => _timeout = HarnessTimeout.Validate(value);
    }

    /// <summary>
    /// Completes when the server has ended the request (after its <c>ShutdownRequest</c>), with whether
    /// <c>VerifyRequest</c> let it through and the exceptions that reached <c>HandleError</c>. It never faults.
    /// </summary>
    public Task<RequestOutcome> Completed { get; }

    /// <summary>
    /// The exceptions that reached the server's <c>HandleError</c> for this connection, in order: empty until the request
    /// has ended (a request reports its errors when it ends); wait with <see cref="WaitForCompletion"/> first.
    /// </summary>
    public IReadOnlyList<Exception> Errors => Completed.IsCompletedSuccessfully ? Completed.Result.Errors : [];

    /// <summary>How many bytes the server has written to the connection so far.</summary>
    public long BytesReceived => _fromServer.Written;

    /// <summary>
    /// Opens a connection to <paramref name="server"/>: the server starts serving it at once, as if it had just accepted it.
    /// </summary>
    /// <param name="server">
    /// Your server, created without binding (<c>new MyServer("127.0.0.1", 0, bindAndActivate: false)</c>). Dispose it at
    /// the end of the test; it can serve many connections, one after another or at once.
    /// </param>
    /// <param name="clientAddress">
    /// The client's address; by default 127.0.0.1:50000 (::1 for an IPv6 server), or <see langword="null"/> for a Unix
    /// server (an unbound Unix client).
    /// </param>
    /// <returns>The connection; dispose it to end the request's input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> is <see langword="null"/>.</exception>
    public static InMemoryConnection Open(BaseServer server, EndPoint? clientAddress = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new InMemoryConnection(server, clientAddress ?? ClientAddresses.Default(server));
    }

    /// <summary>Sends bytes to the handler.</summary>
    /// <param name="data">The bytes.</param>
    /// <exception cref="IOException">The input was already ended with <see cref="Complete"/>.</exception>
    public void Write(ReadOnlySpan<byte> data) => _toServer.Write(data, "The connection's input was already ended with Complete(); nothing more can be written.");

    /// <summary>Sends bytes to the handler (writes never wait: the connection buffers them).</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Not waited on; checked before writing.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="IOException">The input was already ended with <see cref="Complete"/>.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(data.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends <paramref name="line"/> in UTF-8, followed by <c>'\n'</c>.</summary>
    /// <param name="line">The line, without its end.</param>
    /// <exception cref="IOException">The input was already ended with <see cref="Complete"/>.</exception>
    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        Write(Utf8.GetBytes(line + "\n"));
    }

    /// <summary><see cref="WriteLine"/>, as a task.</summary>
    /// <param name="line">The line, without its end.</param>
    /// <param name="cancellationToken">Not waited on; checked before writing.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="IOException">The input was already ended with <see cref="Complete"/>.</exception>
    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        return WriteAsync(Utf8.GetBytes(line + "\n"), cancellationToken);
    }

    /// <summary>
    /// Ends the input (a half-close, like <c>socket.shutdown(SHUT_WR)</c>): the handler reads the end of its stream once it
    /// has read what was written. The reply can still be read. Idempotent.
    /// </summary>
    public void Complete() => _toServer.Complete();

    /// <summary>
    /// Reads the next line of the reply, decoded as UTF-8, without its <c>"\n"</c> or <c>"\r\n"</c>; at the end of the reply,
    /// what is left without a line end, or <see langword="null"/> when nothing is left.
    /// </summary>
    /// <returns>The line, or <see langword="null"/> at the end of the reply.</returns>
    /// <exception cref="TimeoutException">No complete line (and no end) arrived within <see cref="Timeout"/>.</exception>
    public string? ReadLine()
    {
        long deadline = Deadline();
        lock (_readGate)
        {
            while (true)
            {
                if (TakeLine() is { } line)
                {
                    return line;
                }

                if (!Fill(deadline, "ReadLine()", "a line"))
                {
                    return TakeRest();
                }
            }
        }
    }

    /// <summary><see cref="ReadLine"/> without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The line, or <see langword="null"/> at the end of the reply.</returns>
    /// <exception cref="TimeoutException">No complete line (and no end) arrived within <see cref="Timeout"/>.</exception>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        long deadline = Deadline();
        while (true)
        {
            if (TakeLine() is { } line)
            {
                return line;
            }

            if (!await FillAsync(deadline, "ReadLineAsync()", "a line", cancellationToken).ConfigureAwait(false))
            {
                return TakeRest();
            }
        }
    }

    /// <summary>Reads the rest of the reply, decoded as UTF-8, until the server ends it (its handler finished).</summary>
    /// <returns>The rest of the reply; empty if nothing is left.</returns>
    /// <exception cref="TimeoutException">The server did not end the reply within <see cref="Timeout"/>.</exception>
    public string ReadToEnd() => Utf8.GetString(ReadBytesToEnd());

    /// <summary><see cref="ReadToEnd"/> without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The rest of the reply; empty if nothing is left.</returns>
    /// <exception cref="TimeoutException">The server did not end the reply within <see cref="Timeout"/>.</exception>
    public async Task<string> ReadToEndAsync(CancellationToken cancellationToken = default) =>
        Utf8.GetString(await ReadBytesToEndAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Reads the rest of the reply as bytes, until the server ends it.</summary>
    /// <returns>The rest of the reply.</returns>
    /// <exception cref="TimeoutException">The server did not end the reply within <see cref="Timeout"/>.</exception>
    public byte[] ReadBytesToEnd()
    {
        long deadline = Deadline();
        lock (_readGate)
        {
            while (Fill(deadline, "ReadToEnd()", "the end of the reply"))
            {
            }

            return TakeAll();
        }
    }

    /// <summary><see cref="ReadBytesToEnd"/> without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The rest of the reply.</returns>
    /// <exception cref="TimeoutException">The server did not end the reply within <see cref="Timeout"/>.</exception>
    public async Task<byte[]> ReadBytesToEndAsync(CancellationToken cancellationToken = default)
    {
        long deadline = Deadline();
        while (await FillAsync(deadline, "ReadToEndAsync()", "the end of the reply", cancellationToken).ConfigureAwait(false))
        {
        }

        return TakeAll();
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes of the reply, or what is left if it ends first.</summary>
    /// <param name="count">How many bytes to read.</param>
    /// <returns>The bytes (fewer than <paramref name="count"/> only at the end of the reply).</returns>
    /// <exception cref="TimeoutException">Neither the bytes nor the end arrived within <see cref="Timeout"/>.</exception>
    public byte[] ReadBytes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long deadline = Deadline();
        lock (_readGate)
        {
            while (Unread() < count && Fill(deadline, $"ReadBytes({count})", $"{count} bytes"))
            {
            }

            return Take(Math.Min(count, Unread()));
        }
    }

    /// <summary><see cref="ReadBytes"/> without blocking a thread.</summary>
    /// <param name="count">How many bytes to read.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The bytes (fewer than <paramref name="count"/> only at the end of the reply).</returns>
    /// <exception cref="TimeoutException">Neither the bytes nor the end arrived within <see cref="Timeout"/>.</exception>
    public async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long deadline = Deadline();
        while (Unread() < count && await FillAsync(deadline, $"ReadBytesAsync({count})", $"{count} bytes", cancellationToken).ConfigureAwait(false))
        {
        }

        return Take(Math.Min(count, Unread()));
    }

    /// <summary>Waits until the server has ended the request (see <see cref="Completed"/>).</summary>
    /// <returns>Whether the request was verified, and the exceptions that reached <c>HandleError</c>.</returns>
    /// <exception cref="TimeoutException">The request did not end within <see cref="Timeout"/>.</exception>
    public RequestOutcome WaitForCompletion()
    {
        if (!Completed.Wait(Timeout))
        {
            throw NotCompleted("WaitForCompletion()");
        }

        return Completed.Result;
    }

    /// <summary><see cref="WaitForCompletion"/> without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether the request was verified, and the exceptions that reached <c>HandleError</c>.</returns>
    /// <exception cref="TimeoutException">The request did not end within <see cref="Timeout"/>.</exception>
    public async Task<RequestOutcome> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await Completed.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw NotCompleted("WaitForCompletionAsync()");
        }
    }

    /// <summary>Ends the input (<see cref="Complete"/>), so a handler still reading sees its end; does not wait for the request.</summary>
    public void Dispose() => Complete();

    private TimeoutException NotCompleted(string call) => new(
        $"{call} waited {Describe(Timeout)} for {Server.GetType().Name} to end the request, and its handler is still running " +
        $"({Describe()}). {(_toServer.IsCompleted ? "The input was ended with Complete(), so the handler is not waiting for it." : "If the handler reads until the end of its input, call Complete() first.")}");

    private TimeoutException TimedOut(string call, string what) => new(
        $"{call} waited {Describe(Timeout)} for {what} from {Server.GetType().Name}'s handler; it has not come and the request is still running " +
        $"({Describe()}). {(_toServer.IsCompleted ? "The input was ended with Complete()." : "Is the handler waiting for more input? Write it, or call Complete() to end the input.")} " +
        "Raise InMemoryConnection.Timeout if the handler needs longer.");

    private string Describe()
    {
        int unread;
        string preview;
        lock (_unread)
        {
            unread = _unread.Count;
            preview = Utf8.GetString([.. _unread.GetRange(0, Math.Min(unread, 80))])
                .Replace("\r", "\\r", StringComparison.Ordinal)
                .Replace("\n", "\\n", StringComparison.Ordinal);
        }

        return $"the server wrote {_fromServer.Written} bytes, {unread} unread: \"{preview}\"{(unread > 80 ? "..." : "")}";
    }

    private static string Describe(TimeSpan timeout) =>
        timeout == System.Threading.Timeout.InfiniteTimeSpan ? "forever" : $"{timeout.TotalSeconds:0.###} s";

    private long Deadline() => Timeout == System.Threading.Timeout.InfiniteTimeSpan
        ? long.MaxValue
        : Environment.TickCount64 + (long)Math.Ceiling(Timeout.TotalMilliseconds);

    private static TimeSpan Left(long deadline) => deadline == long.MaxValue
        ? System.Threading.Timeout.InfiniteTimeSpan
        : TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));

    // Reads what has arrived into _unread; false at the end of the reply; throws when nothing came in time.
    private bool Fill(long deadline, string call, string what)
    {
        byte[] chunk = new byte[4096];
        int read = _fromServer.Read(chunk, Left(deadline));
        return Buffer(chunk, read, call, what);
    }

    private async Task<bool> FillAsync(long deadline, string call, string what, CancellationToken cancellationToken)
    {
        byte[] chunk = new byte[4096];
        int read = await _fromServer.ReadAsync(chunk, Left(deadline), cancellationToken).ConfigureAwait(false);
        return Buffer(chunk, read, call, what);
    }

    private bool Buffer(byte[] chunk, int read, string call, string what)
    {
        if (read < 0)
        {
            throw TimedOut(call, what);
        }

        lock (_unread)
        {
            _unread.AddRange(chunk.AsSpan(0, read));
        }

        return read > 0;
    }

    private int Unread()
    {
        lock (_unread)
        {
            return _unread.Count;
        }
    }

    private string? TakeLine()
    {
        lock (_unread)
        {
            int end = _unread.IndexOf((byte)'\n');
            if (end < 0)
            {
                return null;
            }

            byte[] line = Take(end + 1);
            int length = line.Length - 1;
            if (length > 0 && line[length - 1] == '\r')
            {
                length--;
            }

            return Utf8.GetString(line, 0, length);
        }
    }

    private string? TakeRest()
    {
        byte[] rest = TakeAll();
        return rest.Length == 0 ? null : Utf8.GetString(rest);
    }

    private byte[] TakeAll() => Take(Unread());

    private byte[] Take(int count)
    {
        lock (_unread)
        {
            count = Math.Min(count, _unread.Count);
            byte[] taken = [.. _unread.GetRange(0, count)];
            _unread.RemoveRange(0, count);
            return taken;
        }
    }
}
