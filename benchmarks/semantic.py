"""Cost of the semantic stage (the `[semantic]` extra): discover time, index build, seed size.

Usage: .venv/bin/python benchmarks/semantic.py [--runs 9] [--json]

Measured in one run, with the stage on and off (`AGENTOPS_SEMANTIC=0`) in the same venv:
- warm `agentops-lite discover QUERY --json` on a home seeded from the packaged seed (and a
  first run on a fresh home each time), runs
  interleaved (on, off, on, off...) so load on the machine hits both alike; median wall time and
  median CPU time (user + sys of the child, steadier than wall time on a shared machine);
- building the corpus catalog (../shared/corpus: parse, store, index), and the index alone
  (BM25F, then BM25F + vectors) over the stored corpus;
- the seed (`seed.db.xz`) built with and without vectors.
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
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from _corpus import CORPUS, load_corpus  # noqa: E402

QUERIES = ("kubernetes helm", "look up library documentation while coding", "review my PRs")


def _env(home: Path, on: bool) -> dict[str, str]:
    env = dict(os.environ, AGENTOPS_HOME=str(home), AGENTOPS_OFFLINE="1", NO_COLOR="1")
    env.pop("AGENTOPS_SEMANTIC", None)
    if not on:
        env["AGENTOPS_SEMANTIC"] = "0"
    return env


def _child(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def warm_discover(runs: int) -> dict[str, Any]:
    exe = str(Path(sys.executable).with_name("agentops-lite"))
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        _child([exe, "discover", QUERIES[0], "--json"], _env(home, True))  # seeds the home
        times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        first: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        for i in range(runs):
            for on in (True, False):
                query = QUERIES[i % len(QUERIES)]
                times[on].append(_child([exe, "discover", query, "--json"], _env(home, on)))
                fresh = Path(tmp) / f"fresh-{i}-{on}"  # a first run: the seed is unpacked
                first[on].append(_child([exe, "discover", query, "--json"], _env(fresh, on)))
        base = _child([sys.executable, "-c", "pass"], os.environ.copy())
        for on, label in ((True, "with"), (False, "without")):
            out[label] = {
                "wall_s": round(statistics.median(w for w, _ in times[on]), 3),
                "cpu_s": round(statistics.median(c for _, c in times[on]), 3),
                "first_run_wall_s": round(statistics.median(w for w, _ in first[on]), 3),
                "first_run_cpu_s": round(statistics.median(c for _, c in first[on]), 3),
            }
        out["python_c_pass_wall_s"] = round(base[0], 3)
        for key in ("wall_s", "cpu_s", "first_run_wall_s", "first_run_cpu_s"):
            out[f"ratio_{key}"] = round(out["with"][key] / out["without"][key], 2)
    return out


def _timed(fn: Any) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def index_build() -> dict[str, Any]:
    from agentops_lite.catalog import Catalog, db
    from agentops_lite.search import encoder, semantic
    from agentops_lite.search.index import index_all

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for on, label in ((False, "without"), (True, "with")):
            if on:
                os.environ.pop("AGENTOPS_SEMANTIC", None)
            else:
                os.environ["AGENTOPS_SEMANTIC"] = "0"
            target = Path(tmp) / f"corpus-{label}.db"
            wall, cpu = _timed(lambda target=target: load_corpus(target, CORPUS))
            out[f"corpus_load_{label}"] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}
        # The index alone, on the stored corpus: BM25F, then BM25F + vectors from scratch.
        cat = Catalog.open(Path(tmp) / "corpus-with.db")
        conn = cat.conn
        mids = [m for (m,) in conn.execute("SELECT id FROM marketplaces").fetchall()]

        def bm25() -> None:
            with db.write(conn):
                index_all(conn)

        def both() -> None:
            with db.write(conn):
                conn.execute("DELETE FROM listing_vectors")
                index_all(conn)
                encoder._cached_model.cache_clear()  # loading the model is part of the cost
                for mid in mids:
                    semantic.index_vectors(conn, mid)

        for label, fn in (("index_without", bm25), ("index_with", both)):
            wall, cpu = _timed(fn)
            out[label] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}
        out["listings"] = semantic.vector_count(conn)
        cat.close()
    for key in ("wall_s", "cpu_s"):
        out[f"ratio_load_{key}"] = round(
            out["corpus_load_with"][key] / out["corpus_load_without"][key], 2
        )
        out[f"ratio_index_{key}"] = round(out["index_with"][key] / out["index_without"][key], 2)
    os.environ.pop("AGENTOPS_SEMANTIC", None)
    return out


def seed_sizes() -> dict[str, int]:
    from build_snapshot import build_seed

    from agentops_lite.refresh.seed import seed_path

    out = {"packaged": seed_path().stat().st_size}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["AGENTOPS_SEMANTIC"] = "0"
        out["without_vectors"] = build_seed(Path(tmp) / "seed.db.xz")
        os.environ.pop("AGENTOPS_SEMANTIC", None)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from agentops_lite.search.semantic import MODEL_ID, available

    if not available():
        raise SystemExit("install the extra first: pip install -e '.[semantic]'")
    doc = {
        "model": MODEL_ID,
        "discover": warm_discover(a.runs),
        "index": index_build(),
        "seed_bytes": seed_sizes(),
    }
    print(json.dumps(doc, indent=1 if not a.json else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
