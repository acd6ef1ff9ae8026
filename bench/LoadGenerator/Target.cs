// Shared by the load generator and bench/SoakClient (which links this file): how a server under test is named.
using System.Net;
using System.Net.Sockets;

/// <summary>Where the server listens: <c>tcp:HOST:PORT</c>, <c>udp:HOST:PORT</c> or <c>unix:PATH</c>.</summary>
internal sealed record Target(string Scheme, EndPoint EndPoint)
{
    public bool IsDatagram => Scheme == "udp";

    public static Target Parse(string text)
    {
        int colon = text.IndexOf(':');
        string scheme = colon > 0 ? text[..colon] : "";
        string rest = text[(colon + 1)..];
        switch (scheme)
        {
            case "unix":
                return new Target(scheme, new UnixDomainSocketEndPoint(rest));
            case "tcp" or "udp" when IPEndPoint.TryParse(rest, out IPEndPoint? endPoint):
                return new Target(scheme, endPoint);
            default:
                throw new ArgumentException($"--target must be tcp:HOST:PORT, udp:HOST:PORT or unix:PATH, not '{text}'.");
        }
    }

    public Socket NewSocket() => EndPoint switch
    {
        UnixDomainSocketEndPoint => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
        _ when IsDatagram => new Socket(EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp),
        _ => new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true },
    };
}
