#!/usr/bin/env python3
"""Two HostedEcho instances behind HAProxy, restarted one at a time under load, on loopback.

    python3 samples/ScaleOut/rolling_restart.py

Proves, and exits with 1 (saying what was lost) if not:

1. HAProxy spreads connections over both instances (its own per-server counters).
2. Each instance in turn is drained and restarted while clients keep opening new connections through HAProxy and
   connections that were already open keep exchanging data:
     a. "set server echo/X state drain" on HAProxy's admin socket: no new connection goes to X;
     b. SIGTERM to X: the generic host stops it, which closes its listener and lets running echoes finish
        (--drain-seconds); the script checks that the open connections served by X still echo after the signal;
     c. those connections close, X exits with code 0 and logs that it drained them and aborted none;
     d. X starts again on the same port, "state ready", and HAProxy sends it connections again.
3. No new connection failed and no open connection lost a byte, in either restart.

Needs python3, haproxy (Debian: apt-get install haproxy) and the .NET SDK. Builds samples/HostedEcho unless --echo
names a built HostedEcho.dll. Every process it starts is stopped before it exits; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WAIT = 60.0  # the bound on every wait: a step that takes longer has failed
IN_FLIGHT = 8  # connections held open across each restart (round robin puts half on each instance)


class Failure(Exception):
    """A check that did not hold: the script reports it and exits with 1."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--echo", help="a built HostedEcho.dll (default: build samples/HostedEcho in Release)")
    parser.add_argument("--haproxy", default=shutil.which("haproxy") or "/usr/sbin/haproxy", help="the haproxy binary")
    parser.add_argument("--drain-seconds", type=float, default=30.0,
                        help="how long a stopped instance lets running echoes go on (0 shows what a cut looks like)")
    args = parser.parse_args()

    if not os.path.exists(args.haproxy):
        print(f"haproxy not found ({args.haproxy}): install it (Debian: apt-get install haproxy) or pass --haproxy.",
              file=sys.stderr)
        return 2
    echo = args.echo or build_hosted_echo()

    with tempfile.TemporaryDirectory(prefix="scale-out-") as scratch, Processes() as processes:
        try:
            run(processes, echo, args.haproxy, Path(scratch), args.drain_seconds)
        except Failure as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            for process in processes.all:
                if process.stderr_lines:
                    print(f"--- {process.name} stderr ---\n" + "\n".join(process.stderr_lines[-20:]), file=sys.stderr)
            return 1
    print("OK: no connection failed and no running echo was lost")
    return 0


def run(processes: Processes, echo: str, haproxy: str, scratch: Path, drain_seconds: float) -> None:
    instances = {name: processes.start_echo(name, echo, 0, drain_seconds) for name in ("a", "b")}
    frontend = ("127.0.0.1", free_port())
    admin = Admin(scratch / "haproxy.sock")
    processes.start(
        "haproxy", [haproxy, "-db", "-f", str(HERE / "haproxy.cfg")],
        env={
            "ECHO_FRONTEND": f"{frontend[0]}:{frontend[1]}",
            "ECHO_A": f"127.0.0.1:{instances['a'].port}",
            "ECHO_B": f"127.0.0.1:{instances['b'].port}",
            "HAPROXY_ADMIN_SOCKET": str(admin.path),
        })
    admin.wait_until(lambda stats: all(stats[name]["status"] == "UP" for name in instances), "both instances UP")
    print(f"haproxy on {frontend[0]}:{frontend[1]} -> a on port {instances['a'].port}, b on port {instances['b'].port}")

    # 1. Spread.
    before = admin.stats()
    for i in range(40):
        exchange_once(frontend, f"spread {i}".encode())
    after = admin.stats()
    served = {name: int(after[name]["stot"]) - int(before[name]["stot"]) for name in instances}
    print(f"spread: 40 connections -> a {served['a']}, b {served['b']}")
    if min(served.values()) == 0:
        raise Failure(f"HAProxy sent every connection to one instance: {served}")

    # 2. Restart each instance in turn, under load.
    load = Load(frontend)
    load.start()
    try:
        for name in instances:
            instances[name] = restart(processes, admin, frontend, instances[name], echo, drain_seconds)
    finally:
        load.stop()
    print(f"load: {load.succeeded} new connections through both restarts, {len(load.failures)} failed")
    if not load.succeeded:
        raise Failure("the load generator completed no connection")
    if load.failures:
        raise Failure(f"{len(load.failures)} new connection(s) failed during the restarts, first: {load.failures[0]}")

    # 3. Both restarted instances serve again.
    before = admin.stats()
    for i in range(20):
        exchange_once(frontend, f"after {i}".encode())
    after = admin.stats()
    served = {name: int(after[name]["stot"]) - int(before[name]["stot"]) for name in instances}
    print(f"after the restarts: 20 connections -> a {served['a']}, b {served['b']}")
    if min(served.values()) == 0:
        raise Failure(f"a restarted instance got no connection: {served}")


def restart(processes: Processes, admin: Admin, frontend: tuple[str, int], instance: Echo, echo: str,
            drain_seconds: float) -> Echo:
    name = instance.name

    # Connections that are open when the instance is told to stop: the ones HAProxy put on it must still work.
    open_connections = [Conversation(frontend, f"{name}-{i}") for i in range(IN_FLIGHT)]
    try:
        sessions = admin.sessions()
        on_instance = [c for c in open_connections if sessions.get(c.local_port) == name]
        if not on_instance:
            raise Failure(f"none of the {IN_FLIGHT} open connections is on {name}: {sessions}")

        # a. The load balancer first: from here on no new connection reaches the instance.
        admin.command(f"set server echo/{name} state drain")
        admin.wait_until(lambda stats: stats[name]["status"] == "DRAIN", f"{name} in DRAIN")

        # b. Then the instance: the host stops accepting, closes the listener and drains.
        instance.process.send_signal(signal.SIGTERM)
        stopping = instance.wait_for_stderr("Stopping: no longer accepting", "the host to start draining")
        for turn in range(5):
            for conversation in open_connections:
                conversation.exchange(f"turn {turn}")

        # c. The clients finish; the instance ends once their echoes return.
        for conversation in on_instance:
            conversation.close()
        code = instance.wait()
        drained = instance.wait_for_stderr("running request(s) finished during the drain", "the host to stop")
        if code != 0:
            raise Failure(f"{name} exited with code {code}")
        if any("Aborted" in line for line in instance.stderr_lines):
            raise Failure(f"{name} aborted connections instead of draining them")
        print(f"restart {name}: {len(on_instance)} of {IN_FLIGHT} open connections on it kept echoing after SIGTERM; "
              f"host said: '{stopping.strip()}' / '{drained.strip()}'")
    finally:
        for conversation in open_connections:
            conversation.close()

    # d. The new process on the same port, then back into rotation once HAProxy's check sees it.
    restarted = processes.start_echo(name, echo, instance.port, drain_seconds)
    admin.command(f"set server echo/{name} state ready")
    admin.wait_until(lambda stats: stats[name]["status"] == "UP", f"{name} UP again")
    return restarted


def build_hosted_echo() -> str:
    project = ROOT / "samples" / "HostedEcho"
    subprocess.run(["dotnet", "build", str(project), "-c", "Release", "-v", "quiet", "-nologo"], check=True,
                   stdout=subprocess.DEVNULL)
    return str(project / "bin" / "Release" / "net10.0" / "HostedEcho.dll")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect(address: tuple[str, int]) -> socket.socket:
    connection = socket.create_connection(address, timeout=WAIT)
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


def echo_back(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(payload)
    received = b""
    while len(received) < len(payload):
        chunk = connection.recv(len(payload) - len(received))
        if not chunk:
            raise Failure(f"the connection ended after {len(received)} of {len(payload)} echoed bytes")
        received += chunk
    if received != payload:
        raise Failure(f"echoed {received!r} for {payload!r}")


def exchange_once(address: tuple[str, int], payload: bytes) -> None:
    with connect(address) as connection:
        echo_back(connection, payload)


class Conversation:
    """A connection through HAProxy that stays open and echoes a message whenever asked."""

    def __init__(self, address: tuple[str, int], label: str) -> None:
        self.label = label
        self.socket: socket.socket | None = connect(address)
        self.local_port = self.socket.getsockname()[1]
        self.exchange("hello")  # HAProxy has chosen an instance once the first echo is back

    def exchange(self, text: str) -> None:
        if self.socket is None:
            return
        try:
            echo_back(self.socket, f"{self.label} {text}".encode())
        except OSError as error:
            raise Failure(f"open connection {self.label}: {text}: {error!r}") from error
        except Failure as failure:
            raise Failure(f"open connection {self.label}: {text}: {failure}") from failure

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None


class Load:
    """New connections through HAProxy, one after another, each echoing twice, until stopped."""

    def __init__(self, address: tuple[str, int]) -> None:
        self._address = address
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="load", daemon=True)
        self.succeeded = 0
        self.failures: list[str] = []

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(WAIT)

    def _run(self) -> None:
        while not self._stop.wait(0.002):  # about 300 connections a second: a steady stream, bounded
            try:
                with connect(self._address) as connection:
                    echo_back(connection, b"ping %d" % self.succeeded)
                    echo_back(connection, b"pong")
                self.succeeded += 1
            except (OSError, Failure) as error:
                self.failures.append(repr(error))


class Admin:
    """HAProxy's runtime API on its Unix socket: one command per connection."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(WAIT)
            connection.connect(str(self.path))
            connection.sendall(line.encode() + b"\n")
            reply = b""
            while chunk := connection.recv(65536):
                reply += chunk
        text = reply.decode()
        if line.startswith("set ") and text.strip():
            raise Failure(f"haproxy refused '{line}': {text.strip()}")
        return text

    def stats(self) -> dict[str, dict[str, str]]:
        """The backend's servers by name: HAProxy's 'show stat' CSV (status, stot = connections so far, ...)."""
        text = self.command("show stat").lstrip("# ")
        return {row["svname"]: row for row in csv.DictReader(text.splitlines())
                if row["pxname"] == "echo" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def sessions(self) -> dict[int, str]:
        """Client port -> instance name, for each session HAProxy holds ('show sess': src=IP:PORT ... srv=NAME)."""
        found = {}
        for line in self.command("show sess").splitlines():
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            if "src" in fields and "srv" in fields:
                found[int(fields["src"].rsplit(":", 1)[1])] = fields["srv"]
        return found

    def wait_until(self, condition, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if condition(self.stats()):
                    return
            except (OSError, KeyError):
                pass  # HAProxy is still starting
            if time.monotonic() > deadline:
                raise Failure(f"gave up waiting for {what}")
            time.sleep(0.05)


class Process:
    """A started program; its stdout and stderr are read into lists by threads, so it never blocks on a full pipe."""

    def __init__(self, name: str, command: list[str], env: dict[str, str] | None) -> None:
        self.name = name
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                                        start_new_session=True)
        self.stdout_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self._changed = threading.Condition()
        for stream, lines in ((self.process.stdout, self.stdout_lines), (self.process.stderr, self.stderr_lines)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()

    def _read(self, stream, lines: list[str]) -> None:
        for line in stream:
            with self._changed:
                lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def _wait_for_line(self, lines: list[str], text: str, what: str) -> str:
        deadline = time.monotonic() + WAIT
        with self._changed:
            while True:
                found = next((line for line in lines if text in line), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._changed.wait(0.5)):
                    raise Failure(f"gave up waiting for {what} ({self.name})")
                self._changed.wait(min(left, 0.5))

    def wait_for_stdout(self, text: str, what: str) -> str:
        return self._wait_for_line(self.stdout_lines, text, what)

    def wait_for_stderr(self, text: str, what: str) -> str:
        return self._wait_for_line(self.stderr_lines, text, what)

    def wait(self) -> int:
        try:
            return self.process.wait(WAIT)
        except subprocess.TimeoutExpired as error:
            raise Failure(f"{self.name} did not exit within {WAIT} s") from error

    def stop(self) -> None:
        """SIGTERM (HostedEcho drains and exits; HAProxy stops), then SIGKILL to the whole group if that takes long."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything it started that is still there
        except ProcessLookupError:
            pass
        self.process.wait()


class Echo(Process):
    """A HostedEcho instance on 127.0.0.1."""

    def __init__(self, name: str, dll: str, port: int, drain_seconds: float) -> None:
        super().__init__(name, ["dotnet", dll, "--host", "127.0.0.1", "--port", str(port),
                                "--drain-seconds", str(drain_seconds)], None)
        self.port = port

    def wait_until_listening(self) -> None:
        line = self.wait_for_stdout("listening on", "the instance to listen")
        self.port = int(line.rsplit(":", 1)[1])


class Processes:
    """Everything the script started; all of it is stopped on the way out, whatever happened."""

    def __init__(self) -> None:
        self.all: list[Process] = []

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Process:
        process = Process(name, command, env)
        self.all.append(process)
        return process

    def start_echo(self, name: str, dll: str, port: int, drain_seconds: float) -> Echo:
        echo = Echo(name, dll, port, drain_seconds)
        self.all.append(echo)  # stopped on the way out even if it never listens
        echo.wait_until_listening()
        return echo

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *_) -> None:
        for process in self.all:
            process.stop()


if __name__ == "__main__":
    sys.exit(main())
