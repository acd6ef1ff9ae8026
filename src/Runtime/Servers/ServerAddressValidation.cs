using System;
using System.Net;
using System.Net.Sockets;

namespace SocketServer.Internal;

/// <summary>Which kind of address a server class listens on.</summary>
internal enum ServerAddressKind
{
    /// <summary>An IP address and port (TCP, UDP).</summary>
    Ip,

    /// <summary>A Unix-domain socket path.</summary>
    Unix,
}

/// <summary>Checks server addresses up front and turns bind failures into messages that say what to do.</summary>
internal static class ServerAddressValidation
{
    public static EndPoint Validate(EndPoint serverAddress, ServerAddressKind kind)
    {
        ArgumentNullException.ThrowIfNull(serverAddress);
        if (kind == ServerAddressKind.Ip)
        {
            return EndPoints.RequireIp(serverAddress, "TCP or UDP server");
        }

        if (serverAddress is not UnixDomainSocketEndPoint)
        {
            throw new ArgumentException(
                $"A Unix-domain server listens on a socket path (UnixDomainSocketEndPoint); got a {serverAddress.GetType().Name} ({serverAddress}). " +
                "For an IP address use TcpServer or UdpServer.",
                nameof(serverAddress));
        }

        return serverAddress;
    }

    /// <summary>
    /// A <see cref="SocketException"/> with the same error code whose message says what failed, where, and what to do;
    /// <paramref name="failure"/> itself if it already says so (the base bind and the constructors both describe).
    /// </summary>
    public static SocketException DescribeFailure(BaseServer server, string step, SocketException failure)
    {
        if (failure.Data.Contains(DescribedKey))
        {
            return failure;
        }

        string hint = failure.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse when server.ServerAddress is UnixDomainSocketEndPoint =>
                " The socket file already exists: another server is using it, or a previous run left it behind " +
                "(Unix servers leave their socket file in place when they close, as in Python). Remove the file if it is stale.",
            SocketError.AddressAlreadyInUse =>
                " Another socket is bound to that address: stop the other server, choose another port (0 lets the system choose), " +
                "or set AllowReusePort on every server that shares the port.",
            SocketError.AccessDenied =>
                " The process may not use that address (ports below 1024 need privileges; a Unix path needs write access to its directory).",
            SocketError.AddressNotAvailable =>
                " The address does not belong to this machine.",
            _ => string.Empty,
        };
        string message = $"Could not {step} {server.GetType().Name} at {EndPoints.Describe(server.ServerAddress)}: {failure.Message} ({failure.SocketErrorCode}).{hint}";
        var described = new SocketException((int)failure.SocketErrorCode, message);
        described.Data[DescribedKey] = true;
        return described;
    }

    // Marks a failure already described, so that it is not described twice. A mark in Data rather than a subclass:
    // callers (and logs) see a plain SocketException.
    private const string DescribedKey = "SocketServer.DescribedBindFailure";
}
