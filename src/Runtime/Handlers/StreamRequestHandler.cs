using System;
using System.IO;
using System.Net.Sockets;
using SocketServer.IO;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// A handler for stream servers (TCP, Unix stream): Python's <c>socketserver.StreamRequestHandler</c>. Read the
/// request from <see cref="RFile"/>, write the reply to <see cref="WFile"/>.
/// </summary>
/// <remarks>
/// <see cref="WFile"/> is unbuffered by default (<see cref="WBufSize"/> = 0): each write sends every byte
/// before it returns. With <see cref="WBufSize"/> &gt; 0 writes are buffered and flushed in <see cref="Finish"/>.
/// <see cref="RFile"/> is buffered (<see cref="RBufSize"/> = -1), so once you read through it, read only through
/// it; with <see cref="RBufSize"/> = 0 it never reads past what you asked for. Reading a line is bounded by
/// <see cref="MaxLineLength"/> (65,536 bytes by default), so a client cannot make the server buffer without bound.
/// </remarks>
public abstract class StreamRequestHandler : BaseRequestHandler
{
    private int? _maxLineLength = BufferedReadStream.DefaultMaxLineLength;

    /// <summary>The buffer size used when <see cref="RBufSize"/> or <see cref="WBufSize"/> is negative: 8192 bytes, Python's default.</summary>
    public const int DefaultBufferSize = 8192;

    /// <summary>
    /// The read buffer size of <see cref="RFile"/>: negative (default -1) for <see cref="DefaultBufferSize"/>, 0 for
    /// unbuffered (reads never go past what was asked for), or a size in bytes.
    /// </summary>
    public virtual int RBufSize { get; set; } = -1;

    /// <summary>
    /// The write buffer size of <see cref="WFile"/>: 0 (default) for unbuffered, negative for
    /// <see cref="DefaultBufferSize"/>, or a size in bytes. Buffered output is flushed in <see cref="Finish"/>.
    /// </summary>
    public virtual int WBufSize { get; set; }

    /// <summary>
    /// The longest line, in bytes with its <c>'\n'</c>, that <see cref="RFile"/>'s <c>ReadLine()</c>, <c>ReadLineAsync()</c>
    /// and <c>ReadLines()</c> accept when called without a limit: <see cref="BufferedReadStream.DefaultMaxLineLength"/>
    /// (65,536 bytes, Python's <c>http.server</c> limit) by default. A longer line throws a
    /// <see cref="LineTooLongException"/>, which reaches <see cref="BaseServer.HandleError"/> unless caught, and the
    /// connection closes; the server will have read at most this many bytes plus one buffer (<see cref="RBufSize"/>) of
    /// it. Raise it for protocols with longer lines, or set <see langword="null"/> for no limit (a client can then make
    /// the server buffer without bound). <c>ReadLine(limit)</c> with an explicit limit is not affected. Applied to
    /// <see cref="RFile"/> in <see cref="Setup"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative, or not less than <see cref="Array.MaxLength"/>.</exception>
    public virtual int? MaxLineLength
    {
        get => _maxLineLength;
        set => _maxLineLength = BufferedReadStream.ValidMaxLineLength(value);
    }

    /// <summary>
    /// A send and receive timeout for the connection, set in <see cref="Setup"/>; <see langword="null"/> (default)
    /// for none. A read or write that takes longer throws an <see cref="IOException"/> (reaching
    /// <see cref="BaseServer.HandleError"/> unless you catch it).
    /// </summary>
    public virtual TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Whether <see cref="Setup"/> disables Nagle's algorithm (sets <c>TCP_NODELAY</c>) so small writes go out at
    /// once. <see langword="false"/> by default. Ignored for Unix-domain connections, which have no such option.
    /// </summary>
    public virtual bool DisableNagleAlgorithm { get; set; }

    /// <summary>
    /// The connected socket (the same object as <see cref="BaseRequestHandler.Request"/>), for what only a socket offers
    /// (its options, shutting it down). Read and write the request through <see cref="RFile"/> and <see cref="WFile"/>,
    /// which go through <see cref="RequestStream"/> (TLS, when the server has a <see cref="TlsMixIn"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The request is a stream with no socket (one a test handed to the server).</exception>
    public Socket Connection => _connection ?? throw RequestStreams.NoSocket(this);

    /// <summary>
    /// The request's byte stream, from <see cref="BaseServer.CreateRequestStream"/>: what <see cref="RFile"/> reads and
    /// <see cref="WFile"/> writes. Over TLS it is the <see cref="System.Net.Security.SslStream"/>, whose negotiated
    /// protocol, application protocol and client certificate a handler can read.
    /// </summary>
    public Stream RequestStream { get; private set; } = null!;

    /// <summary>Reads the request: a buffered stream with <see cref="BufferedReadStream.ReadLine"/>.</summary>
    public BufferedReadStream RFile { get; private set; } = null!;

    /// <summary>Writes the reply to the client.</summary>
    public Stream WFile { get; private set; } = null!;

    private Socket? _connection;

    /// <summary>
    /// Applies <see cref="Timeout"/> and <see cref="DisableNagleAlgorithm"/>, opens <see cref="RequestStream"/> with
    /// <see cref="BaseServer.CreateRequestStream"/>, and creates <see cref="RFile"/> (with <see cref="MaxLineLength"/>) and
    /// <see cref="WFile"/> over it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is a datagram server.</exception>
    public override void Setup()
    {
        _connection = RequestStreams.ConnectionOf(this, "a StreamRequestHandler", "DatagramRequestHandler");
        if (DisableNagleAlgorithm && _connection is { ProtocolType: ProtocolType.Tcp } connection)
        {
            connection.NoDelay = true;
        }

        Stream stream = Server.CreateRequestStream(Request, ClientAddress);
        RequestStream = stream;
        RequestStreams.ApplyTimeout(stream, _connection, Timeout);
        RFile = new BufferedReadStream(stream, RBufSize < 0 ? DefaultBufferSize : RBufSize)
        {
            MaxLineLength = MaxLineLength,
        };
        var output = new RequestWriteStream(stream);
        WFile = WBufSize == 0 ? output : new BufferedStream(output, WBufSize < 0 ? DefaultBufferSize : WBufSize);
    }

    /// <summary>
    /// Flushes <see cref="WFile"/> and closes both streams, and with them <see cref="RequestStream"/> (not the connection: the server
    /// shuts it down next).
    /// A client that has already gone is not an error here, as in Python.
    /// </summary>
    public override void Finish()
    {
        try
        {
            WFile.Flush();
            WFile.Dispose();
        }
        catch (IOException)
        {
            // A final socket error (the client closed, or reset the connection): nobody is left to read the reply.
        }
        catch (ObjectDisposedException)
        {
            // The handler closed WFile itself.
        }

        RFile.Dispose();
    }
}
