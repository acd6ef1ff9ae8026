// Measures what SocketServer.Generators costs a build and an IDE: the generator's own time (Roslyn's
// driver timing) on one compilation of N annotated types, first run and re-run after an unrelated edit, and how many
// files that re-run emitted again (0: every model compared equal, so the IDE and the compiler reuse the output).
using System.Diagnostics;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SocketServer.Generators;

//
//   dotnet run -c Release --project bench/GeneratorCost [-- [--repeats N] [COUNT ...]]   (default: 7 repeats of 10 100 1000)
int repeats = 7;
var counts = new List<int>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--repeats" && i + 1 < args.Length && int.TryParse(args[i + 1], out int r) && r > 0)
    {
        repeats = r;
        i++;
    }
    else if (int.TryParse(args[i], out int count) && count > 0)
    {
        counts.Add(count);
    }
    else
    {
        Console.Error.WriteLine($"Unexpected argument '{args[i]}'. Usage: [--repeats N] [COUNT ...] (default: --repeats 7 10 100 1000)");
        return 2;
    }
}

if (counts.Count == 0)
{
    counts.AddRange([10, 100, 1_000]);
}

var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
MetadataReference[] references = [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(SocketServer.BaseServer).Assembly.Location)];

Console.WriteLine($"SocketServer.Generators cost, median of {repeats} runs (Roslyn driver timing of the generator itself)");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}");
Console.WriteLine();
Console.WriteLine("| types | first run | re-run after an unrelated edit | files re-emitted by the re-run | generated |");
Console.WriteLine("|---:|---:|---:|---:|---:|");

Measure(3, print: false); // warm-up: JIT the generator and Roslyn's paths
foreach (int count in counts)
{
    Measure(count, print: true);
}

return 0;

void Measure(int count, bool print)
{
    var first = new List<TimeSpan>();
    var rerun = new List<TimeSpan>();
    long generatedBytes = 0;
    int reemitted = 0;
    for (int repeat = 0; repeat < repeats; repeat++)
    {
        CSharpCompilation compilation = Create(count);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new SocketServerGenerator().AsSourceGenerator()],
            parseOptions: parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        first.Add(driver.GetTimingInfo().ElapsedTime);
        generatedBytes = driver.GetRunResult().GeneratedTrees.Sum(t => (long)t.Length);

        SyntaxTree unrelated = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            unrelated, unrelated.WithChangedText(SourceText.From(unrelated.ToString().Replace("42", "43", StringComparison.Ordinal))));
        driver = driver.RunGenerators(edited);
        rerun.Add(driver.GetTimingInfo().ElapsedTime);
        GeneratorDriverRunResult result = driver.GetRunResult();
        if (result.GeneratedTrees.Length != count)
        {
            throw new InvalidOperationException($"Expected {count} generated files.");
        }

        reemitted = result.Results[0].TrackedOutputSteps.SelectMany(step => step.Value)
            .SelectMany(run => run.Outputs)
            .Count(output => output.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    if (print)
    {
        Console.WriteLine($"| {count:N0} | {Median(first)} | {Median(rerun)} | {reemitted:N0} | {count:N0} files, {generatedBytes / 1024.0:N0} KiB |");
    }
}

CSharpCompilation Create(int count)
{
    var trees = new List<SyntaxTree>();
    for (int i = 0; i < count; i++)
    {
        // A realistic spread: every concurrency, every transport, a third with a user mix-in.
        string transport = new[] { "Tcp", "Udp", "UnixStream", "UnixDatagram" }[i % 4];
        string concurrency = new[] { "Sync", "Threading", "Forking", "Async" }[(i / 4) % 4];
        string handler = transport is "Tcp" or "UnixStream" ? "StreamEcho" : "DatagramEcho";
        string mixIn = i % 3 == 0 ? ", typeof(Bench.Logging)" : string.Empty;
        trees.Add(CSharpSyntaxTree.ParseText(
            $$"""
            using SocketServer;
            namespace Bench.Servers{{i / 50}};

            [SocketServer(Transport.{{transport}}, Concurrency.{{concurrency}}{{mixIn}}, Handler = typeof(Bench.{{handler}}))]
            public partial class Server{{i}}
            {
                public int Id => {{i}};
            }
            """,
            parseOptions,
            path: $"Server{i}.cs"));
    }

    trees.Add(CSharpSyntaxTree.ParseText(
        """
        using SocketServer;
        namespace Bench;
        public sealed class StreamEcho : StreamRequestHandler { public override void Handle() => WFile.Write(RFile.ReadLine()); }
        public sealed class DatagramEcho : DatagramRequestHandler { public override void Handle() => WFile.Write(Packet); }
        public sealed class Logging : ServerMixIn { }
        """,
        parseOptions,
        path: "Support.cs"));
    trees.Add(CSharpSyntaxTree.ParseText("namespace Bench; public static class Unrelated { public static int Answer() => 42; }", parseOptions, path: "Unrelated.cs"));
    return CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
}

static string Median(List<TimeSpan> times)
{
    TimeSpan median = times.Order().ElementAt(times.Count / 2);
    return median.TotalMilliseconds >= 10 ? $"{median.TotalMilliseconds:N0} ms" : $"{median.TotalMilliseconds:N2} ms";
}
