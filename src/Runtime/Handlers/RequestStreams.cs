using System;
using System.IO;
using System.Net.Sockets;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>What the synchronous and asynchronous stream handlers share in opening a request's stream.</summary>
internal static class RequestStreams
{
    /// <summary>
    /// The request's socket, or <see langword="null"/> for a request that is a <see cref="Stream"/> (no socket); throws for a
    /// datagram, which a stream handler cannot serve.
    /// </summary>
    public static Socket? ConnectionOf(BaseRequestHandler handler, string kind, string datagramHandler) => handler.Request switch
    {
        Socket connection => connection,
        Stream => null,
        _ => throw new InvalidOperationException(
            $"{handler.GetType().Name} is {kind}, which serves connections (TcpServer, UnixStreamServer), but {handler.Server.GetType().Name} " +
            $"delivered a {handler.Request.GetType().Name}. Derive the handler from {datagramHandler} for a datagram server."),
    };

    /// <summary>
    /// Applies a handler's timeout to its request stream, which passes it down to the connection (the socket's timeouts
    /// bound synchronous calls, the connection stream bounds asynchronous ones); to the socket itself when the stream
    /// cannot time out.
    /// </summary>
    public static void ApplyTimeout(Stream stream, Socket? connection, TimeSpan? timeout)
    {
        if (timeout is not { } limit)
        {
            return;
        }

        if (stream.CanTimeout)
        {
            int milliseconds = SocketOptions.TimeoutMilliseconds(limit);
            stream.ReadTimeout = milliseconds;
            stream.WriteTimeout = milliseconds;
        }
        else if (connection is not null)
        {
            SocketOptions.ApplyTimeouts(connection, limit);
        }
    }

    /// <summary>The exception of <c>Connection</c> when the request came as a stream, without a socket.</summary>
    public static InvalidOperationException NoSocket(BaseRequestHandler handler) => new(
        $"{handler.GetType().Name} serves a request that is a {handler.Request?.GetType().Name ?? "request not set yet"}, not a socket: " +
        "it has no Connection. Read and write it through RFile, WFile and RequestStream.");
}
