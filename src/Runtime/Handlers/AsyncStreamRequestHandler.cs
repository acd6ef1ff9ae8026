using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using SocketServer.IO;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// An asynchronous handler for stream servers (TCP, Unix stream): read the request from <see cref="RFile"/>
/// (<c>ReadLineAsync</c>, <c>ReadAsync</c>), write the reply to <see cref="WFile"/>.
/// </summary>
/// <remarks>
/// <see cref="WFile"/> is unbuffered: <c>WriteAsync</c> completes when every byte is in the kernel's send buffer, so a
/// client that stops reading makes the writer wait instead of making the server buffer without bound, and reading a line
/// is bounded by <see cref="MaxLineLength"/> (65,536 bytes by default). <see cref="RFile"/> takes its read buffer only
/// when data arrives, so an idle connection holds none.
/// </remarks>
public abstract class AsyncStreamRequestHandler : AsyncRequestHandler
{
    private TimeSpan? _timeout;
    private int? _maxLineLength = BufferedReadStream.DefaultMaxLineLength;

    /// <summary>
    /// The read buffer size of <see cref="RFile"/>: negative (default -1) for <see cref="StreamRequestHandler.DefaultBufferSize"/>,
    /// 0 for unbuffered, or a size in bytes.
    /// </summary>
    public virtual int RBufSize { get; set; } = -1;

    /// <summary>
    /// The longest line, in bytes with its <c>'\n'</c>, that <see cref="RFile"/>'s <c>ReadLine()</c>, <c>ReadLineAsync()</c>
    /// and <c>ReadLines()</c> accept when called without a limit: <see cref="BufferedReadStream.DefaultMaxLineLength"/>
    /// (65,536 bytes, Python's <c>http.server</c> limit) by default. A longer line throws a
    /// <see cref="LineTooLongException"/>, which reaches <see cref="BaseServer.HandleError"/> unless caught, and the
    /// connection closes; the server will have read at most this many bytes plus one buffer (<see cref="RBufSize"/>) of
    /// it. Raise it for protocols with longer lines, or set <see langword="null"/> for no limit (a client can then make
    /// the server buffer without bound). <c>ReadLine(limit)</c> with an explicit limit is not affected. Applied to
    /// <see cref="RFile"/> in <see cref="SetupAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative, or not less than <see cref="Array.MaxLength"/>.</exception>
    public virtual int? MaxLineLength
    {
        get => _maxLineLength;
        set => _maxLineLength = BufferedReadStream.ValidMaxLineLength(value);
    }

    /// <summary>Whether <see cref="SetupAsync"/> sets <c>TCP_NODELAY</c>. Ignored for Unix-domain connections.</summary>
    public virtual bool DisableNagleAlgorithm { get; set; }

    /// <summary>
    /// How long each read from <see cref="RFile"/> and each write to <see cref="WFile"/> may take, or <see langword="null"/>
    /// (the default) for no limit: the idle/read timeout of a connection, as <see cref="StreamRequestHandler.Timeout"/> is for
    /// a synchronous handler. An operation that takes longer throws an <see cref="IOException"/> whose inner
    /// <see cref="SocketException"/> says <see cref="SocketError.TimedOut"/>; the request then fails like any other.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public virtual TimeSpan? Timeout
    {
        get => _timeout;
        set
        {
            if (value is { } timeout && timeout <= TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A handler's timeout is positive; use null for no limit.");
            }

            _timeout = value == System.Threading.Timeout.InfiniteTimeSpan ? null : value;
        }
    }

    /// <summary>
    /// The connected socket (the same object as <see cref="BaseRequestHandler.Request"/>), for what only a socket offers
    /// (its options, shutting it down). Read and write the request through <see cref="RFile"/> and <see cref="WFile"/>,
    /// which go through <see cref="RequestStream"/> (TLS, when the server has a <see cref="TlsMixIn"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The request is a stream with no socket (one a test handed to the server).</exception>
    public Socket Connection => _connection ?? throw RequestStreams.NoSocket(this);

    /// <summary>
    /// The request's byte stream, from <see cref="BaseServer.CreateRequestStreamAsync"/>: what <see cref="RFile"/> reads and
    /// <see cref="WFile"/> is. Over TLS it is the <see cref="System.Net.Security.SslStream"/>, whose negotiated protocol,
    /// application protocol and client certificate a handler can read.
    /// </summary>
    public Stream RequestStream { get; private set; } = null!;

    /// <summary>Reads the request.</summary>
    public BufferedReadStream RFile { get; private set; } = null!;

    /// <summary>Writes the reply (it is <see cref="RequestStream"/>); each write completes when all its bytes are sent to the kernel.</summary>
    public Stream WFile { get; private set; } = null!;

    private Socket? _connection;

    /// <summary>
    /// Applies <see cref="Timeout"/> and <see cref="DisableNagleAlgorithm"/>, opens <see cref="RequestStream"/> with
    /// <see cref="BaseServer.CreateRequestStreamAsync"/>, and creates <see cref="RFile"/> (with <see cref="MaxLineLength"/>)
    /// and <see cref="WFile"/> over it.
    /// </summary>
    /// <param name="cancellationToken">Fires when the server stops.</param>
    /// <returns>A task that completes when the stream is open (at once, without TLS).</returns>
    /// <exception cref="InvalidOperationException">The server is a datagram server.</exception>
    public override async Task SetupAsync(CancellationToken cancellationToken)
    {
        _connection = RequestStreams.ConnectionOf(this, "an AsyncStreamRequestHandler", "AsyncDatagramRequestHandler");
        if (_connection is { } connection)
        {
            if (DisableNagleAlgorithm && connection.ProtocolType == ProtocolType.Tcp)
            {
                connection.NoDelay = true;
            }

        }

        Stream stream = await Server.CreateRequestStreamAsync(Request, ClientAddress, cancellationToken).ConfigureAwait(false);
        RequestStream = stream;
        RequestStreams.ApplyTimeout(stream, _connection, Timeout);
        RFile = new BufferedReadStream(stream, RBufSize < 0 ? StreamRequestHandler.DefaultBufferSize : RBufSize)
        {
            MaxLineLength = MaxLineLength,
        };
        WFile = stream;
    }

    /// <summary>Closes <see cref="RFile"/> and <see cref="WFile"/> (not the connection: the server shuts it down next).</summary>
    /// <returns>A task that completes when the streams are closed.</returns>
    public override async Task FinishAsync()
    {
        await WFile.DisposeAsync().ConfigureAwait(false);
        await RFile.DisposeAsync().ConfigureAwait(false);
    }
}
