namespace SocketServer.Generators;

/// <summary>Names of the pipeline steps, so tests can check what each step cached.</summary>
internal static class TrackingNames
{
    /// <summary>Every <c>[SocketServer]</c> declaration, parsed (or rejected as <see langword="null"/>).</summary>
    public const string Parsed = nameof(Parsed);

    /// <summary>The declarations the generator can compose.</summary>
    public const string Composable = nameof(Composable);
}
