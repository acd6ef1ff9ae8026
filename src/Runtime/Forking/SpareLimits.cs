namespace SocketServer.Internal;

/// <summary>
/// What bounds a Forking server's spares, read from its settings at each step (a program may change them while it
/// serves): the spares it always keeps, the most it keeps while requests come faster than spares start, and the most
/// children it has in all, which extra spares never pass.
/// </summary>
/// <param name="Minimum">The server's <c>SpareChildren</c> (0 or more).</param>
/// <param name="Maximum">
/// The server's <c>MaxSpareChildren</c>, never below <paramref name="Minimum"/>; 0 when <paramref name="Minimum"/> is 0, for a
/// server asked for no spares starts a child per request, however fast requests come.
/// </param>
/// <param name="MaxChildren">The server's <c>MaxChildren</c>.</param>
internal readonly record struct SpareLimits(int Minimum, int Maximum, int MaxChildren)
{
    public static SpareLimits Of(IForkingSettings settings)
    {
        int minimum = System.Math.Max(0, settings.SpareChildren);
        int maximum = minimum == 0 ? 0 : System.Math.Max(minimum, settings.MaxSpareChildren);
        return new SpareLimits(minimum, maximum, settings.MaxChildren);
    }
}
