"""Calibration of discover's fit levels: does "nothing fits" (the best result is weak) separate
off-topic queries from the graded dev queries, and do strong results tend to be graded >= 2?

Usage: .venv/bin/python benchmarks/fit_levels.py [--sweep]

Off-topic queries are written here (a catalog of developer and knowledge-work plugins has
nothing for them); every dev query has at least one plugin graded >= 2, so for those the right
answer is "something fits".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _corpus import EVAL  # noqa: E402
from eval_ranking import cache_db  # noqa: E402

OFF_TOPIC = [
    "I want to bake a chocolate cake",
    "knit a wool sweater for winter",
    "fix the brakes on my bicycle",
    "train my puppy to sit and stay",
    "grow tomatoes in a small garden",
    "find a good sushi restaurant nearby",
    "learn guitar chords for beginners",
    "repair a leaking kitchen faucet",
    "choose running shoes for a marathon",
    "pick a paint colour for the living room",
    "plan a birthday party for a five year old",
    "brew a better cup of pour-over coffee",
    "remove a red wine stain from carpet",
    "teach my grandmother to play chess",
    "what should I feed my goldfish",
    "sew a button back onto a shirt",
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sweep", action="store_true", help="try other thresholds too")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    sys.path.insert(0, str(EVAL))
    from agentops_lite.catalog import Catalog
    from agentops_lite.discovery.fit import coverage
    from agentops_lite.discovery.rank import discover

    queries = [json.loads(x) for x in (EVAL / "dev-queries.jsonl").read_text().splitlines() if x]
    cat = Catalog.open(cache_db())
    rows: list[tuple[str, float, bool]] = []  # (kind, best coverage, on topic)
    hits: list[tuple[float, int]] = []  # (coverage, grade) of every top-5 result of dev queries
    try:
        for q in queries:
            res = discover(cat, q["query"], limit=5)
            covs = [coverage(h, res) for h in res.results]
            rows.append((q["kind"], max(covs, default=0.0), True))
            for h, c in zip(res.results, covs, strict=True):
                grade = max(
                    (g for k, g in q["relevant"].items() if k.split("/", 1)[1] == h.plugin),
                    default=0,
                )
                hits.append((c, grade))
        for text in OFF_TOPIC:
            res = discover(cat, text, limit=5)
            best = max((coverage(h, res) for h in res.results), default=0.0)
            rows.append(("off-topic", best, False))
    finally:
        cat.close()

    def report(partial: float, strong: float) -> dict[str, Any]:
        said_none = [(on, best < partial) for _, best, on in rows]
        tp = sum(1 for on, none in said_none if none and not on)
        fp = sum(1 for on, none in said_none if none and on)
        fn = sum(1 for on, none in said_none if not none and not on)
        strong_hits = [g for c, g in hits if c >= strong]
        weak_hits = [g for c, g in hits if c < partial]
        return {
            "partial": partial,
            "strong": strong,
            "nothing_fits_precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "nothing_fits_recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "strong_graded_2plus": round(sum(g >= 2 for g in strong_hits) / len(strong_hits), 3)
            if strong_hits
            else None,
            "weak_graded_2plus": round(sum(g >= 2 for g in weak_hits) / len(weak_hits), 3)
            if weak_hits
            else None,
            "dev_queries_said_nothing_fits": sum(
                1 for _, best, on in rows if on and best < partial
            ),
        }

    from agentops_lite.discovery.fit import PARTIAL, STRONG

    out = {"shipped": report(PARTIAL, STRONG)}
    if a.sweep:
        out["sweep"] = [
            report(p / 100, s / 100) for p in range(20, 60, 5) for s in (50, 60, 70) if s > p
        ]
    if a.json:
        print(json.dumps(out, indent=1))
    else:
        for k, v in out["shipped"].items():
            print(f"{k:32} {v}")
        for r in out.get("sweep", []):
            print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
