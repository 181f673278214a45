#!/usr/bin/env python3
"""The real `agentops-lite refresh` against the loopback fake GitHub, measured against its floor.

For N corpus marketplaces (default 12) and each latency (default 100 ms and 0 ms): a catalog
that lists them, never loaded, is refreshed by the installed command (start-up, crawl, store and
index included), then refreshed again (nothing changed: all 304). Reported per run:

- wall time and the command's CPU time (user + sys, from the child's rusage);
- requests the fake GitHub answered (counted by the server, not the client);
- the floor: start-up + max(chain x latency, requests x latency / connections), where start-up
  is a warm `agentops-lite marketplace list --json` on the same catalog (interpreter, typer app,
  catalog open) and chain is the longest run of requests one marketplace must make one after the
  other (3 for a first load: repo lookup -> tarball -> its redirect; 2 for a re-check);
- wall / floor, and the speedup against requests x latency (what the same requests would cost
  one at a time), never against the durations the client observed (those include its own
  queueing and stalls, and would flatter a crawler that blocks).

`--scale 100,1000` adds runs at those sizes (corpus copies under new names; `--scale-latency`,
0 ms by default), to show the per-marketplace cost of a no-change refresh.

`--baseline DIR` (a checkout of the code to compare with, e.g. `git archive` of an older commit)
pairs every run with one of that code (PYTHONPATH=DIR, same interpreter and packages), taking
turns, `--rounds` times; figures are the medians of each side.

    .venv/bin/python benchmarks/refresh_cli.py [--marketplaces 12] [--latency 100,0] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._corpus import CORPUS  # noqa: E402
from tests.fake_github import FakeGitHub, iter_corpus, repo_from_corpus  # noqa: E402

CONNECTIONS = 16  # the refresh default (--concurrency)
CHAIN = {"first": 3, "second": 2}
EXE = str(Path(sys.executable).parent / "agentops-lite")


def _serve(conn: Any, copies: int, latency: float) -> None:
    repos = {}
    corpus = list(iter_corpus(CORPUS))
    for i in range(copies):
        name, folder = corpus[i % len(corpus)]
        owner, short = name.split("/")
        new = name if i < len(corpus) else f"{owner}-copy{i // len(corpus)}/{short}"
        repos[new] = repo_from_corpus(folder)
    with FakeGitHub(repos, latency=latency) as fake:
        fake.warm()
        conn.send((fake.api_base, fake.raw_base, list(repos)))
        conn.recv()  # until the parent says stop


def _server_requests(api: str) -> int:
    base = api.rsplit("/api", 1)[0]
    with urllib.request.urlopen(f"{base}/_fake/stats?reset=1") as r:
        return int(json.loads(r.read())["requests"])


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout


def _catalog(home: Path, names: list[str]) -> None:
    os.environ["AGENTOPS_HOME"] = str(home)
    from agentops_lite.catalog import Catalog
    from agentops_lite.sources.base import SourceSpec

    cat = Catalog.open()
    try:
        for name in names:
            cat.add_marketplace(SourceSpec(kind="github", location=name))
    finally:
        cat.close()


def _figures(
    kind: str, wall: float, cpu: float, requests: int, latency: float, startup: float
) -> dict[str, Any]:
    network = max(CHAIN[kind] * latency, requests * latency / CONNECTIONS)
    floor = startup + network
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "requests": requests,
        "floor_s": round(floor, 3),
        "network_floor_s": round(network, 3),
        "wall_over_floor": round(wall / floor, 2),
        "speedup_vs_requests_x_latency": round(requests * latency / wall, 1) if latency else None,
    }


def run(
    copies: int, latency: float, *, first: bool = True, runs: int = 1, code: str | None = None
) -> dict[str, Any]:
    parent, child = mp.Pipe()
    proc = mp.get_context("fork").Process(target=_serve, args=(child, copies, latency))
    proc.start()
    api, raw, names = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "AGENTOPS_HOME": f"{tmp}/home",
                "CLAUDE_CONFIG_DIR": f"{tmp}/claude",
                "AGENTOPS_CLAUDE_BIN": f"{tmp}/no-claude",  # no install counts from Claude Code
                "AGENTOPS_GITHUB_API": api,
                "AGENTOPS_GITHUB_RAW": raw,
                "GITHUB_TOKEN": "bench-token",
                "NO_COLOR": "1",
            }
            env.pop("AGENTOPS_OFFLINE", None)
            env.pop("PYTHONPATH", None)
            if code is not None:
                env["PYTHONPATH"] = code  # the baseline's package shadows the installed one
            env.pop("PYTHONDONTWRITEBYTECODE", None)  # an install has its bytecode
            Path(f"{tmp}/claude").mkdir()
            _catalog(Path(f"{tmp}/home"), names)
            out: dict[str, Any] = {"marketplaces": copies, "latency_ms": round(latency * 1000)}
            startup = statistics.median(
                _timed([EXE, "marketplace", "list", "--json"], env)[0] for _ in range(5)
            )
            out["startup_s"] = round(startup, 3)
            _server_requests(api)
            wall, cpu, _ = _timed([EXE, "refresh", "--json"], env)
            if first:
                out["first"] = _figures("first", wall, cpu, _server_requests(api), latency, startup)
            seconds = []
            for _ in range(runs):
                wall, cpu, _ = _timed([EXE, "refresh", "--json"], env)
                seconds.append((wall, cpu, _server_requests(api)))
            wall, cpu, requests = sorted(seconds)[len(seconds) // 2]
            out["second"] = _figures("second", wall, cpu, requests, latency, startup)
            out["second"]["per_marketplace_ms"] = round((wall - startup) / copies * 1000, 2)
            return out
    finally:
        parent.send("stop")
        proc.join(10)


def _median_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the rounds (numbers only; the rest from the first round)."""
    out: dict[str, Any] = {}
    for key, value in rounds[0].items():
        if isinstance(value, dict):
            out[key] = _median_of([r[key] for r in rounds])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = round(statistics.median(r[key] for r in rounds), 3)
        else:
            out[key] = value
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--marketplaces", type=int, default=12)
    ap.add_argument("--latency", default="100,0", help="milliseconds, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="second refreshes per size (median)")
    ap.add_argument("--scale", default="", help="sizes for second-refresh runs, e.g. 100,1000")
    ap.add_argument("--scale-latency", type=int, default=0, help="milliseconds, scale runs")
    ap.add_argument("--baseline", metavar="DIR", help="code to pair each run with")
    ap.add_argument("--rounds", type=int, default=1, help="paired rounds (medians)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}")
    cases = [(args.marketplaces, int(ms) / 1000) for ms in args.latency.split(",")]
    cases += [(int(n), args.scale_latency / 1000) for n in filter(None, args.scale.split(","))]
    sides: list[str | None] = [None] if args.baseline is None else [args.baseline, None]
    results = []
    for copies, latency in cases:
        by_side: dict[str | None, list[dict[str, Any]]] = {code: [] for code in sides}
        for _ in range(args.rounds):
            for code in sides:  # taking turns, so both sides see the same machine load
                by_side[code].append(run(copies, latency, runs=args.runs, code=code))
        for code, rounds in by_side.items():
            out = _median_of(rounds)
            out["code"] = "this checkout" if code is None else f"baseline {code}"
            results.append(out)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        head = (
            f"{r['marketplaces']} marketplaces, {r['latency_ms']} ms, start-up {r['startup_s']} s"
            f" ({r['code']}"
            + (f", median of {args.rounds} rounds" if args.rounds > 1 else "")
            + ")"
        )
        print(head)
        for kind in ("first", "second"):
            if kind not in r:
                continue
            f = r[kind]
            speed = f["speedup_vs_requests_x_latency"]
            print(
                f"  {kind:6} wall {f['wall_s']:.3f} s  cpu {f['cpu_s']:.3f} s  "
                f"{f['requests']} requests  floor {f['floor_s']:.3f} s  "
                f"wall/floor {f['wall_over_floor']:.2f}"
                + (f"  speedup vs requests x latency {speed}x" if speed else "")
                + (
                    f"  {f['per_marketplace_ms']} ms/marketplace"
                    if "per_marketplace_ms" in f
                    else ""
                )
            )


if __name__ == "__main__":
    main()
