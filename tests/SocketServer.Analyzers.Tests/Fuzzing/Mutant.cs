namespace SocketServer.Analyzers.Tests.Fuzzing;

/// <summary>
/// One fuzz input: variant <paramref name="Index"/> of the run seeded with <paramref name="RunSeed"/>, made from
/// seed file <paramref name="SeedFile"/> by <paramref name="Mutations"/>. The same run seed and index always give
/// the same source.
/// </summary>
public sealed record Mutant(int RunSeed, int Index, int SeedFile, IReadOnlyList<string> Mutations, string Source)
{
    /// <summary>How to find this variant again, and what was done to make it.</summary>
    public string Describe() =>
        $"variant {Index} of run seed {RunSeed} (seed file {SeedFile}; SOCKETSERVER_FUZZ_SEED={RunSeed}, " +
        $"SOCKETSERVER_FUZZ_VARIANTS>{Index}); mutations: {string.Join("; ", Mutations)}";
}
