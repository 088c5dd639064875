"""How many CPU cores are free now: a trainer's default thread count on a shared machine.

A torch thread pool as large as the machine waits, at every parallel step, for its slowest thread;
with one core taken by another process that thread gets half a core, and the whole pool runs at its
pace (measured here: 300 training steps took 68 s alone at 2 threads, 237 s beside one busy process,
130 s at 1 thread beside it). So a trainer takes the cores that are idle when it starts.
"""

from __future__ import annotations

import os
import time


def _busy_and_total() -> tuple[int, int]:
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def idle_cores(sample_s: float = 0.3) -> int:
    """Cores not busy over a short sample (at least 1); all cores where /proc/stat cannot be read."""
    cores = os.cpu_count() or 1
    try:
        busy0, total0 = _busy_and_total()
        time.sleep(sample_s)
        busy1, total1 = _busy_and_total()
    except (OSError, ValueError, IndexError):
        return cores
    share = (busy1 - busy0) / max(1, total1 - total0)  # of all cores' time
    return max(1, min(cores, round(cores * (1.0 - share) + 0.25)))  # a core a quarter busy still counts as free
