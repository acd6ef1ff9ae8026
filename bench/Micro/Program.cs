// Microbenchmarks of the runtime's hot paths (BenchmarkDotNet, in-process, allocations per operation):
//
//   dotnet run -c Release --project bench/Micro -- --filter '*'            every benchmark, measured (a few minutes)
//   dotnet run -c Release --project bench/Micro -- --quick --filter '*'    each benchmark once: checks they run, measures nothing
//
// Other BenchmarkDotNet options pass through (--filter '*ReadLine*', --list flat, ...).
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

bool quick = args.Contains("--quick");
string[] rest = [.. args.Where(a => a != "--quick")];

// In-process: no per-benchmark project to generate and build (that project would sit under the repository's
// Directory.Build.props and central package versions), and the runtime is measured as a server process runs it.
Job job = (quick ? Job.Dry : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
IConfig config = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "socketserver-micro-artifacts"));

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
