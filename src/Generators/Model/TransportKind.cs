using System.Collections.Generic;

namespace SocketServer.Generators.Model;

/// <summary>The transports, with the runtime enum's values.</summary>
internal enum TransportKind
{
    Tcp = 0,
    Udp = 1,
    UnixStream = 2,
    UnixDatagram = 3,
}

/// <summary>
/// What each transport is, said once for the generator and the analyzers: its valid values, its server class, whether
/// it carries connections, and how messages name it. This file is compiled into the generator and into the analyzers.
/// </summary>
internal static class Transports
{
    /// <summary>Every transport, in the runtime enum's order.</summary>
    public static readonly IReadOnlyList<TransportKind> All = [TransportKind.Tcp, TransportKind.Udp, TransportKind.UnixStream, TransportKind.UnixDatagram];

    /// <summary>The server class each transport derives from, indexed by the transport's value.</summary>
    private static readonly string[] BaseClasses =
    [
        "SocketServer.TcpServer",
        "SocketServer.UdpServer",
        "SocketServer.UnixStreamServer",
        "SocketServer.UnixDatagramServer",
    ];

    /// <summary>Whether <paramref name="value"/> is a transport the runtime has a server class for.</summary>
    public static bool IsDefined(int value) => value >= 0 && value < BaseClasses.Length;

    /// <summary>The metadata name of the server class of <paramref name="transport"/>.</summary>
    public static string BaseClass(TransportKind transport) => BaseClasses[(int)transport];

    /// <summary>A transport that carries connections (a stream handler's), rather than packets (a datagram handler's).</summary>
    public static bool IsStream(TransportKind transport) => transport is TransportKind.Tcp or TransportKind.UnixStream;

    /// <summary>A transport that listens on a Unix domain socket path.</summary>
    public static bool IsUnix(TransportKind transport) => transport is TransportKind.UnixStream or TransportKind.UnixDatagram;

    /// <summary>The transport as a message says it: "TCP", "Unix stream".</summary>
    public static string DisplayName(TransportKind transport) => transport switch
    {
        TransportKind.Tcp => "TCP",
        TransportKind.Udp => "UDP",
        TransportKind.UnixStream => "Unix stream",
        _ => "Unix datagram",
    };

    /// <summary>The request handler class a handler of <paramref name="transport"/> derives from: "StreamRequestHandler", "AsyncDatagramRequestHandler".</summary>
    public static string HandlerBase(TransportKind transport, bool isAsync = false) =>
        (isAsync ? "Async" : string.Empty) + (IsStream(transport) ? "StreamRequestHandler" : "DatagramRequestHandler");

    /// <summary>The handler base classes that fit <paramref name="transport"/>, as a message names them; both kinds when it is unknown.</summary>
    public static string HandlerBases(TransportKind? transport) => transport is { } known
        ? $"{HandlerBase(known)} (or {HandlerBase(known, isAsync: true)})"
        : $"{HandlerBase(TransportKind.Tcp)} or {HandlerBase(TransportKind.Udp)}";
}
