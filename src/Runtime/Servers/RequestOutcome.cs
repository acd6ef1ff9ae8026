using System;
using System.Collections.Generic;

namespace SocketServer;

/// <summary>How a request handed to <see cref="BaseServer.ServeRequest"/> ended.</summary>
/// <param name="Verified">
/// Whether <see cref="BaseServer.VerifyRequest"/> let the request through; <see langword="false"/> when it returned
/// <see langword="false"/> or threw (no handler ran; what it threw is in <paramref name="Errors"/>).
/// </param>
/// <param name="Errors">
/// The exceptions passed to <see cref="BaseServer.HandleError"/> for the request, in order (whatever an override of
/// <c>HandleError</c> did with them); empty when it succeeded.
/// </param>
public sealed record RequestOutcome(bool Verified, IReadOnlyList<Exception> Errors);
