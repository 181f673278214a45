#!/usr/bin/env python3
"""First-run benchmark (issue 9): `discover` on an empty catalog, seeded from the snapshot.

Measures, in the same run and on the same machine: `python -c pass` (interpreter start-up),
the first `agentops-lite discover "kubernetes helm"` on an empty AGENTOPS_HOME with no Claude
Code state and GitHub on a closed loopback port (so it runs offline), and a second, warm
`discover` on the now-seeded catalog. Prints the median of N runs of each and the snapshot size.

    .venv/bin/python benchmarks/first_run.py [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERY = "kubernetes helm"


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    exe = Path(sys.executable).parent / "agentops-lite"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "agentops_lite"]
    dead = _closed_port_url()
    base_env = {
        **os.environ,
        "AGENTOPS_GITHUB_API": dead,
        "AGENTOPS_GITHUB_RAW": dead,
        "NO_COLOR": "1",
    }
    base_env.pop("AGENTOPS_OFFLINE", None)
    bare, first, warm = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        claude = Path(tmp) / "claude"
        claude.mkdir()
        for n in range(args.runs):
            env = {**base_env, "AGENTOPS_HOME": f"{tmp}/home{n}", "CLAUDE_CONFIG_DIR": str(claude)}
            bare.append(_timed([sys.executable, "-c", "pass"], env))
            first.append(_timed([*cli, "discover", QUERY], env))
            warm.append(_timed([*cli, "discover", QUERY], env))

    from agentops_lite.refresh.seed import seed_path
    from agentops_lite.sources.snapshot import info

    snap = info()
    seed = seed_path()
    figures = {
        "runs": args.runs,
        "python_c_pass_s": round(statistics.median(bare), 3),
        "first_run_discover_s": round(statistics.median(first), 3),
        "warm_discover_s": round(statistics.median(warm), 3),
        "first_run_minus_python_s": round(statistics.median(first) - statistics.median(bare), 3),
        "snapshot_bytes": snap.size_bytes,
        "snapshot_marketplaces": snap.marketplaces,
        "snapshot_plugins": snap.plugins,
        "snapshot_date": snap.date.date().isoformat(),
        "seed_db_bytes": seed.stat().st_size if seed.is_file() else None,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"python -c pass            {figures['python_c_pass_s']:.3f} s (median of {args.runs})")
    print(f"first-run discover        {figures['first_run_discover_s']:.3f} s (empty catalog)")
    print(f"warm discover             {figures['warm_discover_s']:.3f} s")
    print(
        f"snapshot                  {snap.size_bytes / 1e6:.2f} MB, {snap.marketplaces} "
        f"marketplaces, {snap.plugins} plugins, taken {figures['snapshot_date']}"
    )
    if figures["seed_db_bytes"]:
        print(f"prebuilt seed database    {figures['seed_db_bytes'] / 1e6:.2f} MB (xz)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
