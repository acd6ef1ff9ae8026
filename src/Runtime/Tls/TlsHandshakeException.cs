using System;
using System.IO;

namespace SocketServer;

/// <summary>
/// A TLS handshake failed or did not finish within <see cref="TlsMixIn.HandshakeTimeout"/>: thrown by
/// <see cref="TlsMixIn"/>'s <see cref="BaseServer.CreateRequestStream"/> step, so it reaches
/// <see cref="BaseServer.HandleError"/> like any failed request, and the server goes on serving others. The message
/// says which client and why; <see cref="Exception.InnerException"/> is what .NET's <see cref="System.Net.Security.SslStream"/>
/// threw, if anything.
/// </summary>
public class TlsHandshakeException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TlsHandshakeException()
        : base("The TLS handshake failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, with whom.</param>
    public TlsHandshakeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What failed, with whom.</param>
    /// <param name="innerException">What <see cref="System.Net.Security.SslStream"/> threw.</param>
    public TlsHandshakeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
