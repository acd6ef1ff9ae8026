#!/usr/bin/env python3
"""The soak and fault harness: long verifying load, and injected faults, against samples/Echo.

    python3 bench/soak.py                                   # the soak: 256 connections, 600 s per server (about an hour)
    python3 bench/soak.py --connections 64 --duration 60    # a shorter soak
    python3 bench/soak.py --quick                           # a smoke run of a few seconds per server (writes nothing)
    python3 bench/soak.py --faults                          # the fault suite (bench/faults.py), about 11 minutes
    python3 bench/soak.py --quick --broken corrupt          # the self-check: a broken echo must fail the soak

Soak: for each server (TCP and Unix stream × Threading and Async, UDP × Threading and Async; --servers picks some),
bench/SoakClient keeps --connections verifying connections busy for --duration seconds: message sizes random from
--min-size to --max-size (UDP: up to the server's MaxPacketSize, 8192), every echoed byte compared, each connection
reconnecting every --reconnect-every messages. Every --interval seconds this script samples the server's resident
memory, threads and open descriptors (/proc/PID/status and /proc/PID/fd) and prints them; at the end it prints the
figures, the least-squares slope of memory and threads over the second half of the run, and the same figures once
the clients have gone (idle-after). A stream message lost or mismatched, a failed connect or close, a client or
server that died: the run fails (exit code 1). UDP datagrams lost on an overloaded loopback are counted and reported;
they fail the run only beyond what the kernel counted as dropped (/proc/net/snmp); a mismatched datagram fails.

Results go to bench/RESULTS.md under "## Soak" (or "## Fault injection"), with the command and the date; --quick
writes only with --output. Every process started here is in its own process group and is stopped by its id
(SIGTERM, then SIGKILL of its group) at the end, on failure and on Ctrl+C; Unix socket paths live in temporary
directories that are removed; all traffic is on loopback.
"""
import argparse
import atexit
import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time

import faults
import proc_status
import results_md
import run

SOAK_CLIENT = os.path.join(run.ROOT, "bench", "SoakClient", run.RELEASE, "SoakClient.dll")
PROJECTS = ["samples/Echo", "bench/SoakClient", "bench/FaultServer"]
SERVERS = ["tcp-threading", "tcp-async", "unixstream-threading", "unixstream-async", "udp-threading", "udp-async"]
# The kernel's UDP counters of datagrams it dropped (/proc/net/snmp): a full receive or send buffer, memory, or no
# socket at the port (a late reply to a client that has reconnected). Other processes on the machine can only add
# to them, so "lost <= late + these" is a bound that never fails a correct server.
KERNEL_DROPS = ["RcvbufErrors", "SndbufErrors", "MemErrors", "NoPorts"]
UDP_MAX_PACKET = 8192  # the servers' MaxPacketSize: a longer datagram arrives truncated, which is not an echo
CLIENT_GRACE = 120  # seconds a client may take past --duration (its last messages, bounded by their reply timeout)

# The self-check's broken servers: the echo flips one byte, or drops a connection, once 8 MiB have been echoed.
BROKEN = {"corrupt": ["--corrupt-after", str(8 << 20)], "drop": ["--drop-after", str(8 << 20)]}


class SoakClient:
    """bench/SoakClient against one server, in its own process group; reads its JSON lines as they come."""

    def __init__(self, target, args, max_size):
        command = ["dotnet", SOAK_CLIENT, "--target", target, "--connections", str(args.connections),
                   "--duration", str(args.duration), "--reconnect-every", str(args.reconnect_every),
                   "--min-size", str(args.min_size), "--max-size", str(max_size), "--seed", str(args.seed),
                   "--progress", str(min(args.interval, 1))]
        self.command = command
        self.progress = {}
        self.final = None
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=run.ENV, preexec_fn=run.raise_file_limit, start_new_session=True)
        run.RUNNING.append(self.process)
        self.errors = []
        self._readers = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self):
        for line in self.process.stdout:
            try:
                figures = json.loads(line)
            except ValueError:
                self.errors.append(line.strip())
                continue
            if "final" in figures:
                self.final = figures["final"]
            else:
                self.progress = figures.get("progress", {})

    def _read_stderr(self):
        for line in self.process.stderr:
            self.errors.append(line.strip())

    def finish(self):
        """Stops the client if still running, and returns its exit code."""
        run.stop(self.process)
        for reader in self._readers:
            reader.join(timeout=10)
        return self.process.returncode


def server_name(kind, broken):
    """("ours-threading", "tcp") for "tcp-threading"; FaultServer (its broken echo) for the self-check."""
    transport, concurrency = kind.split("-")
    return ("fault-" if broken else "ours-") + concurrency, transport


def soak_one(kind, args):
    """Soaks one server and returns its row: figures, samples and what failed."""
    name, transport = server_name(kind, args.broken)
    extra = BROKEN[args.broken] if args.broken else []
    max_size = min(args.max_size, UDP_MAX_PACKET) if transport == "udp" else args.max_size
    row = {"server": kind + (" (broken: %s)" % args.broken if args.broken else ""), "transport": transport,
           "samples": [], "problems": [], "kernel_drops": 0}
    print("%s: %d connections, %g s, sizes %d-%d B, reconnect every %d messages" % (
        row["server"], args.connections, args.duration, args.min_size, max_size, args.reconnect_every), flush=True)
    with run.Server(name, transport, extra) as server:
        pid = server.process.pid
        started = time.monotonic()

        def take(phase):
            point = proc_status.sample(pid)
            messages = client.progress.get("messages", 0) if phase == "run" else None
            row["samples"].append((phase, point.time - started, point, messages))
            print("  %-6s %7.1f s  RSS %7.1f MiB  threads %4d  fds %5d%s" % (
                phase, point.time - started, point.rss_mib, point.threads, point.fds,
                "" if messages is None else "  messages %d" % messages), flush=True)

        client = None
        take("start")
        udp_before = proc_status.udp_counters()
        client = SoakClient(server.target, args, max_size)
        deadline = started + args.duration + CLIENT_GRACE
        next_sample = started + args.interval
        while client.process.poll() is None and time.monotonic() < deadline and server.process.poll() is None:
            try:
                client.process.wait(timeout=max(0.0, min(next_sample, deadline) - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() >= next_sample and client.process.poll() is None and server.process.poll() is None:
                take("run")
                next_sample += args.interval
        if server.process.poll() is not None:
            row["problems"].append("the server exited with code %s: %s" % (server.process.returncode, server.stderr_tail()))
        else:
            take("end")
        if client.process.poll() is None:
            row["problems"].append("the client was still running %d s after --duration" % CLIENT_GRACE)
        code = client.finish()
        udp_after = proc_status.udp_counters()
        row["kernel_drops"] = sum(udp_after[k] - udp_before[k] for k in KERNEL_DROPS)
        if code not in (0, None) and not row["problems"]:
            row["problems"].append("the client exited with code %s: %s" % (code, " ".join(client.errors)[-300:]))
        if server.process.poll() is None:
            # Idle-after: the clients are gone; give the server --idle-wait seconds to let go of what it held.
            time.sleep(args.idle_wait)
            take("idle")
        row["errors_logged"] = server.stderr().count(faults.ERROR_LOGGED)  # none expected: every client closes cleanly
    row["figures"] = client.final or {}
    if client.final is None and not row["problems"]:
        row["problems"].append("the client printed no final figures: %s" % " ".join(client.errors)[-300:])
    row["problems"] += verdict(transport, row["figures"], row["kernel_drops"])
    summarize(row, args.duration)
    print_summary(row)
    return row


def verdict(transport, f, kernel_drops):
    """What failed in the client's figures: every stream message must come back whole and equal, and every lost
    datagram must be one the kernel dropped (a full receive buffer, no socket at the port) or one that came late."""
    if not f:
        return []
    problems = []
    unexplained = f["lost"] - f["late"] - kernel_drops
    if transport == "udp" and unexplained > 0:
        problems.append("%d datagrams lost that the kernel did not drop (lost %d, late %d, kernel drops %d)" % (
            unexplained, f["lost"], f["late"], kernel_drops))
    if f["messages"] == 0:
        problems.append("no message was echoed")
    if f["mismatched"]:
        problems.append("%d mismatched" % f["mismatched"])
    if f["lost"] and transport != "udp":
        problems.append("%d lost (%d bytes)" % (f["lost"], f["lost_bytes"]))
    if f["connect_failures"]:
        problems.append("%d failed connects" % f["connect_failures"])
    if f["close_errors"]:
        problems.append("%d failed closes" % f["close_errors"])
    return problems


def summarize(row, duration):
    """Start, peak, end and idle-after figures, and the slopes over the second half of the run."""
    during = [(t, s) for phase, t, s, _ in row["samples"] if phase in ("start", "run", "end")]
    by_phase = {phase: s for phase, _, s, _ in row["samples"]}
    row["start"], row["end"], row["idle"] = by_phase.get("start"), by_phase.get("end"), by_phase.get("idle")
    row["peak"] = proc_status.Sample(None, max(s.rss_mib for _, s in during), max(s.threads for _, s in during),
                                     max(s.fds for _, s in during)) if during else None
    second_half = [(t, s) for t, s in during if t >= duration / 2]
    row["rss_slope"] = proc_status.slope_per_minute([(t, s.rss_mib) for t, s in second_half])
    row["threads_slope"] = proc_status.slope_per_minute([(t, s.threads) for t, s in second_half])


def fmt_slope(value, unit):
    return "—" if value is None else "%+.2f %s" % (value, unit)


def figures_of(row, field, pattern):
    return " / ".join("—" if row.get(p) is None else pattern % getattr(row[p], field)
                      for p in ("start", "peak", "end", "idle"))


def print_summary(row):
    f = row["figures"]
    lost = f.get("lost", "—")
    if row["transport"] == "udp":
        lost = "%s (kernel drops %d, late %s)" % (lost, row["kernel_drops"], f.get("late", "—"))
    print("  %s: %s messages, %.1f MB echoed, lost %s, mismatched %s, reconnects %s; RSS slope %s, threads slope %s: %s"
          % (row["server"], f.get("messages", "—"), f.get("bytes", 0) / 1e6, lost, f.get("mismatched", "—"),
             f.get("reconnects", "—"), fmt_slope(row["rss_slope"], "MiB/min"), fmt_slope(row["threads_slope"], "/min"),
             result(row)), flush=True)
    for reason, count in sorted(f.get("reasons", {}).items()):
        print("    %6d × %s" % (count, reason))


def result(row):
    """ok, or FAILED with what failed; either way, the errors the server logged (a well-formed client causes none)."""
    logged = row.get("errors_logged", 0)
    text = "**FAILED**: " + "; ".join(row["problems"]) if row["problems"] else "ok"
    return text + (" (the server logged %d errors)" % logged if logged else "")


def report(rows, args, command, seconds):
    out = ["Produced by `%s` on %s UTC, in %.0f s. Machine: %s." % (
        command, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), seconds, run.machine()),
        "Each server: %d verifying connections (UDP: clients) for %g s, message sizes random from %d B to %d B "
        "(UDP: to %d B, the server's MaxPacketSize), each connection reconnecting every %d messages; the server "
        "sampled every %g s; idle-after: %g s after the clients have gone; slopes: least squares over the second "
        "half of the run." % (args.connections, args.duration, args.min_size, args.max_size,
                              min(args.max_size, UDP_MAX_PACKET), args.reconnect_every, args.interval, args.idle_wait),
        "",
        "| server | messages | MB echoed | lost | mismatched | reconnects | RSS MiB start / peak / end / idle-after "
        "| threads start / peak / end / idle-after | fds start / peak / end / idle-after | RSS slope | threads slope "
        "| result |",
        "|---|---:|---:|---:|---:|---:|---|---|---|---:|---:|---|"]
    for row in rows:
        f = row["figures"]
        lost = f.get("lost", "—")
        if row["transport"] == "udp" and f.get("lost"):
            lost = "%d (%.3f %%; kernel drops %d, late %d)" % (
                f["lost"], 100.0 * f["lost"] / max(1, f["lost"] + f["messages"]), row["kernel_drops"], f["late"])
        out.append("| %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            row["server"], f.get("messages", "—"), f.get("bytes", 0) / 1e6, lost, f.get("mismatched", "—"),
            f.get("reconnects", "—"), figures_of(row, "rss_mib", "%.1f"), figures_of(row, "threads", "%d"),
            figures_of(row, "fds", "%d"), fmt_slope(row["rss_slope"], "MiB/min"),
            fmt_slope(row["threads_slope"], "/min"), result(row)))
    notes = [(row["server"], count, reason) for row in rows for reason, count in sorted(row["figures"].get("reasons", {}).items())]
    if notes:
        out += ["", "Reasons counted by the client:", ""] + ["- %s: %d × %s" % note for note in notes]
    out += ["", "<details><summary>Samples (seconds since the server started; messages echoed so far)</summary>", ""]
    for row in rows:
        out += ["%s:" % row["server"], "", "| phase | s | RSS MiB | threads | fds | messages |", "|---|---:|---:|---:|---:|---:|"]
        out += ["| %s | %.0f | %.1f | %d | %d | %s |" % (phase, t, s.rss_mib, s.threads, s.fds, "" if m is None else m)
                for phase, t, s, m in row["samples"]]
        out.append("")
    out.append("</details>")
    return "\n".join(out)


def command_line(args, parser):
    """The command as typed, with the options that differ from their defaults."""
    parts = ["python3 bench/soak.py"]
    for action in parser._actions:
        if not action.option_strings or action.dest in ("help", "no_build", "output"):
            continue
        value = getattr(args, action.dest)
        if value != action.default and not (args.quick and action.dest in QUICK):
            parts.append(action.option_strings[0] if value is True else "%s %s" % (action.option_strings[0], value))
    return " ".join(parts)


# What --quick changes, unless given explicitly: a smoke run of a few seconds per server.
QUICK = {"connections": 16, "duration": 3.0, "reconnect_every": 20, "interval": 1.0, "idle_wait": 1.0}


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=256, help="verifying connections (UDP: clients), default 256")
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load per server, default 600")
    parser.add_argument("--reconnect-every", type=int, default=500, help="messages per connection before it reconnects")
    parser.add_argument("--min-size", type=int, default=32, help="smallest message, bytes (default 32)")
    parser.add_argument("--max-size", type=int, default=64 * 1024, help="largest message, bytes (default 65536)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between samples of the server (default 10)")
    parser.add_argument("--idle-wait", type=float, default=10.0, help="seconds after the clients end before idle-after")
    parser.add_argument("--servers", default=",".join(SERVERS), help="which servers, comma-separated: " + ",".join(SERVERS))
    parser.add_argument("--seed", type=int, default=1, help="seed of the message sizes and contents")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: %s unless given (soak), a scaled-down suite (faults); writes only with --output"
                        % ", ".join("--%s %g" % (k.replace("_", "-"), v) for k, v in QUICK.items()))
    parser.add_argument("--faults", action="store_true", help="run the fault suite (bench/faults.py) instead of the soak")
    parser.add_argument("--broken", choices=sorted(BROKEN),
                        help="self-check: soak FaultServer, whose echo corrupts a byte or drops a connection once; must fail")
    parser.add_argument("--no-build", action="store_true", help="use the Release builds already there")
    parser.add_argument("--output", help="the results file (default bench/RESULTS.md; --quick and --broken: none)")
    args = parser.parse_args(argv)
    given = {a.split("=")[0] for a in argv if a.startswith("--")}
    if args.quick:
        for key, value in QUICK.items():
            if "--" + key.replace("_", "-") not in given:
                setattr(args, key, value)
    if args.output is None and not args.quick and not args.broken:
        args.output = os.path.join(run.ROOT, "bench", "RESULTS.md")
    unknown = [s for s in args.servers.split(",") if s not in SERVERS]
    if unknown or args.connections < 1 or args.duration <= 0 or args.interval <= 0 or args.min_size < 12 \
            or args.max_size < args.min_size or args.reconnect_every < 1:
        parser.error("unknown servers %s, or a count, time or size out of range" % unknown if unknown else
                     "counts and times are positive, 12 <= --min-size <= --max-size")
    return args, parser


def main(argv):
    args, parser = parse(argv)
    atexit.register(run.stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    if not args.no_build:
        run.build(PROJECTS)
    command = command_line(args, parser)
    if args.faults:
        rows, body = faults.run_suite(args, command)
        failed = any(row["result"] != "ok" for row in rows)
        title = "Fault injection"
    else:
        rows = [soak_one(kind, args) for kind in args.servers.split(",")]
        body = report(rows, args, command, time.monotonic() - started)
        failed = any(row["problems"] for row in rows)
        title = "Soak"
    print()
    print(body)
    if args.output:
        results_md.replace_section(args.output, title, body)
        print("written to %s under \"## %s\"" % (os.path.relpath(args.output, os.getcwd()), title))
    print("FAILED" if failed else "ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
