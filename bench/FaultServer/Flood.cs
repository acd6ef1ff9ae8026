/// <summary>
/// The flood: a stream client whose first bytes are <see cref="Request"/> gets <see cref="Size"/> bytes back, byte
/// <c>i</c> being <c>i % 251</c> (a prime, so a lost or repeated write shows), written <see cref="Chunk"/> at a time.
/// </summary>
internal static class Flood
{
    public static ReadOnlySpan<byte> Request => "flood\n"u8;

    public static long Size { get; set; } = 100L * 1024 * 1024;

    /// <summary>One write: 261 × 251 bytes (just under 64 KiB), so every write starts the pattern afresh.</summary>
    public static byte[] Chunk { get; } = Enumerable.Range(0, 261 * 251).Select(i => (byte)(i % 251)).ToArray();

    public static bool IsRequest(ReadOnlySpan<byte> first) => first.StartsWith(Request);

    /// <summary>The writes of a flood, in order.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Writes()
    {
        for (long offset = 0; offset < Size; offset += Chunk.Length)
        {
            yield return Chunk.AsMemory(0, (int)Math.Min(Chunk.Length, Size - offset));
        }
    }
}
