/// <summary>
/// The echo's deliberate faults, for the soak's self-check: each happens once per process, when the total of bytes
/// echoed (every connection and datagram together) reaches its offset. Off (negative offsets) by default.
/// </summary>
internal static class BrokenEcho
{
    private static long s_corruptAt = -1;
    private static long s_dropAt = -1;
    private static long s_echoed;

    public static void Configure(long corruptAfter, long dropAfter)
    {
        s_corruptAt = corruptAfter;
        s_dropAt = dropAfter;
    }

    /// <summary>
    /// Counts <paramref name="chunk"/> as about to be echoed, flipping a byte if the corruption's offset falls in it;
    /// false if the drop's offset falls in it: the caller then ends the connection without echoing the chunk (or sends no reply to the datagram).
    /// </summary>
    public static bool Pass(Span<byte> chunk)
    {
        long end = Interlocked.Add(ref s_echoed, chunk.Length);
        long start = end - chunk.Length;
        if (s_corruptAt >= start && s_corruptAt < end)
        {
            chunk[(int)(s_corruptAt - start)] ^= 0xFF;
        }

        return !(s_dropAt >= start && s_dropAt < end);
    }
}
