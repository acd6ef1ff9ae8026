#!/usr/bin/env python3
"""Per-request latency of a Forking server, measured side by side in one run: SocketServer's Forking mix-in
cold (no spare children) and with 2 spares, SocketServer's Threading mix-in, and CPython's ForkingTCPServer (and
ThreadingTCPServer), all serving the same one-line handler on loopback. A request is: connect, send a line,
read the reply to end of stream. Requests go one after another ("back to back") or one every 100 ms ("paced",
which leaves a spare time to start again). With --ready-to-run, LatencyServer is published ReadyToRun
(PublishReadyToRun=true, its own code and SocketServer.Runtime precompiled) and that build is measured.

    python3 bench/forking_latency.py [requests]
    python3 bench/forking_latency.py --ready-to-run [requests]
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT = os.path.join(ROOT, "bench", "LatencyServer", "LatencyServer.csproj")
DLL = os.path.join(ROOT, "bench", "LatencyServer", "bin", "Release", "net10.0", "LatencyServer.dll")
TWIN = os.path.join(ROOT, "bench", "latency_twin.py")
READY_TO_RUN = "--ready-to-run" in sys.argv[1:]
ARGUMENTS = [a for a in sys.argv[1:] if a != "--ready-to-run"]
REQUESTS = int(ARGUMENTS[0]) if ARGUMENTS else 200


def request(port):
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"ping\n")
        reply = b""
        while True:
            chunk = connection.recv(256)
            if not chunk:
                break
            reply += chunk
    elapsed = time.perf_counter() - started
    if not reply.startswith(b"pid "):
        raise RuntimeError("unexpected reply %r" % reply)
    return elapsed


def measure(command, count, pause):
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        port = int(line.rsplit(":", 1)[1])
        time.sleep(1.0)  # let spares start, as a running server has them
        for _ in range(3):
            request(port)
            time.sleep(pause)
        times = []
        for _ in range(count):
            times.append(request(port))
            time.sleep(pause)
        return times
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def row(name, times, anchor):
    times = sorted(times)
    p50 = statistics.median(times) * 1000
    p99 = times[max(0, int(len(times) * 0.99) - 1)] * 1000
    ratio = "%.2f" % (p50 / anchor) if anchor else "1.00"
    print("| %s | %d | %.2f ms | %.2f ms | %s |" % (name, len(times), p50, p99, ratio))
    return p50


if READY_TO_RUN:
    PUBLISHED = os.path.join(ROOT, "bench", "LatencyServer", "bin", "ReadyToRun")
    subprocess.run(["dotnet", "publish", PROJECT, "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
                    "-p:PublishReadyToRun=true", "-o", PUBLISHED, "-nologo", "-v:q"], check=True, stdout=subprocess.DEVNULL)
    DLL = os.path.join(PUBLISHED, "LatencyServer.dll")
else:
    subprocess.run(["dotnet", "build", PROJECT, "-c", "Release", "-nologo", "-v:q"], check=True, stdout=subprocess.DEVNULL)
cold = max(20, REQUESTS // 2)
cases = [
    ("CPython ForkingTCPServer, back to back", ["python3", TWIN, "forking"], REQUESTS, 0.0),
    ("SocketServer Forking, cold (SpareChildren = 0), back to back", ["dotnet", DLL, "forking", "0"], cold, 0.0),
    ("SocketServer Forking, 2 spares, back to back", ["dotnet", DLL, "forking", "2"], REQUESTS, 0.0),
    ("CPython ForkingTCPServer, paced (a request every 100 ms)", ["python3", TWIN, "forking"], cold, 0.1),
    ("SocketServer Forking, 2 spares, paced (a request every 100 ms)", ["dotnet", DLL, "forking", "2"], cold, 0.1),
    ("CPython ThreadingTCPServer, back to back", ["python3", TWIN, "threading"], REQUESTS, 0.0),
    ("SocketServer Threading, back to back", ["dotnet", DLL, "threading"], REQUESTS, 0.0),
]

print("LatencyServer %s" % ("published ReadyToRun" if READY_TO_RUN else "built (JIT)"))
print("Per-request latency on loopback, %d cores; ratio = this p50 / CPython ForkingTCPServer's p50 at the same pace (< 1 is faster)" % os.cpu_count())
print()
print("| server | requests | p50 | p99 | ratio |")
print("|---|---:|---:|---:|---:|")
anchors = {}
for name, command, count, pause in cases:
    cpython = name.startswith("CPython ForkingTCPServer")
    p50 = row(name, measure(command, count, pause), None if cpython else anchors[pause])
    if cpython:
        anchors[pause] = p50
