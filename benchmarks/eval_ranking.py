"""Ranking quality: nDCG@5/10, MRR, Recall@10 of `discover` vs two baselines, via the shared scorer.

Usage: .venv/bin/python benchmarks/eval_ranking.py [--queries FILE] [--json] [--per-query]
       [--run-out RUN.jsonl]

Loads ../shared/corpus into a throw-away catalog (cached under benchmarks/.cache), runs every query
of ../shared/eval/dev-queries.jsonl through `agentops_lite.discovery.rank.discover` (exactly what
`discover --json` returns) and through two baselines, and scores all three with score.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _corpus import CORPUS, EVAL, index_code_digest, load_corpus  # noqa: E402

Run = dict[str, dict[str, Any]]


def cache_db(stars: bool = False) -> Path:
    """A catalog of the corpus, rebuilt whenever the indexing code changes."""
    digest = index_code_digest()[:12] + ("-stars" if stars else "")
    folder = HERE / ".cache"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("corpus-*.db*"):
        if index_code_digest()[:12] not in old.name:
            old.unlink()
    return load_corpus(folder / f"corpus-{digest}.db", CORPUS, stars=stars)


def run_discover(cat: Any, queries: list[dict[str, Any]]) -> tuple[Run, list[float]]:
    from agentops_lite.discovery.rank import discover

    runs: Run = {}
    times: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        res = discover(cat, q["query"], limit=10)
        times.append(time.perf_counter() - t0)
        dumped = res.model_dump(mode="json")["results"]
        runs[q["id"]] = {"id": q["id"], "results": dumped}
    return runs, times


def add_workflows(
    cat: Any, queries: list[dict[str, Any]], runs: Run, names: set[str]
) -> dict[str, float]:
    """Plan a workflow for each multi-need query (`workflow plan`), hand its plugins to score.py
    as the run's "workflow" (scored as combo coverage); returns the share of picks graded >= 2."""
    from agentops_lite.workflow.model import iter_steps
    from agentops_lite.workflow.planner import plan

    precision: dict[str, float] = {}
    for q in queries:
        if not q.get("combo"):
            continue
        used = [s for _, _, s in iter_steps(plan(cat, q["query"]).steps, "steps") if s.plugin]
        runs[q["id"]]["workflow"] = [
            {"plugin": s.plugin, "marketplace": s.marketplace or ""} for s in used
        ]
        grades = [_grade(q, s.marketplace or "", s.plugin or "", names) for s in used]
        precision[q["id"]] = sum(g >= 2 for g in grades) / len(grades) if grades else 0.0
    return precision


def _grade(q: dict[str, Any], marketplace: str, plugin: str, names: set[str]) -> int:
    """The grade of one pick, its marketplace matched to a declared name as score.py does."""
    from score import match_marketplace

    declared = match_marketplace(marketplace, names)
    return int(q["relevant"].get(f"{declared}/{plugin}", 0)) if declared else 0


def run_substring(records: list[Any], queries: list[dict[str, Any]]) -> Run:
    """Baseline (a): every query word is a substring of the listing's text; most stars first."""
    texts = [
        " ".join(
            [r.name, r.entry.description or "", r.entry.category or "", *r.entry.keywords]
        ).lower()
        for r in records
    ]
    runs: Run = {}
    for q in queries:
        words = q["query"].lower().split()
        hits = [r for r, t in zip(records, texts, strict=True) if all(w in t for w in words)]
        hits.sort(key=lambda r: -(r.stars or 0))
        runs[q["id"]] = {"results": [_res(r) for r in hits[:10]]}
    return runs


def run_wratio(records: list[Any], queries: list[dict[str, Any]]) -> Run:
    """Baseline (b): rapidfuzz WRatio of the query against name + description."""
    from rapidfuzz import fuzz, process

    texts = [f"{r.name} {r.entry.description or ''}" for r in records]
    runs: Run = {}
    for q in queries:
        top = process.extract(q["query"], texts, scorer=fuzz.WRatio, limit=10)
        runs[q["id"]] = {"results": [_res(records[i]) for _, _, i in top]}
    return runs


def _res(r: Any) -> dict[str, str]:
    return {"plugin": r.name, "marketplace": r.marketplace_key}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", default=str(EVAL / "dev-queries.jsonl"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--per-query", action="store_true", help="print discover's per-query nDCG@5")
    ap.add_argument("--run-out", help="write discover's run (score.py input) here")
    ap.add_argument(
        "--stars", action="store_true", help="with popularity.json star counts (as the snapshot)"
    )
    a = ap.parse_args()
    sys.path.insert(0, str(EVAL))
    from score import declared_names, score_runs

    from agentops_lite.catalog.store import Catalog

    queries = [json.loads(x) for x in Path(a.queries).read_text().splitlines() if x.strip()]
    names = declared_names(CORPUS)
    cat = Catalog.open(cache_db(a.stars))
    try:
        records = cat.plugins()
        ours, times = run_discover(cat, queries)
        precision = add_workflows(cat, queries, ours, names)
        results = {
            "discover": score_runs(queries, ours, names),
            "substring+stars": score_runs(queries, run_substring(records, queries), names),
            "wratio": score_runs(queries, run_wratio(records, queries), names),
        }
    finally:
        cat.close()
    if a.run_out:
        Path(a.run_out).write_text("".join(json.dumps(r) + "\n" for r in ours.values()))
    if a.json:
        print(
            json.dumps(
                {k: {"overall": v["overall"], "by_kind": v["by_kind"]} for k, v in results.items()},
                indent=1,
            )
        )
        return 0
    metrics = ("ndcg@5", "ndcg@10", "mrr", "recall@10")
    print(f"{len(queries)} queries, {len(records)} listings")
    print(f"{'ranker':<18}" + "".join(f"{m:>11}" for m in metrics))
    for name, res in results.items():
        print(f"{name:<18}" + "".join(f"{res['overall'][m]:>11.3f}" for m in metrics))
    best_base = max(results[k]["overall"]["ndcg@5"] for k in ("substring+stars", "wratio"))
    lift = results["discover"]["overall"]["ndcg@5"] - best_base
    print(f"discover nDCG@5 lift over the better baseline: {lift:+.3f}")
    print("discover by kind:")
    for kind, m in sorted(results["discover"]["by_kind"].items()):
        print(f"  {kind:<11}" + "".join(f"{m[k]:>11.3f}" for k in metrics))
    multi = results["discover"]["by_kind"].get("multi-need", {})
    if precision:
        share = sum(precision.values()) / len(precision)
        print(
            f"workflow plan on {len(precision)} multi-need queries: combo coverage "
            f"{multi.get('combo_coverage', 0):.3f}, picks graded >= 2: {share:.3f}"
        )
    times.sort()
    print(f"discover latency on the corpus: p50 {times[len(times) // 2] * 1000:.1f} ms")
    if a.per_query:
        per = results["discover"]["per_query"]
        for q in queries:
            print(f"  {q['id']} {per[q['id']]['ndcg@5']:.2f} {q['kind']:<10} {q['query']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
