using System;
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using SocketServer.Internal;

namespace SocketServer;

/// <summary>
/// A synchronous UDP server: Python's <c>socketserver.UDPServer</c>. Each datagram is a request: a
/// <see cref="DatagramRequest"/> with the packet and the server's socket, which the handler uses to reply.
/// </summary>
/// <remarks>
/// The server's own socket is shared by every request, so <see cref="ShutdownRequest"/> and
/// <see cref="CloseRequest"/> do nothing. A datagram longer than <see cref="MaxPacketSize"/> arrives
/// truncated: the handler sees its first <see cref="MaxPacketSize"/> bytes and the kernel discards the rest,
/// as in Python.
/// </remarks>
public class UdpServer : TcpServer
{
    /// <summary>The default <see cref="MaxPacketSize"/>: 8192 bytes, as in Python.</summary>
    public const int DefaultMaxPacketSize = 8192;

    private int _maxPacketSize = DefaultMaxPacketSize;

    /// <summary>Creates a UDP server and, unless told otherwise, binds it.</summary>
    /// <param name="serverAddress">The address to receive on (port 0 lets the system choose).</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each datagram.</param>
    /// <param name="bindAndActivate">Whether to bind now.</param>
    /// <exception cref="SocketException">Binding failed; the socket is closed and the message says why.</exception>
    public UdpServer(EndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : base(serverAddress, requestHandlerFactory, bindAndActivate, ServerAddressKind.Ip)
    {
    }

    /// <summary>Creates a UDP server on <paramref name="host"/>:<paramref name="port"/>.</summary>
    /// <param name="host">An address literal, a host name (resolved preferring IPv4), or <c>""</c> for every interface.</param>
    /// <param name="port">The port; 0 lets the system choose.</param>
    /// <param name="requestHandlerFactory">Creates a new handler for each datagram.</param>
    /// <param name="bindAndActivate">Whether to bind now.</param>
    /// <exception cref="SocketException">Binding failed; the socket is closed and the message says why.</exception>
    public UdpServer(string host, int port, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate = true)
        : base(EndPoints.FromHostAndPort(host, port), requestHandlerFactory, bindAndActivate, ServerAddressKind.Ip)
    {
    }

    private protected UdpServer(EndPoint serverAddress, Func<BaseRequestHandler> requestHandlerFactory, bool bindAndActivate, ServerAddressKind addressKind)
        : base(serverAddress, requestHandlerFactory, bindAndActivate, addressKind)
    {
    }

    /// <inheritdoc/>
    public override SocketType SocketType => SocketType.Dgram;

    /// <summary>
    /// The largest datagram a request carries, in bytes (default <see cref="DefaultMaxPacketSize"/>). Longer
    /// datagrams are truncated to this size.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public virtual int MaxPacketSize
    {
        get => _maxPacketSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxPacketSize = value;
        }
    }

    /// <summary>Receives one datagram.</summary>
    /// <returns>A <see cref="DatagramRequest"/> and the sender's address (<see langword="null"/> for an unbound Unix socket).</returns>
    public override (object Request, EndPoint? ClientAddress) GetRequest()
    {
        int maxPacketSize = MaxPacketSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(maxPacketSize);
        try
        {
            var sender = new SocketAddress(AddressFamily, SocketAddress.GetMaximumAddressSize(AddressFamily));
            int received = Socket.ReceiveFrom(buffer.AsSpan(0, maxPacketSize), SocketFlags.None, sender);
            byte[] packet = buffer.AsSpan(0, received).ToArray();
            CountIo(received, received: true);
            return (new DatagramRequest(packet, Socket), EndPoints.FromSocketAddress(ServerAddress, sender));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Does nothing: a datagram socket does not listen.</summary>
    public override void ServerActivate()
    {
    }

    /// <summary>Calls <see cref="CloseRequest"/>; never touches the server's socket.</summary>
    /// <param name="request">The <see cref="DatagramRequest"/>.</param>
    public override void ShutdownRequest(object request) => CloseRequest(request);

    /// <summary>Releases nothing (the request's socket is the server's own); the request stops counting as running.</summary>
    /// <param name="request">The <see cref="DatagramRequest"/>.</param>
    public override void CloseRequest(object request) => RequestClosed(request);
}
