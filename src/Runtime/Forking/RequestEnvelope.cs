using System;
using System.Buffers.Binary;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace SocketServer.Internal;

/// <summary>
/// What the parent tells a Forking child about its request, besides the descriptors: the server's address, the
/// client's address, and for a datagram server the packet. Addresses travel as raw socket addresses, so IPv6 and
/// abstract Unix names survive intact.
/// </summary>
internal sealed class RequestEnvelope
{
    public RequestEnvelope(EndPoint serverAddress, EndPoint? clientAddress, byte[]? packet)
    {
        ServerAddress = serverAddress;
        ClientAddress = clientAddress;
        Packet = packet;
    }

    /// <summary>The largest encoded envelope: a 64 KiB datagram and two socket addresses fit.</summary>
    public const int MaxSize = 70 * 1024;

    public EndPoint ServerAddress { get; }

    public EndPoint? ClientAddress { get; }

    /// <summary>The datagram, or <see langword="null"/> for a stream request.</summary>
    public byte[]? Packet { get; }

    public byte[] Encode()
    {
        using var body = new MemoryStream();
        body.WriteByte(Packet is null ? (byte)0 : (byte)1);
        WriteAddress(body, ServerAddress);
        WriteAddress(body, ClientAddress);
        if (Packet is not null)
        {
            body.Write(Packet);
        }

        return body.ToArray();
    }

    public static RequestEnvelope Decode(ReadOnlySpan<byte> data)
    {
        bool datagram = data[0] == 1;
        int offset = 1;
        EndPoint server = ReadAddress(data, ref offset) ?? throw new InvalidDataException("The request envelope has no server address.");
        EndPoint? client = ReadAddress(data, ref offset);
        return new RequestEnvelope(server, client, datagram ? data[offset..].ToArray() : null);
    }

    private static void WriteAddress(Stream body, EndPoint? address)
    {
        Span<byte> header = stackalloc byte[4];
        if (address is null)
        {
            BinaryPrimitives.WriteInt16LittleEndian(header, -1);
            body.Write(header[..2]);
            return;
        }

        SocketAddress raw = address.Serialize();
        BinaryPrimitives.WriteInt16LittleEndian(header, (short)raw.Family);
        BinaryPrimitives.WriteInt16LittleEndian(header[2..], (short)raw.Size);
        body.Write(header);
        body.Write(raw.Buffer.Span[..raw.Size]);
    }

    private static EndPoint? ReadAddress(ReadOnlySpan<byte> data, ref int offset)
    {
        var family = (AddressFamily)BinaryPrimitives.ReadInt16LittleEndian(data[offset..]);
        offset += 2;
        if ((short)family == -1)
        {
            return null;
        }

        int size = BinaryPrimitives.ReadInt16LittleEndian(data[offset..]);
        offset += 2;
        var raw = new SocketAddress(family, size);
        data.Slice(offset, size).CopyTo(raw.Buffer.Span);
        offset += size;
        EndPoint template = family switch
        {
            AddressFamily.Unix => new UnixDomainSocketEndPoint("template"),
            AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
            _ => new IPEndPoint(IPAddress.Any, 0),
        };
        return template.Create(raw);
    }
}
