"""The fault suite of bench/soak.py (`python3 bench/soak.py --faults`): misbehaving clients against samples/Echo.

Each fault runs against each server it applies to, while a probe thread (a well-formed client) connects afresh every
100 ms and checks a 1 KiB echo. A fault passes ("ok") when its own expectation holds, every probe during and after it
was echoed correctly, and the server's open descriptors and threads are back to what they were before the fault
within a bounded wait once the fault's clients are gone. Resident memory is reported (before, peak, after); the
flood fault also bounds it. Each fault is a row: fault, server, result, probe latency during the fault,
descriptors, threads and memory before → peak → after, and what was seen.

Servers: samples/Echo (TCP and Unix stream × Threading and Async; --timeout 0.5 and 3 for the faults that need a
handler Timeout; UDP × Threading and Async), bench/FaultServer (the flood), and CPython's ThreadingUDPServer
(bench/python_echo.py) as the reference for what datagram faults should do. The servers keep the descriptor limit
this script was started with; the fault clients raise their own (resource.setrlimit) for 2,000 connections.
"""
import asyncio
import contextlib
import datetime
import fcntl
import os
import resource
import socket
import statistics
import struct
import termios
import threading
import time

import proc_status
import run

# The descriptor limit this script was started with: the servers keep it, whatever the clients raise theirs to.
STARTING_FILE_LIMIT = resource.getrlimit(resource.RLIMIT_NOFILE)

SETTLE_BOUND = 90.0  # seconds the server may take to be back to its descriptors and threads once the clients are gone
FLOOD_MIB = 100  # what FaultServer writes to a client that asks for a flood
FLOOD_RSS_BOUND_MIB = 32  # a third of one flood: a server that buffered what a stalled client does not read would pass it
MAX_PACKET = 8192  # the servers' MaxPacketSize (Python's max_packet_size)
ERROR_LOGGED = "Exception occurred during processing of request"  # HandleError's line, as Python's handle_error prints


def keep_starting_file_limit():
    """Runs in each server process: the limit the harness was started with, not the one the clients raised."""
    resource.setrlimit(resource.RLIMIT_NOFILE, STARTING_FILE_LIMIT)


def address(target):
    """(family, socket type, address) of a run.Server target: tcp:HOST:PORT, udp:HOST:PORT or unix:PATH."""
    scheme, rest = target.split(":", 1)
    if scheme == "unix":
        return socket.AF_UNIX, socket.SOCK_STREAM, rest
    host, port = rest.rsplit(":", 1)
    return socket.AF_INET, socket.SOCK_DGRAM if scheme == "udp" else socket.SOCK_STREAM, (host, int(port))


def connect(target, timeout=10.0):
    family, kind, where = address(target)
    sock = socket.socket(family, kind)
    sock.settimeout(timeout)
    try:
        sock.connect(where)
    except OSError:
        sock.close()
        raise
    return sock


def receive_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return bytes(data)


def probe_once(target):
    """One well-formed exchange; None if it was echoed correctly, else what went wrong."""
    message = os.urandom(1024)
    try:
        if target.startswith("udp:"):
            with contextlib.closing(connect(target, timeout=1.0)) as sock:
                for _ in range(3):  # a datagram may be lost; three in a row is not a loss but a server that stopped
                    sock.send(message)
                    try:
                        reply = sock.recv(65536)
                    except socket.timeout:
                        continue
                    return None if reply == message else "a %d-byte reply that is not the datagram" % len(reply)
                return "no reply to three datagrams"
        with contextlib.closing(connect(target)) as sock:
            sock.sendall(message)
            echo = receive_exactly(sock, len(message))
            return None if echo == message else "%d of %d bytes echoed%s" % (
                len(echo), len(message), "" if message.startswith(echo) else ", differing")
    except OSError as error:
        return "%s: %s" % (type(error).__name__, error)


class Probe:
    """A well-formed client in a thread, probing every 100 ms while a fault runs; samples the server as it goes."""

    def __init__(self, target, pid):
        self.target, self.pid = target, pid
        self.latencies, self.failures, self.samples = [], [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self):
        while True:  # the first probe at once, as the fault starts
            started = time.perf_counter()
            problem = probe_once(self.target)
            if problem is None:
                self.latencies.append(1000 * (time.perf_counter() - started))
            else:
                self.failures.append(problem)
            with contextlib.suppress(OSError):
                self.samples.append(proc_status.sample(self.pid))
            if self._stop.wait(0.1):
                return

    def summary(self):
        if not self.latencies:
            return "%d probes, none echoed" % len(self.failures)
        return "%d: p50 %.1f ms, max %.0f ms%s" % (
            len(self.latencies) + len(self.failures), statistics.median(self.latencies), max(self.latencies),
            ", %d failed" % len(self.failures) if self.failures else "")


def settle(pid, before, bound, check_threads):
    """Waits until the server's descriptors (and threads) are back to `before`; (sample, seconds, problem or None)."""
    started = time.monotonic()
    while True:
        now = proc_status.sample(pid)
        waited = time.monotonic() - started
        back = now.fds <= before.fds and (not check_threads or now.threads <= before.threads)
        if back or waited >= bound:
            problem = None if back else "not back after %.0f s: fds %d → %d, threads %d → %d" % (
                waited, before.fds, now.fds, before.threads, now.threads)
            return now, waited, problem
        time.sleep(0.25)


def quiesce(pid, bound=45.0, steady=6.0):
    """Waits until the server's threads and descriptors have not changed for `steady` seconds (a baseline)."""
    started = last_change = time.monotonic()
    previous = proc_status.sample(pid)
    while time.monotonic() - last_change < steady and time.monotonic() - started < bound:
        time.sleep(0.25)
        now = proc_status.sample(pid)
        if (now.threads, now.fds) != (previous.threads, previous.fds):
            last_change, previous = time.monotonic(), now
    return previous


def warm_up(target):
    """Exercises the server's accept, echo and error paths before the baseline is taken. The first error a server
    logs loads .NET's stack-trace machinery, which keeps 12 descriptors open for the life of the process (5 framework
    assemblies mapped twice, the .pdb files of the server and the runtime): once, not per error, so not a leak."""
    for _ in range(10):
        probe_once(target)
    workers = [threading.Thread(target=probe_once, args=(target,)) for _ in range(16)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    if not target.startswith("udp:"):
        with contextlib.suppress(OSError), contextlib.closing(connect(target)) as sock:
            sock.sendall(os.urandom(256 * 1024))  # unread by this client, and then reset: the server logs an error
            time.sleep(0.2)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


# ---------------------------------------------------------------------------------------------------------------------
# The faults. Each takes the target and the scale (1, or 10 with --quick: a tenth of the clients) and returns
# (problems, note): what broke its expectation, and what was seen. Stream clients are asyncio connections (the flood's
# are plain sockets, to read FIONREAD); every wait is bounded.

async def open_stream(target):
    family, _, where = address(target)
    if family == socket.AF_UNIX:
        return await asyncio.wait_for(asyncio.open_unix_connection(where), 30)
    return await asyncio.wait_for(asyncio.open_connection(*where), 30)


def reset(writer):
    """Closes with SO_LINGER 0: TCP sends a reset; a Unix socket closed with unread data resets its peer's reads."""
    with contextlib.suppress(OSError):
        writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def gather_outcomes(coroutines):
    """Runs the clients at once; each returns a problem (or None) or raises; returns their problems."""
    outcomes = await asyncio.gather(*coroutines, return_exceptions=True)
    return [o if isinstance(o, str) else "%s: %s" % (type(o).__name__, o) for o in outcomes if o is not None]


def tally(problems, count, what):
    """One line for many clients' problems: the distinct reasons and how many had each."""
    if not problems:
        return []
    reasons = {}
    for problem in problems:
        reasons[problem] = reasons.get(problem, 0) + 1
    return ["%d of %d %s: %s" % (len(problems), count, what, "; ".join("%d × %s" % (n, r) for r, n in reasons.items()))]


async def reset_mid_request(target, scale):
    count = 50 // scale

    async def client():
        reader, writer = await open_stream(target)
        writer.write(os.urandom(256 * 1024))  # a quarter of a 1 MiB request, never reading the echo
        await asyncio.sleep(0.3)
        reset(writer)

    problems = await gather_outcomes(client() for _ in range(count))
    return tally(problems, count, "clients"), "%d clients sent 256 KiB of 1 MiB without reading, then reset" % count


async def reset_mid_reply(target, scale):
    count = 50 // scale

    async def client():
        reader, writer = await open_stream(target)
        request = os.urandom(1 << 20)
        writer.write(request)  # 1 MiB, sent as the server echoes it
        echo = await asyncio.wait_for(reader.readexactly(256 * 1024), 30)
        reset(writer)  # while the server is still echoing the other 768 KiB
        return None if request.startswith(echo) else "the first 256 KiB of the echo differ"

    problems = await gather_outcomes(client() for _ in range(count))
    return tally(problems, count, "clients"), "%d clients sent 1 MiB, reset after 256 KiB of echo" % count


async def half_close(target, scale):
    count = 50 // scale

    async def client(size):
        reader, writer = await open_stream(target)
        request = os.urandom(size)
        writer.write(request)
        writer.write_eof()  # shutdown(SHUT_WR) once the request is sent; then read the echo to the end
        echo = await asyncio.wait_for(reader.read(), 30)
        writer.close()
        return None if echo == request else "%d of %d bytes echoed before the end%s" % (
            len(echo), size, "" if request.startswith(echo) else ", differing")

    sizes = [1024 * (1 + i * 255 // max(1, count - 1)) for i in range(count)]
    problems = await gather_outcomes(client(size) for size in sizes)
    return tally(problems, count, "clients"), "%d clients sent 1–256 KiB, shut down writing, read to the end: %d whole" % (
        count, count - len(problems))


async def slow_loris(target, scale, seconds, timeout):
    """Clients that send one byte a second, reading the echo. A server Timeout under a second must drop each about
    that long after its last byte (never sooner); a longer one must not drop them at all."""
    expect_drop = timeout < 1.0
    count = 20 // scale
    seconds = seconds // scale

    async def client():
        reader, writer = await open_stream(target)
        echoed = bytearray()
        last_sent = time.monotonic()

        async def read():
            with contextlib.suppress(OSError):
                while chunk := await reader.read(64):
                    echoed.extend(chunk)
            return time.monotonic()  # the end of the stream or a reset: dropped

        reading = asyncio.ensure_future(read())
        sent = 0
        for _ in range(seconds):
            if reading.done():
                break
            with contextlib.suppress(OSError):
                last_sent = time.monotonic()  # before sending: the server's wait can only have begun later
                writer.write(b"x")
                await writer.drain()
                sent += 1
            await asyncio.wait([reading], timeout=1.0)
        if expect_drop and not reading.done():
            await asyncio.wait([reading], timeout=2.0)
        dropped_at = reading.result() if reading.done() else None
        if not reading.done():
            reading.cancel()
        writer.close()
        if expect_drop:
            return (dropped_at - last_sent) if dropped_at else "not dropped after %d s" % seconds
        if dropped_at is not None:
            return "dropped after %d bytes" % sent
        return None if bytes(echoed) == b"x" * sent else "%d of %d bytes echoed" % (len(echoed), sent)

    outcomes = await asyncio.gather(*(client() for _ in range(count)), return_exceptions=True)
    delays = [o for o in outcomes if isinstance(o, float)]
    problems = [o if isinstance(o, str) else "%s: %s" % (type(o).__name__, o)
                for o in outcomes if o is not None and not isinstance(o, float)]
    if expect_drop:
        note = "%d clients, 1 B/s: %d dropped, %.2f–%.2f s after their last byte (median %.2f)" % (
            count, len(delays), min(delays), max(delays), statistics.median(delays)) if delays else "none dropped"
    else:
        note = "%d clients, 1 B/s for %d s: %d still served, every byte echoed (Timeout bounds each read, not the " \
               "request, as in Python)" % (count, seconds, count - len(problems))
    return tally(problems, count, "clients") + too_soon(delays, timeout, "after its last byte"), note


async def idle_clients(target, scale, hold, timeout=None):
    """Clients that connect and never send: held without a Timeout, dropped after it (never sooner) with one."""
    count = 200 // scale
    expect_drop = timeout is not None

    async def client():
        connected = time.monotonic()  # before connecting: the server's wait can only have begun later
        reader, writer = await open_stream(target)
        try:
            data = await asyncio.wait_for(reader.read(1), hold)
        except asyncio.TimeoutError:
            data = None  # still connected
        except OSError:
            data = b""
        writer.close()
        if data is None:
            return "not dropped after %g s" % hold if expect_drop else None
        if data:
            return "the server sent %r unasked" % data
        return (time.monotonic() - connected) if expect_drop else "dropped after %.2f s" % (time.monotonic() - connected)

    outcomes = await asyncio.gather(*(client() for _ in range(count)), return_exceptions=True)
    delays = [o for o in outcomes if isinstance(o, float)]
    problems = [o if isinstance(o, str) else "%s: %s" % (type(o).__name__, o)
                for o in outcomes if o is not None and not isinstance(o, float)]
    if expect_drop:
        note = "%d idle clients: %d dropped %.2f–%.2f s after they began to connect (median %.2f)" % (
            count, len(delays), min(delays), max(delays), statistics.median(delays)) if delays else "none dropped"
    else:
        note = "%d idle clients held %g s, %d still connected at the end" % (count, hold, count - len(problems))
    return tally(problems, count, "clients") + too_soon(delays, timeout, "after it began to connect"), note


def too_soon(delays, timeout, since):
    """A client dropped before the Timeout could have passed on the server: the server cut it short."""
    early = [d for d in delays if timeout is not None and d < timeout - 0.01]
    return ["%d dropped sooner than the %g s Timeout %s (%.2f s)" % (len(early), timeout, since, min(early))] if early else []


async def many_at_once(target, scale, pid):
    """2,000 connections opened at once, each echoing 64 bytes while all are open."""
    count = 2000 // scale
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 256:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1024), hard))
    started = time.monotonic()

    async def opened():
        began = time.monotonic()
        streams = await open_stream(target)
        return streams, time.monotonic() - began

    attempts = await asyncio.gather(*(opened() for _ in range(count)), return_exceptions=True)
    connected = [a for a in attempts if not isinstance(a, BaseException)]
    refused = tally(["%s: %s" % (type(a).__name__, a) for a in attempts if isinstance(a, BaseException)], count, "connects failed")
    opening = time.monotonic() - started

    async def echo(reader, writer):
        message = os.urandom(64)
        writer.write(message)
        got = await asyncio.wait_for(reader.readexactly(64), 60)
        return None if got == message else "echo differs"

    echoes = await gather_outcomes(echo(r, w) for (r, w), _ in connected)
    held = proc_status.sample(pid)  # every connection accepted and echoed, all still open
    for (_, writer), _ in connected:
        writer.close()
    times = sorted(t for _, t in connected)
    note = "%d of %d connected in %.0f ms (each: p50 %.0f ms, max %.0f ms), %d echoed; all held: fds %d, threads %d, " \
           "RSS %.0f MiB; server's open-files limit %s" % (
               len(connected), count, 1000 * opening, 1000 * statistics.median(times) if times else 0,
               1000 * times[-1] if times else 0, len(connected) - len(echoes), held.fds, held.threads, held.rss_mib,
               proc_status.open_files_limit(pid))
    # Refused connections are reported, not failed: what matters is that the server serves the rest and recovers.
    return tally(echoes, len(connected), "echoes failed"), note + ("; " + refused[0] if refused else "")


def flood(target, scale, pid, rss_before):
    """Clients that ask for FLOOD_MIB MiB and stop reading: WFile must block, the rest go on, memory stay flat."""
    count = max(1, 10 // scale)
    stalled = []
    problems = []
    try:
        for _ in range(count):
            sock = connect(target)
            sock.sendall(b"flood\n")
            stalled.append(sock)
        # The server is blocked once what the clients hold in their receive buffers stops growing.
        waiting, previous = [0] * count, None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.5)
            waiting = [struct.unpack("i", fcntl.ioctl(s, termios.FIONREAD, b"\0\0\0\0"))[0] for s in stalled]
            if waiting == previous and min(waiting) > 0:
                break
            previous = waiting
        else:
            problems.append("the flood did not stall within 30 s: %s bytes waiting" % waiting)
        time.sleep(3.0 / scale)  # held stalled: the server must not buffer what they do not read
        during = proc_status.sample(pid)
        # Another client asks for a flood and reads all of it, while the others are still stalled.
        began = time.monotonic()
        with contextlib.closing(connect(target, timeout=60)) as reader:
            reader.sendall(b"flood\n")
            total, buffer = 0, bytearray(1 << 20)
            pattern = memoryview(bytes(i % 251 for i in range(len(buffer) + 251)))  # byte k of a flood is k % 251
            while True:
                n = reader.recv_into(buffer)
                if n == 0:
                    break
                if memoryview(buffer)[:n] != pattern[total % 251:total % 251 + n]:
                    problems.append("the reading client's flood differs from byte %d on" % total)
                    break
                total += n
        took = time.monotonic() - began
        if total != FLOOD_MIB << 20:
            problems.append("the reading client got %d of %d bytes" % (total, FLOOD_MIB << 20))
        grew = during.rss_mib - rss_before
        if grew > FLOOD_RSS_BOUND_MIB:
            problems.append("RSS grew %.0f MiB with %d stalled floods (bound %d MiB)" % (grew, count, FLOOD_RSS_BOUND_MIB))
        note = "%d clients stalled with %.1f–%.1f MiB waiting in their receive buffers; RSS %+.1f MiB while stalled; " \
               "a reading client got its %d MiB in %.1f s meanwhile" % (
                   count, min(waiting) / 1048576, max(waiting) / 1048576, grew, total >> 20, took)
    finally:
        for sock in stalled:  # closed with unread data: the server's blocked write fails with a reset
            sock.close()
    return problems, note


def oversize_datagrams(target, scale):
    """Datagrams longer than MaxPacketSize: Python truncates them to max_packet_size; so should we."""
    problems, seen = [], []
    with contextlib.closing(connect(target, timeout=2.0)) as sock:
        for size in (MAX_PACKET + 1, 9000, 65507):
            message = os.urandom(size)
            sock.send(message)
            try:
                reply = sock.recv(65536)
            except socket.timeout:
                problems.append("%d B: no reply" % size)
                seen.append("%d B → no reply" % size)
                continue
            prefix = message.startswith(reply)
            seen.append("%d B → %d B%s" % (size, len(reply), " (its prefix)" if prefix else " (not its prefix)"))
            if len(reply) != MAX_PACKET or not prefix:
                problems.append("%d B: a %d-byte reply%s, not the first %d bytes" % (
                    size, len(reply), "" if prefix else " that differs", MAX_PACKET))
    return problems, "; ".join(seen)


def empty_datagram(target, scale):
    """A 0-byte datagram: Python's DatagramRequestHandler sends back what the handler wrote, an empty datagram."""
    with contextlib.closing(connect(target, timeout=2.0)) as sock:
        sock.send(b"")
        try:
            reply = sock.recv(65536)
        except socket.timeout:
            return ["no reply in 2 s"], "0 B → no reply"
    if reply:
        return ["a %d-byte reply" % len(reply)], "0 B → %d B" % len(reply)
    return [], "0 B → a 0-byte reply"


# ---------------------------------------------------------------------------------------------------------------------

def plan(quick):
    """(server name, transport, server arguments, [(fault name, function)]) for every server the suite starts."""
    scale = 10 if quick else 1
    stream = ["tcp-threading", "tcp-async"] if quick else ["tcp-threading", "tcp-async", "unixstream-threading", "unixstream-async"]
    steps = []
    for kind in stream:
        transport, concurrency = kind.split("-")
        echo = "ours-" + concurrency
        steps.append((echo, transport, [], [
            ("reset mid-request", lambda t, p, r: asyncio.run(reset_mid_request(t, scale))),
            ("reset mid-reply", lambda t, p, r: asyncio.run(reset_mid_reply(t, scale))),
            ("half-close", lambda t, p, r: asyncio.run(half_close(t, scale))),
            ("idle, no Timeout", lambda t, p, r: asyncio.run(idle_clients(t, scale, 5.0 / scale))),
            ("%d connections at once" % (2000 // scale), lambda t, p, r: asyncio.run(many_at_once(t, scale, p))),
        ]))
        steps.append((echo, transport, ["--timeout", "0.5"], [
            ("slow-loris 1 B/s, Timeout 0.5 s", lambda t, p, r: asyncio.run(slow_loris(t, scale, 10, timeout=0.5))),
            ("idle, Timeout 0.5 s", lambda t, p, r: asyncio.run(idle_clients(t, scale, 10.0, timeout=0.5))),
        ]))
        if not quick:
            steps.append((echo, transport, ["--timeout", "3"], [
                ("slow-loris 1 B/s, Timeout 3 s", lambda t, p, r: asyncio.run(slow_loris(t, scale, 10, timeout=3.0))),
            ]))
    for kind in ["tcp-async"] if quick else stream:
        transport, concurrency = kind.split("-")
        steps.append(("fault-" + concurrency, transport, ["--flood-mib", str(FLOOD_MIB)], [
            ("stalled reader, %d MiB flood" % FLOOD_MIB, lambda t, p, r: flood(t, scale, p, r)),
        ]))
    for name in ["ours-threading"] if quick else ["ours-threading", "ours-async", "cpython"]:
        steps.append((name, "udp", [], [
            ("oversize datagrams", lambda t, p, r: oversize_datagrams(t, scale)),
            ("empty datagram", lambda t, p, r: empty_datagram(t, scale)),
        ]))
    return steps


def run_fault(server, fault_name, fault, check_threads):
    pid = server.process.pid
    before = proc_status.sample(pid)
    errors_before = server.stderr().count(ERROR_LOGGED)
    problems = []
    with Probe(server.target, pid) as probe:
        try:
            fault_problems, note = fault(server.target, pid, before.rss_mib)
            problems += fault_problems
        except Exception as error:  # a fault client that failed is a failed row, not a crashed suite
            problems.append("the fault's client failed: %s: %s" % (type(error).__name__, error))
            note = ""
    if probe.failures:
        problems.append("%d probes failed during the fault: %s" % (len(probe.failures), probe.failures[0]))
    for _ in range(3):
        failure = probe_once(server.target)
        if failure:
            problems.append("a probe after the fault failed: " + failure)
            break
    if server.process.poll() is not None:
        problems.append("the server exited with code %s" % server.process.returncode)
        after, waited = before, 0.0
    else:
        after, waited, leak = settle(pid, before, SETTLE_BOUND, check_threads)
        if leak:
            problems.append(leak)
    samples = probe.samples or [before]
    peak = proc_status.Sample(None, max(s.rss_mib for s in samples), max(s.threads for s in samples), max(s.fds for s in samples))
    logged = server.stderr().count(ERROR_LOGGED) - errors_before
    row = {"fault": fault_name, "server": "%s %s%s" % (server.name, server.transport, (" " + " ".join(server.extra_args)) if server.extra_args else ""),
           "result": "ok" if not problems else "FAILED: " + "; ".join(problems), "probe": probe.summary(),
           "before": before, "peak": peak, "after": after, "settled": waited,
           "note": note + ("; the server logged %d errors (a traceback each)" % logged if logged else "")}
    print("  %-36s %-44s %s\n      probe %s; fds %d → %d → %d, threads %d → %d → %d, RSS %.1f → %.1f → %.1f MiB (back in %.1f s)\n      %s" % (
        fault_name, row["server"], row["result"], row["probe"], before.fds, peak.fds, after.fds, before.threads,
        peak.threads, after.threads, before.rss_mib, peak.rss_mib, after.rss_mib, waited, row["note"]), flush=True)
    return row


def run_suite(args, command):
    """Runs every fault against every server it applies to; returns the rows and the text for RESULTS.md."""
    started = time.monotonic()
    rows = []
    check_threads = not args.quick  # --quick checks descriptors only: threads retire on timers of seconds
    for name, transport, extra, faults in plan(args.quick):
        with run.Server(name, transport, extra, preexec=keep_starting_file_limit) as server:
            warm_up(server.target)
            quiesce(server.process.pid, bound=3 if args.quick else 45, steady=1 if args.quick else 6)
            for fault_name, fault in faults:
                rows.append(run_fault(server, fault_name, fault, check_threads))
    return rows, report(rows, args, command, time.monotonic() - started)


def report(rows, args, command, seconds):
    out = ["Produced by `%s` on %s UTC, in %.0f s. Machine: %s." % (
        command, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), seconds, run.machine()),
        "A probe client connects every 100 ms during each fault and checks a 1 KiB echo (a datagram: up to three "
        "tries); \"ok\" means the fault's expectation held, every probe was echoed during and after it, and the "
        "server's descriptors%s were back to their level before the fault within %d s of its clients' end. Figures: "
        "before → peak during the fault → after." % ("" if args.quick else " and threads", SETTLE_BOUND),
        "",
        "| fault | server | result | probe during the fault: n, latency | fds | threads | RSS MiB | seen |",
        "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        b, p, a = row["before"], row["peak"], row["after"]
        out.append("| %s | %s | %s | %s | %d → %d → %d | %d → %d → %d | %.1f → %.1f → %.1f | %s |" % (
            row["fault"], row["server"], row["result"] if row["result"] == "ok" else "**" + row["result"] + "**",
            row["probe"], b.fds, p.fds, a.fds, b.threads, p.threads, a.threads, b.rss_mib, p.rss_mib, a.rss_mib,
            row["note"].replace("|", "\\|")))
    return "\n".join(out)
