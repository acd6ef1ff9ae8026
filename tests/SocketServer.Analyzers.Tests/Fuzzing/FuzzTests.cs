using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace SocketServer.Analyzers.Tests.Fuzzing;

/// <summary>
/// The generator, the analyzers and the code fixes never throw, whatever the user is in the middle of typing, and the
/// generator never refuses a declaration without an error that says why: each of many seeded mutations of
/// <see cref="FuzzSeeds"/> (see <see cref="SourceMutator"/>) goes through all of them (see <see cref="CompilerPlugins"/>).
/// </summary>
/// <remarks>
/// 500 variants by default, which CI runs (about 25 s on two busy cores). More, and another sequence:
/// <c>SOCKETSERVER_FUZZ_VARIANTS=10000 SOCKETSERVER_FUZZ_SEED=1 dotnet test tests/SocketServer.Analyzers.Tests
/// --filter FullyQualifiedName~Fuzzing</c>. A failure names the run seed and the variant's index (rerun with the same
/// seed and more variants than the index), what was done to the seed file, what threw, and the variant's source,
/// ready to become a regression test. A variant whose generated code has errors while the file has none fails too: a
/// declaration that collides with a generated member is SSA008 at the user's code (<c>SOCKETSERVER_FUZZ_STRICT=0</c>
/// turns that check off, to look at crashes alone).
/// Each variant must finish within <see cref="HangGuard"/>: a guard against a plug-in that loops forever, not a
/// performance assertion (a variant takes tens of milliseconds).
/// </remarks>
public class FuzzTests(ITestOutputHelper output)
{
    /// <summary>The fixed default sequence, so that CI runs the same variants every time.</summary>
    private const int DefaultRunSeed = 20261124;

    private const int DefaultVariants = 500;

    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    /// <summary>Failures printed in full; the rest are counted.</summary>
    private const int ReportedFailures = 5;

    [Fact]
    public async Task The_seeds_compile_without_errors_and_compose_servers()
    {
        foreach (string seed in FuzzSeeds.All)
        {
            Assert.Empty(await CompilerPlugins.FailuresAsync(seed, checkGeneratedCode: true, CancellationToken.None));
            Compilation composed = CompilerPlugins.Compose(seed);
            Assert.Empty(composed.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.True(composed.SyntaxTrees.Count() > 1, "The seed composes no server.");
        }
    }

    [Fact]
    public async Task Mutated_valid_files_never_make_the_generator_analyzers_or_code_fixes_throw()
    {
        int runSeed = Setting("SOCKETSERVER_FUZZ_SEED", DefaultRunSeed);
        int variants = Setting("SOCKETSERVER_FUZZ_VARIANTS", DefaultVariants);
        bool strict = Setting("SOCKETSERVER_FUZZ_STRICT", 1) == 1;

        // The first runs load the references, JIT Roslyn and compose the workspace's services: not timed.
        foreach (string seed in FuzzSeeds.All)
        {
            Assert.Empty(await CompilerPlugins.FailuresAsync(seed, strict, CancellationToken.None));
        }

        var failures = new ConcurrentBag<(int Index, string Report)>();
        var times = new TimeSpan[variants];
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, variants),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (index, _) =>
            {
                Mutant mutant = SourceMutator.Mutate(FuzzSeeds.All, runSeed, index);
                var elapsed = Stopwatch.StartNew();
                IReadOnlyList<string> problems = await RunGuarded(mutant.Source, strict);
                times[index] = elapsed.Elapsed;
                if (problems.Count > 0)
                {
                    failures.Add((index, $"{mutant.Describe()}\n{string.Join("\n", problems)}\n--- source ---\n{mutant.Source}\n--- end ---"));
                }
            });
        total.Stop();

        int slowest = variants == 0 ? 0 : Array.IndexOf(times, times.Max());
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{variants} variants of run seed {runSeed} in {total.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} threads; " +
            $"slowest: variant {slowest}, {(variants == 0 ? 0 : times[slowest].TotalMilliseconds):F0} ms; {failures.Count} failed."));
        string[] first = [.. failures.OrderBy(f => f.Index).Take(ReportedFailures).Select(f => f.Report)];
        Assert.True(failures.IsEmpty, $"{failures.Count} of {variants} variants failed; the first {first.Length}:\n\n{string.Join("\n\n", first)}");
    }

    /// <summary>Runs one variant on the thread pool and gives up on it after <see cref="HangGuard"/>, cancelling it.</summary>
    private static async Task<IReadOnlyList<string>> RunGuarded(string source, bool strict)
    {
        using var cancellation = new CancellationTokenSource();
        Task<IReadOnlyList<string>> run = Task.Run(() => CompilerPlugins.FailuresAsync(source, strict, cancellation.Token));
        try
        {
            return await run.WaitAsync(HangGuard);
        }
        catch (TimeoutException) when (!run.IsCompleted)
        {
            await cancellation.CancelAsync();
            return [$"did not finish within {HangGuard.TotalSeconds} s (a plug-in hangs)"];
        }
        catch (Exception exception)
        {
            // Whatever escapes the drivers (they catch what a plug-in throws) is a failure too.
            return [$"running the plug-ins threw: {exception}"];
        }
    }

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : fallback;
}
