using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace SocketServer.Internal;

/// <summary>Turns user-supplied addresses into the endpoints a server binds, and back into text.</summary>
internal static class EndPoints
{
    /// <summary>
    /// Python's <c>(host, port)</c> tuple: <c>""</c> is every interface, an address literal is used as
    /// is, and a name is resolved preferring IPv4 (as Python's default <c>AF_INET</c> servers do).
    /// </summary>
    public static IPEndPoint FromHostAndPort(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        ValidatePort(port);
        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return new IPEndPoint(literal, port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Cannot resolve the host name '{host}' to an address to bind: {e.Message}"),
                nameof(host),
                e);
        }

        IPAddress? chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6);
        if (chosen is null)
        {
            throw new ArgumentException($"The host name '{host}' resolved to no IPv4 or IPv6 address.", nameof(host));
        }

        return new IPEndPoint(chosen, port);
    }

    /// <summary>Validates an IP server address; a <see cref="DnsEndPoint"/> is resolved to an <see cref="IPEndPoint"/>.</summary>
    public static EndPoint RequireIp(EndPoint serverAddress, string serverKind)
    {
        ArgumentNullException.ThrowIfNull(serverAddress);
        return serverAddress switch
        {
            IPEndPoint ip => ip,
            DnsEndPoint dns => FromHostAndPort(dns.Host, dns.Port),
            _ => throw new ArgumentException(
                $"A {serverKind} listens on an IP address (IPEndPoint or DnsEndPoint); got a {serverAddress.GetType().Name} ({serverAddress}). " +
                "For a Unix-domain socket path use UnixStreamServer or UnixDatagramServer.",
                nameof(serverAddress)),
        };
    }

    /// <summary>The endpoint of a datagram's sender, or <see langword="null"/> for an unbound Unix socket.</summary>
    public static EndPoint? FromSocketAddress(EndPoint template, SocketAddress address)
    {
        EndPoint endPoint = template.Create(address);
        return IsUnnamed(endPoint) ? null : endPoint;
    }

    /// <summary>The peer of an accepted connection, or <see langword="null"/> for an unbound Unix socket.</summary>
    public static EndPoint? PeerOf(Socket connection)
    {
        EndPoint? remote = connection.RemoteEndPoint;
        return IsUnnamed(remote) ? null : remote;
    }

    /// <summary>True for a Unix-domain endpoint that carries no path (the peer never bound its socket).</summary>
    public static bool IsUnnamed(EndPoint? endPoint) =>
        endPoint is UnixDomainSocketEndPoint unix && string.IsNullOrEmpty(unix.ToString());

    /// <summary>How an address appears in messages: the endpoint's text, or a note that the peer is unbound.</summary>
    public static string Describe(EndPoint? endPoint) => endPoint?.ToString() ?? "(unbound Unix socket)";

    private static void ValidatePort(int port)
    {
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A port is between 0 (let the system choose) and 65535.");
        }
    }
}
