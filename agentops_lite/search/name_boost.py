"""Second-stage ranking of a query's candidates: a plugin named for a need of the query ranks up."""

from __future__ import annotations

import sqlite3

from agentops_lite.search.query_plan import QueryPlan
from agentops_lite.search.synonyms import join_phrases
from agentops_lite.search.tokens import terms

# A plugin whose own name says what the user asked for is usually exactly that tool, while one
# that only mentions it is broader or adjacent; the bonus grows with the share of the query's
# importance its name carries (as typed or an exact equivalent, not a loose neighbour).
NAME_BONUS = 0.6
EXACT = 0.9  # variant weight of an equivalent (synonyms.EQUIVALENT)


def name_terms(name: str) -> set[str]:
    toks = terms(name)
    joined = name.replace("-", "").replace("_", "").lower()
    return {*toks, *join_phrases(toks), joined}


def rerank(conn: sqlite3.Connection, pool: dict[int, float], plan: QueryPlan) -> dict[int, float]:
    """Relevance (in [0, 1]) raised by the query share a plugin's name covers, renormalised."""
    if len(pool) < 2 or not plan.concepts:
        return pool
    marks = ",".join("?" * len(pool))
    names = dict(conn.execute(f"SELECT id, name FROM plugins WHERE id IN ({marks})", list(pool)))
    total = sum(c.importance for c in plan.concepts) or 1.0
    exact = [
        (c.importance / total, {t for t, w in c.terms.items() if w >= EXACT}) for c in plan.concepts
    ]
    out: dict[int, float] = {}
    for pid, rel in pool.items():
        own = name_terms(str(names.get(pid, "")))
        named = sum(share for share, wanted in exact if wanted & own)
        out[pid] = rel * (1 + NAME_BONUS * named)
    peak = max(out.values()) or 1.0
    return {pid: s / peak for pid, s in out.items()}
