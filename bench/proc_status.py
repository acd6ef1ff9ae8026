"""What a server process holds, from /proc (Linux): resident memory (VmRSS), threads, open descriptors."""
import collections
import os
import time

Sample = collections.namedtuple("Sample", "time rss_mib threads fds")


def sample(pid):
    """The process's figures now; raises OSError if it has gone."""
    rss_kib = threads = 0
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return Sample(time.monotonic(), rss_kib / 1024.0, threads, len(os.listdir("/proc/%d/fd" % pid)))


def open_files_limit(pid):
    """The soft "Max open files" of the process, as /proc/PID/limits shows it."""
    with open("/proc/%d/limits" % pid) as limits:
        for line in limits:
            if line.startswith("Max open files"):
                return line.split()[3]
    return "?"


def slope_per_minute(points):
    """The least-squares slope of (seconds, value) points, per minute; None with fewer than two distinct times."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return None
    return 60.0 * sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


def udp_counters():
    """The kernel's UDP counters (/proc/net/snmp, this network namespace): NoPorts, RcvbufErrors, SndbufErrors..."""
    with open("/proc/net/snmp") as snmp:
        rows = [line.split()[1:] for line in snmp if line.startswith("Udp:")]
    return dict(zip(rows[0], (int(v) for v in rows[1])))
