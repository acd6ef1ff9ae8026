#!/usr/bin/env python3
"""The TLS benchmark: our TlsEcho sample against Kestrel's TLS middleware and a hand-written SslStream echo.

    python3 bench/tls.py            # the full run (about 5 minutes on 2 cores), writes the "TLS" section of bench/RESULTS.md
    python3 bench/tls.py --quick    # a smoke run of about 20 s: checks it works, measures nothing, writes only with --output

Every server echoes every byte back over TLS, with the same certificate (a self-signed ECDSA P-256 pair that openssl
makes in a temporary directory at the start of the run), on loopback, and the same load generator (bench/LoadGenerator
--tls: SslStream, TLS 1.3 only, resumption off) drives them all:

    ours-threading   samples/TlsEcho --concurrency threading   ([SocketServer(Tcp, Threading, typeof(TlsMixIn))])
    ours-async       samples/TlsEcho --concurrency async       ([SocketServer(Tcp, Async, typeof(TlsMixIn))])
    kestrel          bench/KestrelEcho --tls                   (ListenOptions.UseHttps before the echo ConnectionHandler)
    raw-threads      bench/RawEcho --mode threads --tls        (SslStream by hand, a thread per connection)
    raw-async        bench/RawEcho --mode async --tls          (SslStream by hand, a task per connection)

Scenarios: echo 32 B closed loop at 1 and 16 connections (after every connection's handshake), bulk 64 KiB writes
on one connection (MB/s), and handshakes: 16 clients each connect, handshake, echo 32 B once and close, over and
over (handshakes per second, and p50/p99 of connect + handshake). It reuses run.py's Server, load and stop: every
process is in its own process group and is stopped by its id (SIGTERM, then SIGKILL of the group) when its turn ends,
on failure and on Ctrl+C, and every load window is bounded in time.
"""
import argparse
import atexit
import datetime
import os
import signal
import subprocess
import sys
import tempfile
import time

import results_md
import run

TLS_ECHO = os.path.join(run.ROOT, "samples", "TlsEcho", run.RELEASE, "TlsEcho.dll")
SERVERS = ["ours-threading", "ours-async", "kestrel", "raw-threads", "raw-async"]
PROJECTS = ["samples/TlsEcho", "bench/RawEcho", "bench/KestrelEcho", "bench/LoadGenerator"]
# (scenario, connections, message size): a 32-byte echo alone and with 16 connections, bulk, new connections.
SCENARIOS = [("echo", 1, 32), ("echo", 16, 32), ("bulk", 1, 64 * 1024), ("handshake", 16, 32)]

# --quick: one pair (ours and its raw peer, both thread per connection, which need the fewest builds), one short
# window each of an echo and the handshakes.
QUICK_SERVERS = ["ours-threading", "raw-threads"]
QUICK_PROJECTS = ["samples/TlsEcho", "bench/RawEcho", "bench/LoadGenerator"]
QUICK_SCENARIOS = [("echo", 16, 32), ("handshake", 4, 32)]
QUICK_WINDOWS = {"warmup": 0.5, "duration": 1.0, "repeat": 1}

CERTIFICATE = "a self-signed ECDSA P-256 certificate (CN and subjectAltName localhost, 127.0.0.1), made by openssl for the run"


def make_certificate(directory):
    """A self-signed ECDSA P-256 certificate and its key, as PEM files in directory; every server gets this pair."""
    certificate, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60)
    return certificate, key


def server_command(name, certificate, key):
    """The command line of one TLS server under test, on a free loopback port."""
    pem = ["--cert", certificate, "--key", key]
    if name.startswith("ours-"):
        return ["dotnet", TLS_ECHO, "--concurrency", name[len("ours-"):], "--host", "127.0.0.1", "--port", "0"] + pem
    if name.startswith("raw-"):
        return ["dotnet", run.RAW, "--mode", name[len("raw-"):], "--transport", "tcp", "--port", "0", "--tls"] + pem
    if name == "kestrel":
        return ["dotnet", run.KESTREL, "--transport", "tcp", "--port", "0", "--tls"] + pem
    raise ValueError(name)


def measure_all(servers, scenarios, certificate, key, warmup, duration, repeat):
    """Every scenario against every server (one server process each), each figure the median of `repeat` windows."""
    results = {}
    for name in servers:
        with run.Server(name, "tcp", command=server_command(name, certificate, key)) as server:
            for scenario, connections, size in scenarios:
                runs = [run.load(server, scenario, warmup, duration, connections, size=size, extra_args=["--tls"])]
                runs += [run.load(server, scenario, min(warmup, 0.5), duration, connections, size=size, extra_args=["--tls"])
                         for _ in range(repeat - 1)]
                results[(scenario, connections, name)] = run.median(runs)
            logged = server.stderr().strip()
            if logged:
                print("  %s wrote to stderr: %s" % (name, logged[-300:]), flush=True)
    return results


def label(scenario, size):
    if scenario == "bulk":
        return "bulk %d KiB" % (size // 1024)
    return "echo %d B" % size if scenario == "echo" else "handshake + echo %d B" % size


def cpu_per_operation(f, side):
    """CPU µs the server (side "server") or the load generator ("client") spent per request, per handshake, or per MB
    (bulk) in the window: what each costs, which the load of other work on the machine changes far less than rates."""
    done = f["mb_per_s"] * f["seconds"] if f["scenario"] == "bulk" else f.get("requests", f.get("handshakes"))
    cpu = f.get(side + "_cpu_s")
    return None if not done or cpu is None else cpu * 1e6 / done


def cpu(value):
    return "" if value is None else "{:,.0f}".format(value)


def tables(results, scenarios):
    out = ["| scenario | conns | server | req/s or handshakes/s | p50 µs | p99 µs | MB/s | server CPU µs per op | "
           "client CPU µs per op | note |",
           "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    sizes = {(s, c): size for s, c, size in scenarios}
    for (scenario, conns, name), f in results.items():
        what = label(scenario, sizes[(scenario, conns)])
        if "error" in f:
            out.append("| %s | %d | %s | | | | | | | ERROR: %s |" % (what, conns, name, f["error"]))
            continue
        costs = "%s | %s" % (cpu(cpu_per_operation(f, "server")), cpu(cpu_per_operation(f, "client")))
        if scenario == "bulk":
            out.append("| %s | %d | %s | | | | %.1f | %s | %s |" % (what, conns, name, f["mb_per_s"], costs, run.spread(f)))
        else:
            out.append("| %s | %d | %s | %.0f | %d | %d | | %s | %s |" % (
                what, conns, name, f["rps"], f["p50_us"], f["p99_us"], costs, run.spread(f)))
    out += ["", "An op is a request (echo), a handshake with its echo, or a MB (10⁶ bytes) echoed (bulk); CPU is user + "
            "system time of the process during the window."]
    out += ["", "Ratios, ours / peer (req/s, handshakes/s, or MB/s for bulk; above 1 means ours is faster):", "",
            "| scenario | conns | threading / raw-threads | async / raw-async | async / kestrel | threading / kestrel |",
            "|---|---:|---:|---:|---:|---:|"]
    for scenario, conns, size in scenarios:
        key = (scenario, conns)
        field = "mb_per_s" if scenario == "bulk" else "rps"
        out.append("| %s | %d | %s | %s | %s | %s |" % (
            label(scenario, size), conns,
            run.fmt(run.ratio(results, key, "ours-threading", "raw-threads", field)),
            run.fmt(run.ratio(results, key, "ours-async", "raw-async", field)),
            run.fmt(run.ratio(results, key, "ours-async", "kestrel", field)),
            run.fmt(run.ratio(results, key, "ours-threading", "kestrel", field))))

    def cost_ratio(ours, peer, key):
        a, b = results.get(key + (ours,)), results.get(key + (peer,))
        if not a or not b or "error" in a or "error" in b:
            return None
        mine, theirs = cpu_per_operation(a, "server"), cpu_per_operation(b, "server")
        return None if not mine or theirs is None else theirs / mine

    out += ["", "Server CPU per op, peer / ours (above 1 means ours spends less CPU on each):", "",
            "| scenario | conns | raw-threads / threading | raw-async / async | kestrel / async | kestrel / threading |",
            "|---|---:|---:|---:|---:|---:|"]
    for scenario, conns, size in scenarios:
        key = (scenario, conns)
        out.append("| %s | %d | %s | %s | %s | %s |" % (
            label(scenario, size), conns,
            run.fmt(cost_ratio("ours-threading", "raw-threads", key)), run.fmt(cost_ratio("ours-async", "raw-async", key)),
            run.fmt(cost_ratio("ours-async", "kestrel", key)), run.fmt(cost_ratio("ours-threading", "kestrel", key))))
    return out


def negotiated(results):
    """"Tls13, TLS_AES_256_GCM_SHA384" as the load generator saw it (the same for every server, or each listed)."""
    seen = sorted({"%s, %s" % (f["tls"], f["cipher"]) for f in results.values() if "tls" in f})
    return "; ".join(seen) or "none (every window failed)"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each measuring window")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds each measuring window lasts")
    parser.add_argument("--repeat", type=int, default=3, help="windows measured for each figure; the median is kept")
    parser.add_argument("--no-build", action="store_true", help="use the Release builds already there")
    parser.add_argument("--output", default=os.path.join(run.ROOT, "bench", "RESULTS.md"),
                        help="the results file whose \"TLS\" section is written (default bench/RESULTS.md)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run (ours-threading and raw-threads, echo 32 B at 16 connections and 4 handshaking"
                        " clients, --warmup 0.5 --duration 1 --repeat 1 unless given); writes only with --output")
    args = parser.parse_args()
    given = {a.split("=")[0] for a in sys.argv[1:]}
    if args.quick:
        for option, value in QUICK_WINDOWS.items():
            if "--" + option not in given:
                setattr(args, option, value)
        if "--output" not in given:
            args.output = None
    servers, scenarios = (QUICK_SERVERS, QUICK_SCENARIOS) if args.quick else (SERVERS, SCENARIOS)

    atexit.register(run.stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    if not args.no_build:
        run.build(QUICK_PROJECTS if args.quick else PROJECTS)
    with tempfile.TemporaryDirectory(prefix="ssg-tls-") as directory:
        certificate, key = make_certificate(directory)
        print("certificate: %s; TLS 1.3 on loopback" % CERTIFICATE, flush=True)
        results = measure_all(servers, scenarios, certificate, key, args.warmup, args.duration, args.repeat)
    load_after = os.getloadavg()[0]

    command = "python3 bench/tls.py" + " --quick" * args.quick + "".join(
        " --%s %s" % (k, v) for k, v in (("warmup", args.warmup), ("duration", args.duration), ("repeat", args.repeat))
        if v != (QUICK_WINDOWS if args.quick else {}).get(k, parser.get_default(k)))
    body = "\n".join([
        "Produced by `%s` on %s UTC, in %.0f s." % (
            command, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), time.monotonic() - started),
        "Machine: %s; 1-minute load average %.1f at the start and %.1f at the end (other builds share the machine)."
        % (run.machine(), load_before, load_after),
        "Certificate: %s, the same for every server. Negotiated, as the load generator saw it: %s. The load generator "
        "(SslStream, TLS 1.3 only, no resumption, certificate not validated) and the server share the machine; each "
        "figure: %g s of load after %g s of warm-up, the median of %d such windows (the note gives their range)."
        % (CERTIFICATE, negotiated(results), args.duration, args.warmup, args.repeat),
        "",
        *tables(results, scenarios),
    ])
    print()
    print(body)
    if args.output:
        results_md.replace_section(args.output, "TLS", body)
        print("written to %s under \"## TLS\"" % os.path.relpath(args.output, os.getcwd()))
    return 1 if any("error" in f for f in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
