using System;

namespace SocketServer;

/// <summary>
/// Names the mix-in a <see cref="Concurrency"/> member composes: the generator places it last in the server's mix-in
/// chain (nearest the transport, as Python's <c>class S(UserMixIns..., ThreadingMixIn, TCPServer)</c>). A member
/// without it (<see cref="Concurrency.Sync"/>) composes none.
/// </summary>
/// <param name="mixIn">A <see cref="ServerMixIn"/> with a public parameterless constructor.</param>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class ConcurrencyMixInAttribute(Type mixIn) : Attribute
{
    /// <summary>The mix-in type.</summary>
    public Type MixIn { get; } = mixIn;
}
