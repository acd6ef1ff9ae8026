// Measures what SocketServer.Generators costs a build and an IDE: the generator's own time (Roslyn's
// driver timing) on one compilation of N annotated types, first run and re-run after an unrelated edit.
using System.Diagnostics;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SocketServer.Generators;

const int Repeats = 7;
var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
MetadataReference[] references = [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(SocketServer.BaseServer).Assembly.Location)];

Console.WriteLine($"SocketServer.Generators cost, median of {Repeats} runs (Roslyn driver timing of the generator itself)");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, Roslyn {typeof(CSharpCompilation).Assembly.GetName().Version}");
Console.WriteLine();
Console.WriteLine("| types | first run | re-run after an unrelated edit | generated |");
Console.WriteLine("|---:|---:|---:|---:|");

Measure(3, print: false); // warm-up: JIT the generator and Roslyn's paths
foreach (int count in new[] { 10, 100, 1_000 })
{
    Measure(count, print: true);
}

void Measure(int count, bool print)
{
    var first = new List<TimeSpan>();
    var rerun = new List<TimeSpan>();
    long generatedBytes = 0;
    for (int repeat = 0; repeat < Repeats; repeat++)
    {
        CSharpCompilation compilation = Create(count);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new SocketServerGenerator().AsSourceGenerator()], parseOptions: parseOptions);
        driver = driver.RunGenerators(compilation);
        first.Add(driver.GetTimingInfo().ElapsedTime);
        generatedBytes = driver.GetRunResult().GeneratedTrees.Sum(t => (long)t.Length);

        SyntaxTree unrelated = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            unrelated, unrelated.WithChangedText(SourceText.From(unrelated.ToString().Replace("42", "43", StringComparison.Ordinal))));
        driver = driver.RunGenerators(edited);
        rerun.Add(driver.GetTimingInfo().ElapsedTime);
        if (driver.GetRunResult().GeneratedTrees.Length != count)
        {
            throw new InvalidOperationException($"Expected {count} generated files.");
        }
    }

    if (print)
    {
        Console.WriteLine($"| {count:N0} | {Median(first)} | {Median(rerun)} | {count:N0} files, {generatedBytes / 1024.0:N0} KiB |");
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
