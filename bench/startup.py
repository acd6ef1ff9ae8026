#!/usr/bin/env python3
"""Start-up time of a sample server, JIT vs NativeAOT: from spawning the process to its first output line
('listening on <endpoint>'), i.e. until it accepts connections. Builds both first.

    python3 bench/startup.py [runs]
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT = os.path.join(ROOT, "samples", "UpperCaseTcp", "UpperCaseTcp.csproj")
AOT_DIR = os.path.join(ROOT, "bench", "artifacts", "aot")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def run(*command):
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def time_to_listening(command):
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        elapsed = time.perf_counter() - started
        if not line.startswith("listening on "):
            raise RuntimeError(f"unexpected first line: {line!r}")
        return elapsed
    finally:
        process.terminate()
        process.wait()


def measure(name, command):
    time_to_listening(command)  # the first start warms the file cache
    times = sorted(time_to_listening(command) for _ in range(RUNS))
    p90 = times[int(len(times) * 0.9) - 1]
    print(f"| {name} | {statistics.median(times) * 1000:.0f} ms | {p90 * 1000:.0f} ms |")


run("dotnet", "build", PROJECT, "-c", "Release", "-nologo", "-v:q")
run("dotnet", "publish", PROJECT, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", AOT_DIR, "-nologo", "-v:q")
jit = os.path.join(ROOT, "samples", "UpperCaseTcp", "bin", "Release", "net10.0", "UpperCaseTcp.dll")
arguments = ["--host", "127.0.0.1", "--port", "0"]

print(f"UpperCaseTcp start-up to 'listening on', {RUNS} runs each, {os.cpu_count()} cores")
print()
print("| build | median | p90 |")
print("|---|---:|---:|")
measure("JIT (`dotnet UpperCaseTcp.dll`)", ["dotnet", jit, *arguments])
measure("NativeAOT (`-p:PublishAot=true -r linux-x64`)", [os.path.join(AOT_DIR, "UpperCaseTcp"), *arguments])
print()
print(f"NativeAOT binary: {os.path.getsize(os.path.join(AOT_DIR, 'UpperCaseTcp')) / 1024 / 1024:.1f} MiB")
