#!/usr/bin/env python3
"""Warm read commands vs the interpreter and vs Claude Code: `discover --json`, the table, `--help`.

Runs, round-robin in the same run (so machine load hits every command alike), N times each:
`python -c pass`, `agentops-lite --help`, `agentops-lite discover QUERY --json` and the human
table on a warm, seeded catalog (a throw-away AGENTOPS_HOME, offline), and — when the real
binary is found — `claude plugin list --json` with a throw-away HOME. Prints medians of wall
time and of CPU time (user + sys, less sensitive to a loaded machine) and the ratios.

    .venv/bin/python benchmarks/read_startup.py [--runs 21] [--json] [--baseline DIR]
    AGENTOPS_SEMANTIC=0 .venv/bin/python benchmarks/read_startup.py   # the lexical ranker alone
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERY = "kubernetes helm"
_PIN = ".ci/claude-code/node_modules/@anthropic-ai/claude-code-linux-x64/claude"
# This checkout's pinned binary (`cd .ci/claude-code && npm ci`), else the main checkout's.
CLAUDE = next((p for p in (REPO / _PIN, REPO.parent / "main" / _PIN) if p.exists()), REPO / _PIN)


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--claude", default=os.environ.get("AGENTOPS_TEST_CLAUDE_BIN", str(CLAUDE)))
    parser.add_argument(
        "--baseline",
        help="an older checkout's folder (holding agentops_lite/): its discover --json and table "
        "are timed too, first on PYTHONPATH, interleaved with these (before/after in one run)",
    )
    args = parser.parse_args()

    exe = str(Path(sys.executable).parent / "agentops-lite")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "AGENTOPS_HOME": f"{tmp}/home",
            "CLAUDE_CONFIG_DIR": f"{tmp}/claude",
            "AGENTOPS_OFFLINE": "1",
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
        # An installed package has its bytecode (pip compiles it); a shell that forbids writing
        # it would time compiling our modules from source on every run instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        Path(f"{tmp}/claude").mkdir()
        Path(f"{tmp}/chome").mkdir()
        claude_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": f"{tmp}/chome",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        }
        cmds: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            "--help": ([exe, "--help"], env),
            "discover --json": ([exe, "discover", QUERY, "--json"], env),
            "discover (table)": ([exe, "discover", QUERY], env),
        }
        if args.baseline:
            # The same catalog (the warm-up seeds it once): only the code differs.
            path = [args.baseline, *filter(None, [env.get("PYTHONPATH")])]
            old = {**env, "PYTHONPATH": os.pathsep.join(path)}
            cmds["discover --json (baseline)"] = ([exe, "discover", QUERY, "--json"], old)
            cmds["discover (table, baseline)"] = ([exe, "discover", QUERY], old)
        if Path(args.claude).exists():
            claude_cmd = [args.claude, "plugin", "list", "--json"]
            cmds["claude plugin list --json"] = (claude_cmd, claude_env)
        for cmd, cmd_env in cmds.values():  # warm-up; the first discover seeds the catalog
            _run(cmd, cmd_env)
        walls: dict[str, list[float]] = {k: [] for k in cmds}
        cpus: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(args.runs):
            for name, (cmd, cmd_env) in cmds.items():
                wall, cpu = _run(cmd, cmd_env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    base = "python -c pass"
    figures: dict[str, object] = {
        "runs": args.runs,
        "wall_ms": {k: round(v * 1000, 1) for k, v in wall.items()},
        "cpu_ms": {k: round(v * 1000, 1) for k, v in cpu.items()},
        "x_python_wall": {k: round(v / wall[base], 2) for k, v in wall.items()},
    }
    claude = "claude plugin list --json"
    if claude in wall:
        figures["x_claude_wall"] = {k: round(v / wall[claude], 2) for k, v in wall.items()}
    # The `[semantic]` extra adds its own query cost (benchmarks/semantic.py): say which ran.
    from agentops_lite.search.encoder import available

    figures["semantic_stage"] = available()
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"semantic stage: {'on' if figures['semantic_stage'] else 'off'}; {args.runs} runs")
    print(f"{'command':28} {'wall ms':>8} {'cpu ms':>8} {'x python':>9} {'x claude':>9}")
    for k in cmds:
        vs_claude = f"{wall[k] / wall[claude]:9.2f}" if claude in wall else f"{'-':>9}"
        print(
            f"{k:28} {wall[k] * 1000:8.1f} {cpu[k] * 1000:8.1f} {wall[k] / wall[base]:9.2f}"
            f" {vs_claude}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
