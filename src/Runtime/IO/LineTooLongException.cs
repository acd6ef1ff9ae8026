using System;
using System.Globalization;
using System.IO;

namespace SocketServer.IO;

/// <summary>
/// Thrown by <see cref="BufferedReadStream.ReadLine"/>, <see cref="BufferedReadStream.ReadLineAsync"/> and
/// <see cref="BufferedReadStream.ReadLines"/>, called without a limit, when the client sends a line longer than the
/// stream's <see cref="BufferedReadStream.MaxLineLength"/> (set from the handler's <c>MaxLineLength</c>, 65,536 bytes by
/// default). Unless the handler catches it, it reaches <see cref="BaseServer.HandleError"/> and the connection closes.
/// </summary>
/// <remarks>
/// An <see cref="IOException"/>: the request stream cannot be read as lines, as when it times out or breaks, so code that
/// ends a connection on an <see cref="IOException"/> ends this one too. The bytes read up to the limit are consumed.
/// </remarks>
public sealed class LineTooLongException : IOException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public LineTooLongException()
        : base("A line from the client is longer than the stream's MaxLineLength.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What happened.</param>
    public LineTooLongException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public LineTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a line that passed <paramref name="maxLineLength"/>.</summary>
    /// <param name="maxLineLength">The limit in force.</param>
    /// <param name="bytesRead">How many bytes of the line had been read when it passed the limit.</param>
    public LineTooLongException(int maxLineLength, long bytesRead)
        : base(Describe(maxLineLength, bytesRead))
    {
        MaxLineLength = maxLineLength;
        BytesRead = bytesRead;
    }

    /// <summary>The limit that the line passed, in bytes (0 when the exception was created with a message only).</summary>
    public int MaxLineLength { get; }

    /// <summary>How many bytes of the line were read, none of them its end (<c>'\n'</c>), before reading stopped.</summary>
    public long BytesRead { get; }

    private static string Describe(int maxLineLength, long bytesRead) => string.Create(
        CultureInfo.InvariantCulture,
        $"A line from the client is longer than {maxLineLength:N0} bytes: {bytesRead:N0} bytes arrived without its end ('\\n'). " +
        $"Reading a line stops at MaxLineLength ({maxLineLength:N0} bytes) so that one client cannot make the server buffer without bound. " +
        $"If longer lines are expected, raise MaxLineLength on the handler (StreamRequestHandler.MaxLineLength or " +
        $"AsyncStreamRequestHandler.MaxLineLength; null removes the limit), or read long lines in pieces with ReadLine(limit).");
}
