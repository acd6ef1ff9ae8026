using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace SocketServer.Internal;

/// <summary>
/// Runs the runtime's part of a request once in a spare child before it tells its parent it is ready, so the real
/// request does not pay for compiling it. A started .NET process has compiled nothing of this library yet; without
/// this, a spare spent most of its request just-in-time compiling the hand-off, the request streams and the shutdown.
/// </summary>
/// <remarks>
/// <para>
/// The warm-up request is made of things the child creates and owns: a loopback connection (or datagram) of the
/// server's own transport, handed to itself over a Unix seqpacket pair with <c>SCM_RIGHTS</c> as the parent hands a
/// request over, then served by a server of the runtime's own transport class with a runtime-internal handler that
/// reads a line and writes one. The program's handler, its server's steps (which the program may override) and any
/// other mix-in (TLS would wait for a handshake) never run: their effects belong to real requests. The warm-up server's
/// metrics and error log are muted, so a listener in the child sees nothing of it.
/// </para>
/// <para>
/// It never fails the child: anything it throws (say, no IPv6 loopback) only means the real request compiles what is
/// left. Every blocking call is bounded by a timeout, so a spare cannot hang here.
/// </para>
/// </remarks>
[SupportedOSPlatform("linux")]
internal static class ForkingWarmUp
{
    private const int TimeoutMilliseconds = 5_000;

    private static readonly byte[] Line = "warm-up\n"u8.ToArray();

    /// <summary>Serves one warm-up request of <paramref name="server"/>'s transport; returns whether it completed.</summary>
    /// <param name="server">The invited server (only its transport and address family are read).</param>
    /// <returns>Whether the warm-up request was served and answered.</returns>
    public static bool Run(BaseServer server)
    {
        try
        {
            return server.SocketType == SocketType.Stream ? WarmStream(server.ServerAddress) : WarmDatagram(server.ServerAddress);
        }
#pragma warning disable CA1031 // Warming only saves time: whatever fails here, the real request compiles what is left.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static bool WarmStream(EndPoint serverAddress)
    {
        EndPoint local = LoopbackLike(serverAddress);
        using var listener = new Socket(local.AddressFamily, SocketType.Stream, ProtocolOf(local, SocketType.Stream));
        listener.Bind(local);
        listener.Listen(1);
        using var client = new Socket(local.AddressFamily, SocketType.Stream, ProtocolOf(local, SocketType.Stream));
        Bounded(client);
        client.Connect(listener.LocalEndPoint!);
        client.Send(Line);

        // The parent's side: accept, then hand the connection over; the child's side receives it.
        Socket accepted = listener.Accept();
        (Socket request, RequestEnvelope envelope) = HandOver(accepted, serverAddress, EndPoints.PeerOf(accepted), packet: null);
        accepted.Dispose();

        using TcpServer warm = serverAddress is UnixDomainSocketEndPoint unix
            ? new UnixStreamServer(unix, () => new StreamHandler(), bindAndActivate: false)
            : new TcpServer(serverAddress, () => new StreamHandler(), bindAndActivate: false);
        Mute(warm, envelope.ServerAddress);
        bool served = warm.TryRunRequest(request, envelope.ClientAddress);
        return served && ReadToEnd(client) == Line.Length;
    }

    private static bool WarmDatagram(EndPoint serverAddress)
    {
        EndPoint local = LoopbackLike(serverAddress);
        using var serverSocket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolOf(local, SocketType.Dgram));
        serverSocket.Bind(local);
        serverSocket.ReceiveTimeout = TimeoutMilliseconds;
        using var client = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolOf(local, SocketType.Dgram));
        client.Bind(LoopbackLike(serverAddress));
        client.ReceiveTimeout = TimeoutMilliseconds;
        client.SendTo(Line, serverSocket.LocalEndPoint!);

        // The parent's side: receive the packet, then hand it over with the server's socket.
        var buffer = new byte[Line.Length + 1];
        EndPoint from = local.AddressFamily == AddressFamily.Unix ? new UnixDomainSocketEndPoint("template") : new IPEndPoint(IPAddress.Any, 0);
        int length = serverSocket.ReceiveFrom(buffer, ref from);
        (Socket socket, RequestEnvelope envelope) = HandOver(serverSocket, serverAddress, from, buffer[..length]);
        using (socket)
        {
            using UdpServer warm = serverAddress is UnixDomainSocketEndPoint unix
                ? new UnixDatagramServer(unix, () => new DatagramHandler(), bindAndActivate: false)
                : new UdpServer(serverAddress, () => new DatagramHandler(), bindAndActivate: false);
            Mute(warm, envelope.ServerAddress);
            bool served = warm.TryRunRequest(new DatagramRequest(envelope.Packet!, socket), envelope.ClientAddress);
            return served && client.Receive(buffer) == Line.Length;
        }
    }

    /// <summary>Passes <paramref name="socket"/> through a seqpacket pair with an envelope, as a parent hands a request to its child.</summary>
    private static (Socket Received, RequestEnvelope Envelope) HandOver(Socket socket, EndPoint serverAddress, EndPoint? clientAddress, byte[]? packet)
    {
        var name = new UnixDomainSocketEndPoint(AbstractSocketName.Unique("warm-up"));
        using var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        listener.Bind(name);
        listener.Listen(1);
        using var childEnd = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        childEnd.ReceiveTimeout = TimeoutMilliseconds;
        childEnd.Connect(name);
        using Socket parentEnd = listener.Accept();
        DescriptorPassing.Send(parentEnd, new RequestEnvelope(serverAddress, clientAddress, packet).Encode(), socket);
        var buffer = new byte[RequestEnvelope.MaxSize];
        (int length, Socket[] received) = DescriptorPassing.Receive(childEnd, buffer);
        if (received.Length != 1)
        {
            foreach (Socket extra in received)
            {
                extra.Dispose();
            }

            throw new InvalidOperationException("The warm-up hand-over received no descriptor.");
        }

        return (received[0], RequestEnvelope.Decode(buffer.AsSpan(0, length)));
    }

    private static void Mute(BaseServer warm, EndPoint serverAddress)
    {
        warm.ErrorLog = new SilentErrorLog();
        warm.MuteTelemetry();
        warm.AdoptForkedAddress(serverAddress);
    }

    /// <summary>A fresh local address of the server's family: a loopback port, or an abstract Unix name.</summary>
    private static EndPoint LoopbackLike(EndPoint serverAddress) => serverAddress switch
    {
        UnixDomainSocketEndPoint => new UnixDomainSocketEndPoint(AbstractSocketName.Unique("warm-up")),
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } => new IPEndPoint(IPAddress.IPv6Loopback, 0),
        _ => new IPEndPoint(IPAddress.Loopback, 0),
    };

    private static ProtocolType ProtocolOf(EndPoint address, SocketType type) => address.AddressFamily == AddressFamily.Unix
        ? ProtocolType.Unspecified
        : type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp;

    private static void Bounded(Socket client)
    {
        client.ReceiveTimeout = TimeoutMilliseconds;
        client.SendTimeout = TimeoutMilliseconds;
    }

    private static int ReadToEnd(Socket client)
    {
        var buffer = new byte[256];
        int total = 0;
        int read;
        while ((read = client.Receive(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>The warm-up's handler: reads the line and writes it back, through the same streams a program's handler uses.</summary>
    private sealed class StreamHandler : StreamRequestHandler
    {
        public override void Handle()
        {
            byte[] line = RFile.ReadLine();
            WFile.Write(line);
        }
    }

    /// <summary>Where the warm-up server reports errors: nowhere, since a failed warm-up only costs the real request time.</summary>
    private sealed class SilentErrorLog : SocketServer.Diagnostics.ServerErrorLog
    {
        public override void RequestFailed(BaseServer server, EndPoint? clientAddress, Exception exception)
        {
        }

        public override void ErrorHandlingFailed(BaseServer server, EndPoint? clientAddress, Exception exception)
        {
        }

        public override void AcceptFailed(BaseServer server, Exception exception, TimeSpan pause)
        {
        }

        public override void AcceptRecovered(BaseServer server, int failedAttempts)
        {
        }
    }

    /// <summary>The datagram warm-up's handler: echoes the packet through the reply stream.</summary>
    private sealed class DatagramHandler : DatagramRequestHandler
    {
        public override void Handle() => WFile.Write(RFile.ReadLine());
    }
}
