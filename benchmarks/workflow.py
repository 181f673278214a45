"""Benchmark: validate and plan a 1,000-step workflow; `run next` + `run record` through the CLI.

    .venv/bin/python benchmarks/workflow.py [--rounds 20]
    .venv/bin/python benchmarks/workflow.py --scale 10000,100000,1000000  # validation only

Uses a throw-away AGENTOPS_HOME; with the shared corpus present, validation also checks every
plugin against the full corpus catalog and `plan()` runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def generated(n: int) -> dict[str, Any]:
    """n steps: sequences, parallel groups with aggregates, conditionals, references back."""
    steps: list[Any] = []
    count = 0
    last: str | None = None

    def step(extra: dict[str, Any] | None = None) -> dict[str, Any]:
        nonlocal count
        count += 1
        s: dict[str, Any] = {"type": "step", "id": f"s{count}", "plugin": f"plugin-{count % 37}",
                             "instructions": "do it", **(extra or {})}  # fmt: skip
        if last:
            s["inputs"] = {"prev": f"${{{last}.output}}", "first": f"${{{last}.artifacts[0]}}"}
        return s

    while count < n:
        kind = count % 4
        if kind == 0:
            node = step({"retry": 1, "rollback": {"instructions": "undo"}})
            steps.append(node)
            last = node["id"]
        elif kind == 1 and n - count >= 5:
            branches = [step() for _ in range(4)]
            agg = step()
            steps.append({"type": "parallel", "branches": branches, "aggregate": agg})
            last = agg["id"]
        elif kind == 2 and n - count >= 3:
            cond = f"{last}.status == 'success' and {last}.passed" if last else "true"
            steps.append({"type": "conditional", "if": cond, "then": [step()], "else": [step()]})
        else:
            node = step()
            steps.append(node)
            last = node["id"]
    return {"version": 1, "name": "bench-1000", "steps": steps}


def timed(fn: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def scale(sizes: list[int]) -> None:
    """Validation time against workflow size: it should grow linearly (issue 16)."""
    from agentops_lite.workflow.validate import check

    for n in sizes:
        doc = generated(n)
        started = time.perf_counter()
        report = check(doc)
        took = time.perf_counter() - started
        assert report.ok, report.problems[:3]
        print(f"validate {report.steps:>9,} steps: {took:8.2f} s  ({took / n * 1e6:.1f} us/step)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--scale", help="comma-separated step counts: time validation only")
    args = parser.parse_args()
    if args.scale:
        scale([int(n) for n in args.scale.split(",")])
        return
    home = Path(tempfile.mkdtemp(prefix="agentops-bench-"))
    os.environ["AGENTOPS_HOME"] = str(home)
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.workflow import planner
    from agentops_lite.workflow.model import dump, iter_steps
    from agentops_lite.workflow.resolve import PluginIndex
    from agentops_lite.workflow.validate import check
    from benchmarks._corpus import CORPUS, load_corpus

    doc = generated(1000)
    report = check(doc)
    assert report.ok, report.problems[:3]
    print(f"generated workflow: {report.steps} steps")
    print(f"validate (structure only):        {timed(lambda: check(doc)):8.1f} ms")
    db_file = home / "catalog.db"
    if CORPUS.is_dir():
        load_corpus(db_file)
        cat = Catalog.open(db_file)
        n_plugins = cat.counts()[1]
        index = PluginIndex.load(cat)
        print(
            f"validate + catalog ({n_plugins} plugins): {timed(lambda: check(doc, index)):8.1f} ms"
        )
        intent = "build, test and deploy the payments API to kubernetes"
        planned_ms = timed(lambda: planner.plan(cat, intent), 3)
        print(f"plan(catalog, intent) on corpus:  {planned_ms:8.1f} ms")
        cat.close()
    picks = [(planner.STAGES[i % len(planner.STAGES)], None) for i in range(1000)]
    wf = planner.build("a very large plan", picks)
    total = sum(1 for _ in iter_steps(wf.steps, "steps"))
    print(
        f"plan build from 1000 picks:       {timed(lambda: planner.build('x', picks)):8.1f} ms"
        f"  ({total} steps)"
    )
    planned = dump(wf)
    print(f"validate the 1000-pick plan:      {timed(lambda: check(planned)):8.1f} ms")

    # Round trip through the real CLI (separate processes, as Claude runs it).
    chain = {"version": 1, "name": "bench-chain",
             "steps": [{"type": "step", "id": f"c{i}", "instructions": "x"}
                       for i in range(args.rounds + 1)]}  # fmt: skip
    path = home / "chain.json"
    path.write_text(json.dumps(chain))
    exe = [sys.executable, "-m", "agentops_lite"]
    env = {**os.environ, "AGENTOPS_HOME": str(home)}

    def cli(*a: str) -> str:
        done = subprocess.run([*exe, *a], capture_output=True, text=True, env=env, check=True)
        return done.stdout

    rid = json.loads(cli("run", "start", str(path), "--json"))["id"]
    nexts, records, trips = [], [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        ready = json.loads(cli("run", "next", rid, "--json"))["ready"]
        t1 = time.perf_counter()
        cli("run", "record", rid, ready[0]["id"], "--status", "success", "--output", '"ok"')
        t2 = time.perf_counter()
        nexts.append(t1 - t0)
        records.append(t2 - t1)
        trips.append(t2 - t0)
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    print(f"CLI run next (median of {args.rounds}):      {ms(nexts):8.1f} ms")
    print(f"CLI run record (median):          {ms(records):8.1f} ms")
    print(f"CLI next + record round trip:     {ms(trips):8.1f} ms")


if __name__ == "__main__":
    main()
