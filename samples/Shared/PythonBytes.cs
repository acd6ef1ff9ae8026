using System.Text;

namespace SocketServer.Samples;

/// <summary>
/// The byte operations the docs' examples use, with Python's exact behaviour, so the C# samples print what
/// the Python ones print.
/// </summary>
internal static class PythonBytes
{
    /// <summary>Python's <c>bytes.strip()</c>: removes ASCII whitespace at both ends.</summary>
    public static byte[] Strip(ReadOnlySpan<byte> data)
    {
        static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0b or 0x0c;
        int start = 0;
        int end = data.Length;
        while (start < end && IsSpace(data[start]))
        {
            start++;
        }

        while (end > start && IsSpace(data[end - 1]))
        {
            end--;
        }

        return data[start..end].ToArray();
    }

    /// <summary>Python's <c>bytes.upper()</c>: ASCII letters only.</summary>
    public static byte[] Upper(ReadOnlySpan<byte> data)
    {
        byte[] upper = data.ToArray();
        for (int i = 0; i < upper.Length; i++)
        {
            if (upper[i] is >= (byte)'a' and <= (byte)'z')
            {
                upper[i] -= 'a' - 'A';
            }
        }

        return upper;
    }

    /// <summary>Python's <c>repr(bytes)</c>, as <c>print(self.data)</c> shows it: <c>b'hello world'</c>.</summary>
    public static string Repr(ReadOnlySpan<byte> data)
    {
        char quote = data.Contains((byte)'\'') && !data.Contains((byte)'"') ? '"' : '\'';
        var text = new StringBuilder("b").Append(quote);
        foreach (byte b in data)
        {
            _ = b switch
            {
                (byte)'\\' => text.Append(@"\\"),
                (byte)'\t' => text.Append(@"\t"),
                (byte)'\n' => text.Append(@"\n"),
                (byte)'\r' => text.Append(@"\r"),
                _ when b == quote => text.Append('\\').Append(quote),
                >= 0x20 and < 0x7f => text.Append((char)b),
                _ => text.Append(@"\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)),
            };
        }

        return text.Append(quote).ToString();
    }
}
