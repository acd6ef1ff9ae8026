#!/usr/bin/env python3
"""The side-by-side benchmark: our Echo sample against CPython's socketserver, a raw-socket .NET baseline and Kestrel.

    python3 bench/run.py                                # the full run (about 11 minutes on 2 cores), writes bench/RESULTS.md
    python3 bench/run.py --warmup 0.5 --duration 1      # a quick look (noisier)
    python3 bench/run.py --quick                        # a smoke run of a few seconds: checks it works, measures nothing

Every server under test echoes every byte back (datagrams: each datagram back) and is driven by the same clients in
one run on this machine, so the ratios compare like with like: the closed-loop echo windows by a C client
(bench/c/echo_client.c, the cheapest client there is, so that the server, not the client, decides the figure on
2 cores), pipelining, bulk and idle connections by bench/LoadGenerator. Echo rows also give the server's CPU time
per request, a steadier figure of cost than req/s on a machine that other work shares.

    ours-threading   samples/Echo --concurrency threading   (a [SocketServer(..., Threading)] type)
    ours-async       samples/Echo --concurrency async       (a [SocketServer(..., Async)] type)
    ours-async-inline  the same, with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (see docs/performance.md)
    raw-threads      bench/RawEcho --mode threads           (Socket, a thread per connection, by hand)
    raw-async        bench/RawEcho --mode async             (Socket, ReceiveAsync/SendAsync, by hand)
    cpython          bench/python_echo.py                   (socketserver.Threading*Server)
    kestrel          bench/KestrelEcho                      (a Kestrel ConnectionHandler)
    c-threads        bench/c/echo_server.c --mode threads   (C: a thread per connection; UDP: a thread per core)
    c-epoll          bench/c/echo_server.c --mode epoll     (C: an edge-triggered epoll loop per core)

The C servers are the limit of this machine: every figure is also printed as a ratio to c-threads (and, for the
Async rows, to c-epoll) measured in the same run.

All traffic is on loopback; every process this script starts is stopped (SIGTERM, then SIGKILL of its process group)
when its scenario ends, when the script fails, and on Ctrl+C. .NET processes all run with the workstation GC
(DOTNET_gcServer=0) and with the thread pool's hill-climbing off (DOTNET_HillClimbing_Disable=1, which our package
sets for its programs anyway), so that the comparison is of the code, not of the GC or thread-pool settings.
"""
import argparse
import atexit
import datetime
import json
import os
import platform
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import time

import results_md

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join("bin", "Release", "net10.0")
ECHO = os.path.join(ROOT, "samples", "Echo", RELEASE, "Echo.dll")
RAW = os.path.join(ROOT, "bench", "RawEcho", RELEASE, "RawEcho.dll")
KESTREL = os.path.join(ROOT, "bench", "KestrelEcho", RELEASE, "KestrelEcho.dll")
LOAD = os.path.join(ROOT, "bench", "LoadGenerator", RELEASE, "LoadGenerator.dll")
FAULT = os.path.join(ROOT, "bench", "FaultServer", RELEASE, "FaultServer.dll")
PYTHON_ECHO = os.path.join(ROOT, "bench", "python_echo.py")
C_SOURCE = os.path.join(ROOT, "bench", "c", "echo_server.c")
C_ECHO = os.path.join(ROOT, "bench", "c", "bin", "echo_server")
C_CLIENT_SOURCE = os.path.join(ROOT, "bench", "c", "echo_client.c")
C_CLIENT = os.path.join(ROOT, "bench", "c", "bin", "echo_client")
PROJECTS = ["samples/Echo", "bench/RawEcho", "bench/KestrelEcho", "bench/LoadGenerator"]

ENV = dict(os.environ, DOTNET_gcServer="0", DOTNET_HillClimbing_Disable="1", DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
RUNNING = []  # every server process still alive, for the clean-up on any exit

# Servers that differ from another row only in their environment. ours-async-inline: .NET runs socket continuations
# on its epoll threads instead of handing each to the thread pool (docs/performance.md, "Inline socket completions").
SERVER_ENV = {"ours-async-inline": {"DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS": "1"}}


def raise_file_limit():
    """Runs in each child: 10,000 connections need more descriptors than the usual soft limit of 1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def server_command(name, transport, path):
    """The command line of one server under test, for a transport: tcp, udp or unixstream."""
    if name.startswith("fault-"):  # soak.py's fault suite
        return ["dotnet", FAULT, "--transport", transport, "--concurrency", name[len("fault-"):], "--path", path]
    if name.startswith("ours-"):
        concurrency = name[len("ours-"):].split("-")[0]  # ours-async-inline is ours-async with SERVER_ENV's variable
        args = ["dotnet", ECHO, "--transport", transport, "--concurrency", concurrency]
        return args + (["--path", path] if transport == "unixstream" else ["--host", "127.0.0.1", "--port", "0"])
    if name.startswith("raw-"):
        return ["dotnet", RAW, "--mode", name[len("raw-"):], "--transport", transport, "--path", path]
    if name == "kestrel":
        return ["dotnet", KESTREL, "--transport", transport, "--path", path]
    if name.startswith("c-"):
        return [C_ECHO, "--mode", name[len("c-"):], "--transport", transport, "--path", path]
    return [sys.executable, PYTHON_ECHO, "--transport", transport, "--path", path]


class Server:
    """A server under test, started in its own process group; the context exit stops it. extra_args go at the end of
    its command line; preexec runs in the child before it starts (by default: raise its descriptor limit); command, if
    given, replaces server_command's (tls.py's servers)."""

    def __init__(self, name, transport, extra_args=(), preexec=raise_file_limit, command=None):
        self.name = name
        self.command = command
        self.transport = transport
        self.extra_args = list(extra_args)
        self.preexec = preexec
        self.path = os.path.join(tempfile.mkdtemp(prefix="ssg-bench-"), "echo.sock")
        self.process = None
        self.target = None

    def __enter__(self):
        command = (self.command or server_command(self.name, self.transport, self.path)) + self.extra_args
        # stderr goes to a file: a server that reports many errors must not stall on a full pipe.
        self.errors = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self.errors, text=True, env=dict(ENV, **SERVER_ENV.get(self.name, {})),
            preexec_fn=self.preexec, start_new_session=True)
        RUNNING.append(self.process)
        line = self.process.stdout.readline().strip()  # the first line names the endpoint; a dead server ends it
        if not line.startswith("listening on "):
            self.__exit__(None, None, None)
            raise RuntimeError("%s did not start: %r %s" % (shlex.join(command), line, self.stderr_tail()))
        address = line[len("listening on "):]
        if self.transport == "unixstream":
            self.target = "unix:" + self.path
        else:
            self.target = "%s:%s" % (self.transport, address.split("//")[-1])  # Kestrel prints http://host:port
        return self

    def stderr_tail(self):
        return self.stderr()[-500:]

    def stderr(self):
        self.errors.seek(0)
        return self.errors.read()

    def __exit__(self, *exc):
        stop(self.process)
        self.errors.close()
        if os.path.exists(self.path):
            os.unlink(self.path)
        os.rmdir(os.path.dirname(self.path))


def stop(process):
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything it left behind in its group
    except ProcessLookupError:
        pass
    process.wait()
    if process in RUNNING:
        RUNNING.remove(process)


def stop_all():
    for process in list(RUNNING):
        stop(process)


def build(projects):
    for project in projects:
        print("building %s (Release)" % project, flush=True)
        subprocess.run(["dotnet", "build", "-c", "Release", "-nologo", "-v", "q", os.path.join(ROOT, project)],
                       check=True, env=ENV, stdout=subprocess.DEVNULL)


def build_c():
    """Compiles the C echo server (the machine's limit) and the C echo client (the closed-loop load of every echo
    window) with the system's C compiler, warnings as errors, unless a binary is newer than its source."""
    for source, binary in [(C_SOURCE, C_ECHO), (C_CLIENT_SOURCE, C_CLIENT)]:
        if os.path.exists(binary) and os.path.getmtime(binary) >= os.path.getmtime(source):
            continue
        print("building %s (cc -O2)" % os.path.relpath(source, ROOT), flush=True)
        os.makedirs(os.path.dirname(binary), exist_ok=True)
        subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-Wextra", "-Werror", "-pthread", "-o", binary, source],
                       check=True)


def load(server, scenario, warmup, duration, connections=1, size=32, pipeline=1, extra_args=()):
    """Runs the load generator once against a server and returns its figures (a dict); extra_args go to the load
    generator (tls.py: --tls). A plain closed-loop echo (one request in flight per connection) is driven by the C
    client, bench/c/echo_client.c: it spends the least CPU of any client, which on 2 cores the server under test
    shares; pipelining, bulk, idle connections and TLS by bench/LoadGenerator."""
    if scenario == "echo" and pipeline == 1 and not extra_args:
        command = [C_CLIENT, "--target", server.target, "--connections", str(connections), "--size", str(size),
                   "--warmup", str(warmup), "--duration", str(duration), "--server-pid", str(server.process.pid)]
    else:
        command = ["dotnet", LOAD, "--target", server.target, "--scenario", scenario, "--connections", str(connections),
                   "--size", str(size), "--pipeline", str(pipeline), "--warmup", str(warmup), "--duration", str(duration),
                   "--server-pid", str(server.process.pid)] + list(extra_args)
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=ENV, preexec_fn=raise_file_limit,
                              timeout=warmup + duration + 120)
        lines = done.stdout.strip().splitlines()
        figures = json.loads(lines[-1]) if lines else {"error": done.stderr.strip()[-300:]}
    except subprocess.TimeoutExpired:
        figures = {"error": "the load generator timed out"}
    if server.process.poll() is not None:
        figures.setdefault("error", "the server exited with code %s: %s" % (server.process.returncode, server.stderr_tail()))
    figures.update(server=server.name, transport=server.transport, scenario_name=scenario)
    print("  %-15s %-10s %-5s conns=%-5d %s" % (server.name, server.transport, scenario, connections, summary(figures)),
          flush=True)
    return figures


def cpu_per_request(f):
    """Server CPU microseconds per request in the window: on a shared machine a steadier figure of cost than req/s."""
    if not f.get("requests") or f.get("server_cpu_s") is None:
        return None
    return f["server_cpu_s"] * 1e6 / f["requests"]


def summary(f):
    if "error" in f:
        return "ERROR: " + f["error"]
    if f["scenario"] == "echo":
        return "%9.0f req/s  p50 %6d us  p99 %6d us%s%s" % (
            f["rps"], f["p50_us"], f["p99_us"],
            "  server %.1f us CPU/req" % cpu_per_request(f) if cpu_per_request(f) is not None else "",
            "  resent %d" % f["resent"] if "resent" in f else "")
    if f["scenario"] == "bulk":
        return "%8.1f MB/s" % f["mb_per_s"]
    if f["scenario"] == "handshake":
        return "%9.0f handshakes/s  p50 %6d us  p99 %6d us" % (f["rps"], f["p50_us"], f["p99_us"])
    return "%.2f KiB/connection (%d held; RSS %.1f -> %.1f MiB; threads %d -> %d)" % (
        f["kib_per_connection"], f["held"], f["rss_before_mib"], f["rss_after_mib"], f["threads_before"],
        f["threads_after"])


STREAM_SERVERS = ["c-threads", "c-epoll", "ours-threading", "ours-async", "ours-async-inline", "raw-threads", "raw-async", "cpython", "kestrel"]
UDP_SERVERS = ["c-threads", "ours-threading", "ours-async", "cpython"]  # UDP's serving loop uses no async socket call


# The windows that feed the targets: measured `--repeat` times each, median kept.
TARGET_WINDOWS = {
    ("tcp", "echo", 16, "ours-threading"), ("tcp", "echo", 16, "raw-threads"), ("tcp", "echo", 16, "cpython"),
    ("tcp", "echo", 256, "ours-threading"), ("tcp", "echo", 256, "cpython"),
    ("tcp", "echo", 1000, "ours-async"), ("tcp", "echo", 1000, "kestrel"),
    ("udp", "echo", 16, "ours-threading"), ("udp", "echo", 16, "cpython"),
    ("tcp", "bulk", 1, "ours-threading"), ("tcp", "bulk", 1, "raw-threads"),
    ("tcp", "bulk", 1, "ours-async"), ("tcp", "bulk", 1, "raw-async"),
    # ratios to the machine's limit, the C servers
    ("tcp", "echo", 16, "c-threads"), ("tcp", "echo", 256, "c-threads"),
    ("tcp", "echo", 16, "ours-async"), ("tcp", "echo", 256, "ours-async"),
    ("tcp", "echo", 16, "ours-async-inline"), ("tcp", "echo", 256, "ours-async-inline"),
    ("tcp", "echo", 16, "c-epoll"), ("tcp", "echo", 256, "c-epoll"),
    ("udp", "echo", 16, "c-threads"), ("udp", "echo", 16, "ours-async"),
}


def median(runs):
    """The run with the median figure (req/s, or MB/s for bulk), carrying every run's figure in "runs"."""
    good = [f for f in runs if "error" not in f]
    if len(runs) == 1 or not good:
        return runs[0]
    field = "mb_per_s" if good[0]["scenario"] == "bulk" else "rps"
    good.sort(key=lambda f: f[field])
    chosen = dict(good[(len(good) - 1) // 2])
    chosen["runs"] = [f.get(field) for f in runs if "error" not in f]
    return chosen


# What --quick measures: one scenario per transport, ours against CPython and the C limit, so that it needs only two
# .NET builds.
QUICK_SERVERS = ["c-threads", "ours-async", "cpython"]
QUICK_PROJECTS = ["samples/Echo", "bench/LoadGenerator"]
QUICK_WINDOWS = {"warmup": 0.5, "duration": 1.0, "repeat": 1}


def run_quick(warmup, duration):
    """A smoke run: each quick server over TCP (16 connections) and UDP (1 client), one window each."""
    results = {}
    print("--quick: 32-byte echo, tcp 16 connections and udp 1 client, %s" % ", ".join(QUICK_SERVERS), flush=True)
    for transport, connections in [("tcp", 16), ("udp", 1)]:
        for name in QUICK_SERVERS:
            with Server(name, transport) as server:
                results[(transport, "echo", connections, name)] = load(server, "echo", warmup, duration, connections)
    return results


def run_all(warmup, duration, repeat):
    results = {}

    def keep(key, figures):
        results[key] = figures

    def measure(key, server, scenario, connections, **kwargs):
        """One window; a window that decides a target is measured `repeat` times and its median kept, because on
        two cores a single window of a thread-per-connection server swings by ±10 % with where the scheduler puts
        the threads (measured: 80,138–115,523 req/s for one server in six runs)."""
        runs = [load(server, scenario, warmup, duration, connections, **kwargs)]
        if key in TARGET_WINDOWS:
            runs += [load(server, scenario, min(warmup, 0.5), duration, connections, **kwargs) for _ in range(repeat - 1)]
        keep(key, median(runs))

    print("32-byte echo, closed loop (tcp and unixstream); tcp adds 1,000 connections, pipelining and bulk", flush=True)
    for transport in ["tcp", "unixstream"]:
        for name in STREAM_SERVERS:
            with Server(name, transport) as server:
                for connections in [1, 16, 256]:
                    measure((transport, "echo", connections, name), server, "echo", connections)
                if transport != "tcp":
                    continue
                if name in ("ours-async", "ours-async-inline", "raw-async", "kestrel", "c-epoll"):
                    measure((transport, "echo", 1000, name), server, "echo", 1000)
                measure((transport, "pipelined", 16, name), server, "echo", 16, pipeline=16)
                if name != "cpython":
                    measure((transport, "bulk", 1, name), server, "bulk", 1, size=64 * 1024)

    print("10,000 mostly idle connections (tcp): server memory per connection", flush=True)
    for name in ["ours-async", "raw-async", "kestrel", "ours-threading"]:
        with Server(name, "tcp") as server:
            keep(("tcp", "idle", 10000, name), load(server, "idle", warmup, duration, 10000))

    print("32-byte datagrams (udp)", flush=True)
    for name in UDP_SERVERS:
        with Server(name, "udp") as server:
            for clients in [1, 16]:
                measure(("udp", "echo", clients, name), server, "echo", clients)
    return results


def ratio(results, key, ours, peer, field):
    a, b = results.get(key + (ours,)), results.get(key + (peer,))
    if not a or not b or "error" in a or "error" in b or not b.get(field):
        return None
    return a[field] / b[field]


def fmt(value, digits=2):
    return "—" if value is None else "%.*f×" % (digits, value)


def spread(f):
    """"median of 3 (80,138–115,523)" for a repeated window, else nothing."""
    runs = f.get("runs")
    if not runs:
        return ""
    return "median of %d (%s–%s)" % (len(runs), "{:,.0f}".format(min(runs)), "{:,.0f}".format(max(runs)))


def tables(results):
    out = []
    out.append("| transport | scenario | conns | server | req/s | p50 µs | p99 µs | server CPU µs/req | MB/s | note |")
    out.append("|---|---|---:|---|---:|---:|---:|---:|---:|---|")
    for (transport, scenario, conns, name), f in results.items():
        if scenario == "idle":
            continue
        if "error" in f:
            out.append("| %s | %s | %d | %s | | | | | | ERROR: %s |" % (transport, scenario, conns, name, f["error"]))
        elif scenario == "bulk":
            out.append("| %s | bulk 64 KiB | %d | %s | | | | | %.1f | %s |" % (
                transport, conns, name, f["mb_per_s"], spread(f)))
        else:
            label = "pipelined ×16" if scenario == "pipelined" else "echo 32 B"
            note = "; ".join(n for n in (spread(f), "resent %d" % f["resent"] if f.get("resent") else "") if n)
            cpu = cpu_per_request(f)
            out.append("| %s | %s | %d | %s | %.0f | %d | %d | %s | | %s |" % (
                transport, label, conns, name, f["rps"], f["p50_us"], f["p99_us"], "" if cpu is None else "%.1f" % cpu, note))
    out.append("")
    out.append("Idle connections (10,000 over tcp, each echoes once, then waits; server VmRSS before and after):")
    out.append("")
    out.append("| server | KiB per connection | held | RSS before → after (MiB) | threads before → after |")
    out.append("|---|---:|---:|---|---|")
    for (transport, scenario, conns, name), f in results.items():
        if scenario != "idle":
            continue
        if "error" in f:
            out.append("| %s | ERROR: %s | | | |" % (name, f["error"]))
        else:
            out.append("| %s | %.2f | %d | %.1f → %.1f | %d → %d |" % (
                name, f["kib_per_connection"], f["held"], f["rss_before_mib"], f["rss_after_mib"],
                f["threads_before"], f["threads_after"]))
    out.append("")
    out.append("Ratios, ours / peer (req/s, or MB/s for bulk; above 1 means ours is faster):")
    out.append("")
    out.append("| transport | scenario | conns | threading / raw-threads | threading / cpython | async / raw-async | async / kestrel | async / cpython |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    seen = []
    for (transport, scenario, conns, _) in results:
        if scenario == "idle" or (transport, scenario, conns) in seen:
            continue
        seen.append((transport, scenario, conns))
        key = (transport, scenario, conns)
        field = "mb_per_s" if scenario == "bulk" else "rps"
        out.append("| %s | %s | %d | %s | %s | %s | %s | %s |" % (
            transport, scenario, conns,
            fmt(ratio(results, key, "ours-threading", "raw-threads", field)),
            fmt(ratio(results, key, "ours-threading", "cpython", field)),
            fmt(ratio(results, key, "ours-async", "raw-async", field)),
            fmt(ratio(results, key, "ours-async", "kestrel", field)),
            fmt(ratio(results, key, "ours-async", "cpython", field))))
    out.append("")
    out.append("Ratios to the machine's limit, every server / the C server measured in the same run (c-threads; for UDP "
               "c-threads is a thread per core on one socket). Async servers are also divided by c-epoll:")
    out.append("")
    names = [n for n in STREAM_SERVERS if n != "c-threads"]
    out.append("| transport | scenario | conns | %s | ours-async / c-epoll | ours-async-inline / c-epoll |" % " | ".join(names))
    out.append("|---|---|---:|%s---:|---:|" % ("---:|" * len(names)))
    for (transport, scenario, conns) in seen:
        key = (transport, scenario, conns)
        field = "mb_per_s" if scenario == "bulk" else "rps"
        out.append("| %s | %s | %d | %s | %s | %s |" % (
            transport, scenario, conns, " | ".join(fmt(ratio(results, key, n, "c-threads", field)) for n in names),
            fmt(ratio(results, key, "ours-async", "c-epoll", field)), fmt(ratio(results, key, "ours-async-inline", "c-epoll", field))))
    return out


def targets(results):
    idle = results.get(("tcp", "idle", 10000, "ours-async"), {})
    rows = [
        ("Threading TCP echo 32 B, 16 conns vs raw threads", ratio(results, ("tcp", "echo", 16), "ours-threading", "raw-threads", "rps"), 0.95),
        ("Threading TCP echo 32 B, 16 conns vs CPython ThreadingTCPServer", ratio(results, ("tcp", "echo", 16), "ours-threading", "cpython", "rps"), 1.3),
        ("Threading TCP echo 32 B, 256 conns vs CPython ThreadingTCPServer", ratio(results, ("tcp", "echo", 256), "ours-threading", "cpython", "rps"), 1.6),
        ("Async TCP echo 32 B, 1,000 conns vs Kestrel ConnectionHandler", ratio(results, ("tcp", "echo", 1000), "ours-async", "kestrel", "rps"), 1.0),
        ("UDP echo 32 B, 16 clients: Threading vs CPython ThreadingUDPServer", ratio(results, ("udp", "echo", 16), "ours-threading", "cpython", "rps"), 1.5),
        ("Bulk 64 KiB through WFile (Threading) vs raw threads, MB/s", ratio(results, ("tcp", "bulk", 1), "ours-threading", "raw-threads", "mb_per_s"), 0.8),
        ("Bulk 64 KiB through WFile (Async) vs raw async, MB/s", ratio(results, ("tcp", "bulk", 1), "ours-async", "raw-async", "mb_per_s"), 0.8),
        ("Threading TCP echo 32 B, 16 conns vs C thread per connection", ratio(results, ("tcp", "echo", 16), "ours-threading", "c-threads", "rps"), 0.95),
        ("Threading TCP echo 32 B, 256 conns vs C thread per connection", ratio(results, ("tcp", "echo", 256), "ours-threading", "c-threads", "rps"), 0.8),
        ("Async TCP echo 32 B, 16 conns vs C thread per connection", ratio(results, ("tcp", "echo", 16), "ours-async", "c-threads", "rps"), 0.8),
        ("Async TCP echo 32 B, 256 conns vs C thread per connection", ratio(results, ("tcp", "echo", 256), "ours-async", "c-threads", "rps"), 0.8),
        ("Async TCP echo 32 B, 16 conns, inline socket completions, vs C thread per connection", ratio(results, ("tcp", "echo", 16), "ours-async-inline", "c-threads", "rps"), 0.8),
        ("Async TCP echo 32 B, 256 conns, inline socket completions, vs C thread per connection", ratio(results, ("tcp", "echo", 256), "ours-async-inline", "c-threads", "rps"), 0.8),
        ("UDP echo 32 B, 16 clients: Threading vs C UDP echo", ratio(results, ("udp", "echo", 16), "ours-threading", "c-threads", "rps"), 0.8),
        ("UDP echo 32 B, 16 clients: Async vs C UDP echo", ratio(results, ("udp", "echo", 16), "ours-async", "c-threads", "rps"), 0.8),
    ]
    out = ["| target | measured | goal | met |", "|---|---:|---:|---|"]
    for label, value, goal in rows:
        met = "—" if value is None else ("yes" if value >= goal else "**no**")
        out.append("| %s | %s | ≥ %.2f× | %s |" % (label, fmt(value), goal, met))
    kib = idle.get("kib_per_connection")
    met = "—" if kib is None or idle.get("held") != 10000 else ("yes" if kib <= 4 else "**no**")
    out.append("| 10,000 idle Async connections, server memory per connection | %s | ≤ 4 KiB | %s |" % (
        "—" if kib is None else "%.2f KiB (%d held)" % (kib, idle.get("held", 0)), met))
    return out


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    return "%d × %s, Linux %s, .NET SDK %s, Python %s" % (
        os.cpu_count(), cpu, platform.release(), dotnet, platform.python_version())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each measuring window")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds each measuring window lasts")
    parser.add_argument("--repeat", type=int, default=3,
                        help="windows measured for each figure that decides a target; the median is kept")
    parser.add_argument("--no-build", action="store_true", help="use the Release builds already there")
    parser.add_argument("--output", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run (ours-async and cpython, tcp and udp echo, --warmup 0.5 --duration 1 --repeat 1"
                        " unless given); writes only with --output, never bench/RESULTS.md by default")
    args = parser.parse_args()
    if args.quick:
        given = {a.split("=")[0] for a in sys.argv[1:]}
        for option, value in QUICK_WINDOWS.items():
            if "--" + option not in given:
                setattr(args, option, value)
        if "--output" not in given:
            args.output = None

    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    if not args.no_build:
        build(QUICK_PROJECTS if args.quick else PROJECTS)
    build_c()
    results = run_quick(args.warmup, args.duration) if args.quick else run_all(args.warmup, args.duration, args.repeat)
    command = "python3 bench/run.py" + " --quick" * args.quick + "".join(
        " --%s %s" % (k, v) for k, v in (("warmup", args.warmup), ("duration", args.duration), ("repeat", args.repeat))
        if v != (QUICK_WINDOWS if args.quick else {}).get(k, parser.get_default(k)))
    report = [
        "# Benchmark results",
        "",
        "Produced by `%s` on %s UTC, in %.0f s." % (
            command, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), time.monotonic() - started),
        "Machine: %s. Each figure: %g s of load after %g s of warm-up, clients (echo: the C client bench/c/echo_client.c; pipelined, bulk, idle: bench/LoadGenerator) and server on the same machine;"
        " a figure that decides a target is the median of %d such windows (the note gives their range)."
        % (machine(), args.duration, args.warmup, args.repeat),
        "",
        "## Targets",
        "",
        *targets(results),
        "",
        "## All figures",
        "",
        *tables(results),
        "",
    ]
    text = "\n".join(report)
    if args.output:
        # soak.py's, tls.py's and the other commands' sections, from their own runs
        kept = results_md.sections(args.output, results_md.SOAK_SECTIONS + results_md.TLS_SECTIONS + results_md.OTHER_SECTIONS)
        with open(args.output, "w") as out:
            out.write(text + ("\n" + kept if kept else ""))
    print()
    print(text)
    if args.output:
        print("written to %s" % os.path.relpath(args.output, os.getcwd()))
    failed = [key for key, f in results.items() if "error" in f]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
