"""Small timing helpers shared by the benchmarks: medians of subprocess wall times, peak RSS."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence


def median_wall(cmd: Sequence[str], runs: int = 21, env: dict[str, str] | None = None) -> float:
    """Median wall time (seconds) of running `cmd`, after one warm-up run."""
    subprocess.run(cmd, capture_output=True, env=env, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python_pass(runs: int = 21) -> float:
    return median_wall([sys.executable, "-c", "pass"], runs)


def child_peak_rss_mb(code: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run `code` in a fresh interpreter; return (its peak RSS in MB, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all waited-for children; a fresh max means ours.
    return max(after, before) / 1024, done.stdout
