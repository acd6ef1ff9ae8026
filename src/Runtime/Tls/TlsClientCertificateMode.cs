namespace SocketServer;

/// <summary>Whether a <see cref="TlsMixIn"/> asks clients for a certificate, and whether it serves a client without one.</summary>
public enum TlsClientCertificateMode
{
    /// <summary>Clients are not asked for a certificate (the default).</summary>
    None,

    /// <summary>
    /// Clients are asked for a certificate; a client without one is served, a client whose certificate fails validation is
    /// refused.
    /// </summary>
    Optional,

    /// <summary>Clients must present a certificate that passes validation; any other client is refused in the handshake.</summary>
    Required,
}
