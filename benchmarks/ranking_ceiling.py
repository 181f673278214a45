"""How far ranking can go from what `discover` already finds: oracle reorders and a learned mix.

Usage: .venv/bin/python benchmarks/ranking_ceiling.py [--queries FILE] [--json]

For every dev query, takes `discover`'s top 40 (the corpus catalog of eval_ranking.py) and asks
two questions, both scored by score.py:

1. Oracle at depth K: a perfect judge reorders our top K by the graded labels. This is the best
   Claude can do in /agentops-discover, which shows it our top 15 to choose from.
2. Learned mix: a pairwise logistic regression over the features the ranker itself has (its
   score and rank, the share of the query matched in each indexed field, components, blurb
   length), fitted on the graded labels. Cross-validated by query (5 folds, 3 shuffles), and also
   fitted on all queries: if even that fit does not beat the hand-set ranker, the features have
   no better ordering to give, and a gain must come from reading plugins better.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _corpus import CORPUS, EVAL  # noqa: E402

DEPTHS = (5, 8, 10, 15, 20, 40)
POOL = 40
FOLDS = 5
SHUFFLES = 3
FIELDS = ("name", "keywords", "description", "components", "component_text")
Row = dict[str, Any]


def pools(queries: list[dict[str, Any]]) -> dict[str, list[Row]]:
    """Per query: discover's top POOL, each with its grade and ranking features."""
    from eval_ranking import _grade, cache_db
    from score import declared_names

    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.rank import discover
    from agentops_lite.search.index import plugin_fields
    from agentops_lite.search.name_boost import name_terms
    from agentops_lite.search.query_plan import plan_query

    names = declared_names(CORPUS)
    cat = Catalog.open(cache_db())
    try:
        records = {r.id: r for r in cat.plugins()}
        out: dict[str, list[Row]] = {}
        for q in queries:
            plan = plan_query(cat.conn, q["query"])
            total = sum(c.importance for c in plan.concepts) or 1.0
            wanted = [
                (c.importance / total, {t for t, w in c.terms.items() if w >= 0.5})
                for c in plan.concepts
            ]
            rows: list[Row] = []
            for pos, hit in enumerate(discover(cat, q["query"], limit=POOL).results):
                e = records[hit.plugin_id].entry
                comps = [{"name": c.name, "description": c.description} for c in e.components]
                fields = plugin_fields(
                    e.name, e.description, e.category, [*e.keywords, *e.tags], comps
                )
                present = {f: set(fields[f]) for f in FIELDS}
                present["name"] |= name_terms(e.name)
                shares = [sum(s for s, terms in wanted if terms & present[f]) for f in FIELDS]
                features = [
                    math.log(hit.score + 1e-3),
                    pos / POOL,
                    *shares,
                    math.log1p(len(e.components)),
                    math.log1p(len(fields["description"])),
                ]
                grade = _grade(q, hit.marketplace, hit.plugin, names)
                rows.append(
                    {
                        "plugin": hit.plugin,
                        "marketplace": hit.marketplace,
                        "grade": grade,
                        "x": features,
                    }
                )
            out[q["id"]] = rows
        return out
    finally:
        cat.close()


def ndcg5(queries: list[dict[str, Any]], order: dict[str, list[Row]]) -> float:
    from score import declared_names, score_runs

    runs = {
        qid: {
            "results": [{"plugin": r["plugin"], "marketplace": r["marketplace"]} for r in rows[:10]]
        }
        for qid, rows in order.items()
    }
    chosen = [q for q in queries if q["id"] in order]
    return float(score_runs(chosen, runs, declared_names(CORPUS))["overall"]["ndcg@5"])


def oracle(pool: dict[str, list[Row]], depth: int) -> dict[str, list[Row]]:
    """Our top `depth` reordered by grade (ties keep our order); the rest dropped."""
    return {qid: sorted(rows[:depth], key=lambda r: -r["grade"]) for qid, rows in pool.items()}


def fit(pool: dict[str, list[Row]], qids: list[str], seed: int) -> list[float]:
    """Pairwise logistic regression weights (SGD, L2): P(a above b) = sigmoid(w . (xa - xb))."""
    pairs = [
        [a - b for a, b in zip(hi["x"], lo["x"], strict=True)]
        for qid in qids
        for hi in pool[qid]
        for lo in pool[qid]
        if hi["grade"] > lo["grade"]
    ]
    rng = random.Random(seed)
    w = [0.0] * len(next(r["x"] for qid in qids for r in pool[qid]))
    rate, l2 = 0.05, 1e-3
    for epoch in range(20):
        rng.shuffle(pairs)
        step = rate / (1 + epoch)
        for d in pairs:
            z = sum(wi * di for wi, di in zip(w, d, strict=True))
            g = 1 / (1 + math.exp(min(z, 30)))  # gradient of log-sigmoid at z
            w = [wi + step * (g * di - l2 * wi) for wi, di in zip(w, d, strict=True)]
    return w


def reorder(pool: dict[str, list[Row]], qids: list[str], w: list[float]) -> dict[str, list[Row]]:
    def key(r: Row) -> float:
        return -sum(wi * xi for wi, xi in zip(w, r["x"], strict=True))

    return {qid: sorted(pool[qid], key=key) for qid in qids}


def cross_validated(pool: dict[str, list[Row]], queries: list[dict[str, Any]]) -> list[float]:
    qids = [q["id"] for q in queries if pool.get(q["id"])]
    scores = []
    for shuffle in range(SHUFFLES):
        order = qids[:]
        random.Random(shuffle).shuffle(order)
        merged: dict[str, list[Row]] = {}
        for k in range(FOLDS):
            test = order[k::FOLDS]
            train = [q for q in order if q not in set(test)]
            merged |= reorder(pool, test, fit(pool, train, seed=k))
        scores.append(ndcg5(queries, merged))
    return scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", default=str(EVAL / "dev-queries.jsonl"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    sys.path.insert(0, str(EVAL))
    queries = [json.loads(x) for x in Path(a.queries).read_text().splitlines() if x.strip()]
    pool = pools(queries)
    qids = [q["id"] for q in queries if pool.get(q["id"])]
    result = {
        "discover": ndcg5(queries, pool),
        "oracle": {str(d): ndcg5(queries, oracle(pool, d)) for d in DEPTHS},
        "learned_cv": cross_validated(pool, queries),
        "learned_fit_on_all": ndcg5(queries, reorder(pool, qids, fit(pool, qids, seed=0))),
    }
    if a.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"{len(queries)} queries, top {POOL} of discover each; nDCG@5 by score.py")
    print(f"discover as it ranks:              {result['discover']:.3f}")
    for depth, value in result["oracle"].items():
        print(f"perfect judge over our top {depth:>2}:     {value:.3f}")
    cv = result["learned_cv"]
    print(
        f"learned mix, {FOLDS}-fold CV ({SHUFFLES} shuffles): " + " ".join(f"{v:.3f}" for v in cv)
    )
    print(f"learned mix fitted on all queries:  {result['learned_fit_on_all']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
