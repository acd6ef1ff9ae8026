using Xunit.Abstractions;

namespace SocketServer.Samples.Tests.Documentation;

/// <summary>
/// What a reader types must work from a fresh clone: every shell command of README.md, docs/ and bench/README.md (the
/// rule is <see cref="ShellCommand"/>'s) is in <see cref="Table"/>, either run, in its smallest form, with a check of
/// what it must print, or skipped, with the reason. A documented command missing from the table fails, and so does an
/// entry whose command no page shows any more: the table cannot drift from the pages.
/// </summary>
/// <remarks>
/// In the Release-builds collection: the benchmark scripts and <c>dotnet pack</c> build Release outputs of the same
/// projects as the package and NativeAOT tests. Every step is bounded, runs in its own process group, and that group
/// is killed when the step ends.
/// </remarks>
[Collection(nameof(ReleaseBuilds))]
public class DocumentedCommandsTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    /// <summary>README's "Get the package": pack both packages into a folder of the home directory.</summary>
    private static readonly string[] PackCommands =
    [
        "dotnet pack src/Runtime -c Release -o ~/socketserver-packages",
        "dotnet pack src/Hosting -c Release -o ~/socketserver-packages",
    ];

    /// <summary>README's "Get the package": a new console project that takes the package from that folder.</summary>
    private static readonly string[] ConsumerCommands =
    [
        "dotnet new console -o UpperCase",
        "cd UpperCase",
        "dotnet new nugetconfig",
        "dotnet nuget add source ~/socketserver-packages --name socketserver",
        "dotnet add package SocketServer.Generators",
    ];

    private const string OneOffAddPackage = "dotnet add package SocketServer.Generators --source ~/socketserver-packages";

    /// <summary>Every documented command (normalised as <see cref="ShellCommand"/> says): how it is run, or why not.</summary>
    private static readonly Entry[] Table =
    [
        Entry.Run(
            "the upper-case sample answered by the docs' client",
            (test, at) => test.UpperCaseSampleAnswersTheDocsClient(at),
            "dotnet run --project samples/UpperCaseTcp",
            "python3 samples/clients/tcp_client.py hello world"),
        Entry.Run(
            "get the package",
            (test, at) => test.GetThePackage(at),
            [.. PackCommands, .. ConsumerCommands, OneOffAddPackage]),
        Entry.Run(
            "bench/run.py",
            (test, at) => test.BenchRun(at),
            "python3 bench/run.py",
            "python3 bench/run.py --warmup 0.5 --duration 1",
            "python3 bench/run.py --quick"),
        Entry.Run(
            "bench/tls.py",
            (test, at) => test.BenchTls(at),
            "python3 bench/tls.py",
            "python3 bench/tls.py --quick"),
        Entry.Run(
            "bench/forking_latency.py",
            (test, at) => test.ForkingLatency(at),
            "python3 bench/forking_latency.py [requests]",
            "python3 bench/forking_latency.py 200"),
        Entry.Run(
            "bench/GeneratorCost",
            (test, at) => test.GeneratorCost(at),
            "dotnet run -c Release --project bench/GeneratorCost"),
        Entry.Run(
            "bench/Micro",
            (test, at) => test.Microbenchmarks(at),
            "dotnet run -c Release --project bench/Micro -- --quick --filter '*'"),
        Entry.Run(
            "bench/soak.py",
            (test, at) => test.SoakAndFaults(at),
            "python3 bench/soak.py",
            "python3 bench/soak.py --connections 64 --duration 60",
            "python3 bench/soak.py --quick",
            "python3 bench/soak.py --quick --broken corrupt",
            "python3 bench/soak.py --faults",
            "python3 bench/soak.py --faults --quick"),

        Entry.Skip(
            "measures for about 15 minutes on 2 cores: its --quick form (the bench/Micro entry) builds the same project and runs every "
            + "benchmark once, which shows that each runs",
            "dotnet run -c Release --project bench/Micro -- --filter '*'"),
        Entry.Skip(
            "it is this run: the tests themselves",
            "dotnet test SocketServer.Generators.sln"),
        Entry.Skip(
            "installs python3, systemd and haproxy with apt-get as root, then runs `dotnet test SocketServer.Generators.sln`: the CI's entry point, which runs this",
            "bash .ci/run"),
        Entry.Skip(
            "the README's first server, run in the project that \"Get the package\" makes: DocumentationExamplesTests "
            + "builds that block in a fresh project with the packed package and runs it on a free port, answered by tcp_client.py",
            "dotnet run"),
        Entry.Skip(
            "a NativeAOT publish takes about a minute on 2 cores: NativeAotTests.UpperCaseTcp_published_with_NativeAOT_has_no_warnings_and_serves_the_docs_client "
            + "runs this publish (to a temporary folder instead of out) without a warning, then the binary with --host 127.0.0.1 --port 0, answered by tcp_client.py",
            "dotnet publish samples/UpperCaseTcp -c Release -r linux-x64 -p:PublishAot=true -o out",
            "./out/UpperCaseTcp --port 0"),
        Entry.Skip(
            "publishes LatencyServer ReadyToRun first (crossgen of the program and SocketServer.Runtime, a minute or more on 2 cores), "
            + "then measures exactly what `python3 bench/forking_latency.py 5` checks above, with that build",
            "python3 bench/forking_latency.py --ready-to-run 200"),
        Entry.Skip(
            "docs/forking.md's advice for the reader's own program, in prose (there is no project to publish where it stands); "
            + "`python3 bench/forking_latency.py --ready-to-run` publishes bench/LatencyServer exactly this way",
            "dotnet publish -c Release -r linux-x64 -p:PublishReadyToRun=true"),
        Entry.Skip(
            "publishes UpperCaseTcp with NativeAOT first (about a minute on 2 cores; NativeAotTests covers that publish and the binary), then only times start-ups",
            "python3 bench/startup.py [runs]",
            "python3 bench/startup.py 20"),
        Entry.Skip(
            "named in docs/diagnostics.md's prose (which rules a command-line build prints): DocumentationExamplesTests runs `dotnet build` "
            + "on every example of the docs, and checks that each `// expect: SSA00N` example prints exactly that diagnostic",
            "dotnet build"),
        Entry.Skip(
            "talks to a TLS server on port 9999 that the reader started: TlsEchoTests runs `openssl s_client` (and Python's ssl) against "
            + "the built TlsEcho on a free port, with every concurrency, SNI, protocol versions and client certificates",
            "openssl s_client",
            "openssl s_client -connect localhost:9999 -quiet"),
        Entry.Skip(
            "not a command to type: the label of the JIT row in startup.py's table, which startup.py runs",
            "dotnet UpperCaseTcp.dll"),
        Entry.Skip(
            "PackageTests.The_hosting_package_alone_brings_the_generator_and_runs_a_server_in_the_generic_host references both packages in a fresh project and runs "
            + "README's hosting example; here, with a scratch home, Microsoft.Extensions.Hosting and its dependencies would be downloaded again",
            "dotnet add package SocketServer.Hosting",
            "dotnet add package Microsoft.Extensions.Hosting"),
        Entry.Skip(
            "interactive until Ctrl+C, on a <pid> placeholder: DotnetCountersTests.Dotnet_counters_sees_exactly_the_bytes_Echo_received_and_sent reads the same meter "
            + "with `dotnet-counters collect`, installed by `dotnet tool restore`",
            "dotnet-counters monitor --counters SocketServer -p <pid>",
            "dotnet tool restore"),
        Entry.Skip(
            "a server left running on a Release build: InlineSocketCompletionsTests runs the Echo sample's Async server with this variable "
            + "(tcp and unixstream, on a free port) under bulk and small-message traffic, and bench/run.py measures it as ours-async-inline",
            "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet samples/Echo/bin/Release/net10.0/Echo.dll --transport tcp --concurrency async --port 0"),
        Entry.Skip(
            "on a PID placeholder: DotnetCountersTests.Dotnet_counters_sees_exactly_the_bytes_Echo_received_and_sent runs `dotnet-counters collect` "
            + "against the Echo sample it starts",
            "dotnet dotnet-counters collect -p PID --counters System.Runtime --duration 00:00:05 --format csv -o counters.csv"),
        Entry.Skip(
            "SocketActivationTests.Echo_started_by_systemd_socket_activate_serves_the_passed_socket runs Echo under systemd-socket-activate on a free port "
            + "(tcp and unixstream); this test project's build builds samples/Echo",
            "dotnet build samples/Echo",
            "systemd-socket-activate -l 127.0.0.1:9999 dotnet samples/Echo/bin/Debug/net10.0/Echo.dll --transport tcp"),
        Entry.Skip(
            "servers left in the background on the fixed port 9999: ScaleOutTests.Two_processes_with_reuse_port_share_one_port_and_the_kernel_spreads_connections_over_both "
            + "runs two HostedEcho processes with --reuse-port on one free port",
            "dotnet run --project samples/HostedEcho -- --port 9999 --reuse-port &"),
        Entry.Skip(
            "ScaleOutTests.Rolling_restart_behind_HAProxy_fails_no_new_connection_and_loses_no_running_echo runs this script (with the HostedEcho this test project builds)",
            "python3 samples/ScaleOut/rolling_restart.py"),
    ];

    public static TheoryData<string> RunEntries() => [.. Table.Where(e => e.Check is not null).Select(e => e.Name)];

    [Fact]
    public void Every_documented_command_is_in_the_table_and_every_command_of_the_table_is_documented()
    {
        IReadOnlyList<ShellCommand> documented = ShellCommand.InDocumentation();
        Assert.NotEmpty(documented);
        string[] listed = [.. Table.SelectMany(e => e.Documented)];

        string[] missing = [.. documented.Where(c => !listed.Contains(c.Text)).Select(c => $"\n    {c.Location}: {c.Text}")];
        string[] stale = [.. listed.Distinct().Where(text => !documented.Any(c => c.Text == text)).Select(text => $"\n    {text}")];
        string[] twice = [.. listed.GroupBy(text => text).Where(g => g.Count() > 1).Select(g => $"\n    {g.Key}")];
        Assert.True(
            missing.Length == 0 && stale.Length == 0 && twice.Length == 0,
            (missing.Length > 0 ? "Documented commands that are not in DocumentedCommandsTests.Table: add each as run (how, and what it must print) or skip (why):" + string.Concat(missing) + "\n" : "")
            + (stale.Length > 0 ? "Commands in DocumentedCommandsTests.Table that no page shows any more: remove or update their entries:" + string.Concat(stale) + "\n" : "")
            + (twice.Length > 0 ? "Commands in more than one entry of DocumentedCommandsTests.Table:" + string.Concat(twice) : ""));
        Assert.All(Table, e => Assert.True(e.Check is not null || e.SkipReason!.Length > 20, $"{e.Name}: a skip says why."));
    }

    [Theory]
    [MemberData(nameof(RunEntries))]
    public void A_documented_command_works_in_its_smallest_form(string entry)
    {
        Entry run = Table.Single(e => e.Name == entry);
        IReadOnlyList<ShellCommand> documented = ShellCommand.InDocumentation();
        string at = string.Join(", ", run.Documented.Select(text =>
            $"`{text}` at {string.Join(", ", documented.Where(c => c.Text == text).Select(c => c.Location).DefaultIfEmpty("(nowhere)"))}"));
        run.Check!(this, at);
    }

    [Fact]
    public void The_extractor_reads_shell_lines_and_command_spans_with_their_lines()
    {
        string[] page =
        [
            "Run `dotnet build` and `python3 x.py",
            "--quick`; not `SocketServer.Transport` nor `dotnet`.",
            "```sh",
            "dotnet run --project a   # a comment",
            "",
            "python3 long.py \\",
            "  --option 1",
            "```",
            "```console",
            "$ ./out/Server --port 0",
            "listening on 127.0.0.1:5",
            "```",
            "```csharp",
            "var s = \"`dotnet csharp`\";",
            "```",
            "| `nc -u localhost 9999` | `bash x.sh` |",
        ];
        Assert.Equal(
            [
                ("page.md:1", "dotnet build"),
                ("page.md:1", "python3 x.py --quick"),
                ("page.md:4", "dotnet run --project a"),
                ("page.md:6", "python3 long.py --option 1"),
                ("page.md:10", "./out/Server --port 0"),
                ("page.md:16", "nc -u localhost 9999"),
                ("page.md:16", "bash x.sh"),
            ],
            ShellCommand.Parse("page.md", page).Select(c => (c.Location, c.Text)));
    }

    /// <summary>
    /// README: `dotnet run --project samples/UpperCaseTcp` (localhost:9999), then the docs' client. Here the sample
    /// gets a free port (its own --host and --port options) and the client that port (the one change to it, as in
    /// DocsExamplesTests); the server is stopped with SIGTERM, as Ctrl+C would.
    /// </summary>
    private void UpperCaseSampleAnswersTheDocsClient(string at)
    {
        using ChildProcess server = ChildProcess.InOwnProcessGroup(
            ChildProcess.InRepository(), CommandStep.Environment(),
            "dotnet", "run", "--project", "samples/UpperCaseTcp", "--", "--host", "127.0.0.1", "--port", "0");
        string listening = server.ReadUntil(line => line.StartsWith("listening on ", StringComparison.Ordinal), "listening on");
        Assert.Matches(@"^listening on 127\.0\.0\.1:\d+$", listening);
        int port = int.Parse(listening[(listening.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        string client = DocsExamplesTests.DocsClientOn("tcp_client.py", port);
        CommandStep answer = CommandStep.Run(log, at, $"python3 {client} hello world", TimeSpan.FromMinutes(1));
        Assert.True(
            answer.Output is ["Sent:     hello world", "Received: HELLO WORLD"],
            answer.Failure("did not print what the README says"));
        Assert.Equal("127.0.0.1 wrote:", server.ReadLine());
        Assert.Equal("b'hello world'", server.ReadLine());

        server.Signal(Signals.SIGTERM);
        Assert.Equal(0, server.WaitForExitWithin(TimeSpan.FromSeconds(30)));
        File.Delete(client);
    }

    /// <summary>
    /// README's "Get the package", each block run as written by bash, with a scratch home directory (so
    /// <c>~/socketserver-packages</c> and NuGet's packages folder and settings are new), then the new project built.
    /// The one-off variant (<c>--source</c>) runs in a second new project.
    /// </summary>
    /// <remarks>
    /// The pack block runs in the repository, where <c>~</c> is the scratch home but <c>dotnet</c> itself gets the
    /// user's home: the repository's own restore must see the user's NuGet settings and packages folder, or it would
    /// rewrite the repository's obj/project.assets.json files to point into the scratch home, and every later build of
    /// the repository (Debug too, under the feet of the other tests) would start over.
    /// </remarks>
    private void GetThePackage(string at)
    {
        string home = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"get-the-package-{Guid.NewGuid():N}")).FullName;
        try
        {
            string work = Directory.CreateDirectory(Path.Combine(home, "work")).FullName;
            Dictionary<string, string> scratchHome = CommandStep.Environment(("HOME", home));
            string userHome = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string[] packing = [$"dotnet() {{ HOME='{userHome}' command dotnet \"$@\"; }}", .. PackCommands];

            CommandStep.Run(log, at, Script(packing), Bound, environment: scratchHome);
            string feed = Path.Combine(home, "socketserver-packages");
            Assert.Single(Directory.GetFiles(feed, "SocketServer.Generators.*.nupkg"));
            Assert.Single(Directory.GetFiles(feed, "SocketServer.Hosting.*.nupkg"));

            CommandStep consumer = CommandStep.Run(log, at, Script(ConsumerCommands), Bound, workingDirectory: work, environment: scratchHome);
            string project = Path.Combine(work, "UpperCase");
            Assert.True(
                File.ReadAllText(Path.Combine(project, "UpperCase.csproj")).Contains("<PackageReference Include=\"SocketServer.Generators\"", StringComparison.Ordinal),
                consumer.Failure("left no PackageReference to SocketServer.Generators in UpperCase.csproj"));
            consumer.Prints(@"Installed SocketServer\.Generators .* from .*socketserver-packages", "install of the package from ~/socketserver-packages");

            CommandStep build = CommandStep.Run(log, at, "dotnet build", Bound, workingDirectory: project, environment: scratchHome);
            build.Prints(@"^\s*0 Warning\(s\)", "'0 Warning(s)'");

            CommandStep.Run(log, at, "dotnet new console -o OneOff", Bound, workingDirectory: work, environment: scratchHome);
            CommandStep oneOff = CommandStep.Run(log, at, OneOffAddPackage, Bound, workingDirectory: Path.Combine(work, "OneOff"), environment: scratchHome);
            oneOff.Prints(@"PackageReference for package 'SocketServer\.Generators' version '.+' added", "the added PackageReference");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// `python3 bench/run.py`, in its smoke form: --quick (the C limit, ours and CPython, TCP and UDP echo, one window each), with every
    /// option bench/README.md names that a short run can take, written to a temporary file; RESULTS.md stays as it is.
    /// </summary>
    private void BenchRun(string at)
    {
        string results = ChildProcess.InRepository("bench", "RESULTS.md");
        byte[] before = File.ReadAllBytes(results);
        string output = Path.Combine(Path.GetTempPath(), $"bench-run-{Guid.NewGuid():N}.md");
        try
        {
            CommandStep run = CommandStep.Run(log, at, $"python3 bench/run.py --quick --warmup 0.5 --duration 1 --repeat 1 --output {output}", Bound);
            foreach (string row in new[] { @"tcp \| echo 32 B \| 16 \| c-threads", @"udp \| echo 32 B \| 1 \| c-threads", @"tcp \| echo 32 B \| 16 \| ours-async", @"tcp \| echo 32 B \| 16 \| cpython", @"udp \| echo 32 B \| 1 \| ours-async", @"udp \| echo 32 B \| 1 \| cpython" })
            {
                run.Prints(@"^\| " + row + @" \| \d+ \| \d+ \| \d+ \|", $"result row '{row}'");
            }

            run.DoesNotPrint("ERROR", "an error");
            Assert.True(File.Exists(output), run.Failure($"wrote no {output}"));
            Assert.Contains("Produced by `python3 bench/run.py --quick` on ", File.ReadAllText(output));
            Assert.True(before.AsSpan().SequenceEqual(File.ReadAllBytes(results)), run.Failure("rewrote bench/RESULTS.md"));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>
    /// `python3 bench/tls.py` in its smoke form: --quick (ours-threading and raw-threads over TLS 1.3 with a certificate
    /// made for the run, a 32-byte echo at 16 connections and 4 handshaking clients, one window each), written to a
    /// temporary file; RESULTS.md stays as it is.
    /// </summary>
    private void BenchTls(string at)
    {
        string results = ChildProcess.InRepository("bench", "RESULTS.md");
        byte[] before = File.ReadAllBytes(results);
        string output = Path.Combine(Path.GetTempPath(), $"bench-tls-{Guid.NewGuid():N}.md");
        try
        {
            CommandStep run = CommandStep.Run(log, at, $"python3 bench/tls.py --quick --output {output}", Bound);
            foreach (string row in new[] { @"echo 32 B \| 16 \| ours-threading", @"echo 32 B \| 16 \| raw-threads", @"handshake \+ echo 32 B \| 4 \| ours-threading", @"handshake \+ echo 32 B \| 4 \| raw-threads" })
            {
                run.Prints(@"^\| " + row + @" \| \d+ \| \d+ \| \d+ \|", $"result row '{row}'");
            }

            run.Prints("Negotiated, as the load generator saw it: Tls13, ", "TLS 1.3 negotiated");
            run.DoesNotPrint("ERROR", "an error");
            Assert.True(File.Exists(output), run.Failure($"wrote no {output}"));
            Assert.Contains("Produced by `python3 bench/tls.py --quick` on ", File.ReadAllText(output));
            Assert.True(before.AsSpan().SequenceEqual(File.ReadAllBytes(results)), run.Failure("rewrote bench/RESULTS.md"));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>`python3 bench/forking_latency.py [requests]` with 5 requests (each server still starts and answers).</summary>
    private void ForkingLatency(string at)
    {
        CommandStep run = CommandStep.Run(log, at, "python3 bench/forking_latency.py 5", Bound);
        foreach (string server in new[] { "CPython ForkingTCPServer, back to back", "SocketServer Forking, cold \\(SpareChildren = 0\\), back to back", "SocketServer Forking, 2 spares, back to back", "SocketServer Threading, back to back" })
        {
            run.Prints($@"^\| {server} \| \d+ \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ \|$", $"row '{server}'");
        }
    }

    /// <summary>`dotnet run -c Release --project bench/GeneratorCost` in bench/README's quick look: one repeat, 10 types.</summary>
    private void GeneratorCost(string at)
    {
        CommandStep run = CommandStep.Run(log, at, "dotnet run -c Release --project bench/GeneratorCost -- --repeats 1 10", Bound);

        // Types, first run, re-run, files re-emitted (0: every model cached), generated.
        run.Prints(@"^\| 10 \| [\d.]+ ms \| [\d.]+ ms \| 0 \| 10 files", "row for 10 types with 0 files re-emitted");
    }

    /// <summary>
    /// `dotnet run -c Release --project bench/Micro -- --quick --filter '*'`: every microbenchmark runs once (BenchmarkDotNet's
    /// Dry job) and has a row with a mean; a benchmark that threw would show NA instead.
    /// </summary>
    private void Microbenchmarks(string at)
    {
        CommandStep run = CommandStep.Run(log, at, "dotnet run -c Release --project bench/Micro -- --quick --filter '*'", Bound);
        foreach (string row in new[]
        {
            @"ReadLine +\| 32", @"ReadLineAsync +\| 32", @"ReadLine +\| 1024", @"ReadLineAsync +\| 1024",
            @"Write +\| 32", @"WriteAsync +\| 32", @"Write +\| 65536", @"WriteAsync +\| 65536",
            "HandOff", "RunRequestAsync", "ProcessRequest",
        })
        {
            run.Prints(@"^\| " + row + @" +\| +[\d.,]+ \S+ +\|", $"row '{row}' with a mean");
        }

        run.Prints("executed benchmarks: 11$", "'executed benchmarks: 11'");
    }

    /// <summary>
    /// bench/soak.py in its --quick forms: the soak on two servers (a stream and a datagram one, both concurrencies);
    /// the self-check, which must fail with one mismatch; and the fault suite's --quick, in full. The first builds,
    /// the others use its builds (--no-build).
    /// </summary>
    private void SoakAndFaults(string at)
    {
        CommandStep soak = CommandStep.Run(log, at, "python3 bench/soak.py --quick --servers tcp-threading,udp-async", Bound);
        soak.Prints(@"^\| tcp-threading \| \d+ \| [\d.]+ \| 0 \| 0 \| .* \| ok \|$", "ok row for tcp-threading");
        soak.Prints(@"^\| udp-async \| \d+ \| [\d.]+ \| .* \| ok \|$", "ok row for udp-async");
        Assert.True(soak.Output[^1] == "ok", soak.Failure("did not end with 'ok'"));

        CommandStep broken = CommandStep.Run(log, at, "python3 bench/soak.py --quick --broken corrupt --servers tcp-threading --no-build", Bound, expectedExit: 1);
        broken.Prints("1 mismatched", "'1 mismatched'");
        Assert.True(broken.Output[^1] == "FAILED", broken.Failure("did not end with 'FAILED'"));

        CommandStep faults = CommandStep.Run(log, at, "python3 bench/soak.py --faults --quick --no-build", Bound);
        faults.Prints(@"^\| reset mid-request \| ours-threading tcp \| ok \|", "ok row for a reset mid-request");
        faults.Prints(@"^\| empty datagram \| ours-threading udp \| ok \|", "ok row for an empty datagram");
        faults.DoesNotPrint(@"^\|.*\| FAILED", "a failed fault");
        Assert.True(faults.Output[^1] == "ok", faults.Failure("did not end with 'ok'"));
    }

    /// <summary>Lines as one bash script that stops at the first failing line and shows each line as it runs.</summary>
    private static string Script(IEnumerable<string> lines) => "set -euxo pipefail\n" + string.Join('\n', lines);

    /// <summary>A row of the table: the documented commands it covers, and how they are run (Check) or why not (SkipReason).</summary>
    private sealed record Entry(string Name, string[] Documented, Action<DocumentedCommandsTests, string>? Check, string? SkipReason)
    {
        public static Entry Run(string name, Action<DocumentedCommandsTests, string> check, params string[] documented) => new(name, documented, check, null);

        public static Entry Skip(string reason, params string[] documented) => new(documented[0], documented, null, reason);
    }
}
