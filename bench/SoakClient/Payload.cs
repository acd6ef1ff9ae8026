using System.Buffers.Binary;

/// <summary>
/// The bytes of the messages: a slice of one block of seeded random bytes at a random offset, headed by the
/// connection number and the message's sequence number, so an echo that is corrupted, from another connection or
/// from another message differs from what was sent.
/// </summary>
internal sealed class Payload
{
    private readonly byte[] _block;

    public Payload(int seed, int maxSize)
    {
        _block = new byte[Math.Max(maxSize * 2, 1 << 20)];
        new Random(seed).NextBytes(_block);
    }

    public void Write(Span<byte> message, int connection, long sequence, Random random)
    {
        _block.AsSpan(random.Next(_block.Length - message.Length + 1), message.Length).CopyTo(message);
        BinaryPrimitives.WriteInt32LittleEndian(message, connection);
        BinaryPrimitives.WriteInt64LittleEndian(message[4..], sequence);
    }

    public static (int Connection, long Sequence) Header(ReadOnlySpan<byte> message) =>
        message.Length < SoakOptions.HeaderSize
            ? (-1, -1)
            : (BinaryPrimitives.ReadInt32LittleEndian(message), BinaryPrimitives.ReadInt64LittleEndian(message[4..]));

    /// <summary>The first offset where the echo differs from the message, or -1 when it is the same.</summary>
    public static int FirstDifference(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> echoed)
    {
        int common = sent.CommonPrefixLength(echoed);
        return common == sent.Length && sent.Length == echoed.Length ? -1 : common;
    }
}
