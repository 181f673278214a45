"""The candidate pool of a query: index retrieval, relevance normalisation, records, folding."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple

from agentops_lite.catalog.listings import fold
from agentops_lite.catalog.read import query_listings
from agentops_lite.catalog.stored import Listing
from agentops_lite.search.feedback import feedback_rerank
from agentops_lite.search.index import retrieve
from agentops_lite.search.name_boost import rerank
from agentops_lite.search.query_plan import QueryPlan, plan_query

COVERAGE_POWER = 2.0
RELEVANCE_FLOOR = 0.12  # below this share of the best match a plugin is not ranked


class Pool(NamedTuple):
    plan: QueryPlan
    # (listings of one plugin, best first; relevance in [0, 1]), by falling relevance
    groups: list[tuple[list[Listing], float]]
    repos: dict[str, str | None]  # marketplace key -> GitHub repo


def _normalised(rows: list[tuple[int, float, float]]) -> dict[int, float]:
    """Relevance in [0, 1] relative to the best match; the weak tail is cut (the gate)."""
    scored = [(pid, relevance(t, c)) for pid, t, c in rows]
    top = max((s for _, s in scored), default=0.0)
    return {pid: s / top for pid, s in scored if top > 0 and s >= RELEVANCE_FLOOR * top}


def relevance(total: float, covered: float) -> float:
    """Summed concept scores, discounted by the share of the query's concepts matched."""
    return float(total * covered**COVERAGE_POWER)


def candidates(
    conn: sqlite3.Connection,
    query: str,
    *,
    pool: int,
    marketplace_ids: Sequence[int] = (),
    category: str | None = None,
    exclude: frozenset[int] = frozenset(),
) -> Pool:
    plan = plan_query(conn, query)
    where: list[str] = []
    args: list[Any] = []
    if category:  # needs the plugins table: the exhaustive path, filtered in SQL
        if marketplace_ids:
            where.append(f"p.marketplace_id IN ({','.join('?' * len(marketplace_ids))})")
            args.extend(marketplace_ids)
        where.append("LOWER(p.category) = LOWER(?)")
        args.append(category)
    where_sql = " AND ".join(where)
    found = retrieve(
        conn,
        plan.query_terms(),
        limit=pool,
        where=where_sql,
        args=args,
        marketplace_ids=marketplace_ids,
    )
    kept = _normalised([row for row in found if row[0] not in exclude])
    kept = rerank(conn, kept, plan)
    records = query_listings(conn, ids=list(kept)) if kept else []
    kept = feedback_rerank(conn, kept, records)
    records.sort(key=lambda r: -kept[r.id])
    groups = [(g, kept[g[0].id]) for g in fold(records)]
    repos: dict[str, str | None] = dict(conn.execute("SELECT key, repo FROM marketplaces"))
    return Pool(plan=plan, groups=groups, repos=repos)


def matched_concepts(
    conn: sqlite3.Connection, plan: QueryPlan, ids: list[int]
) -> dict[int, list[str]]:
    if not ids:
        return {}
    by_term: dict[str, list[int]] = {}
    for i, c in enumerate(plan.concepts):
        for t in c.terms:
            by_term.setdefault(t, []).append(i)
    sql = (
        "SELECT plugin_id, term FROM search_postings "
        f"WHERE plugin_id IN ({','.join('?' * len(ids))}) "
        f"AND term IN ({','.join('?' * len(by_term))})"
    )
    hit: dict[int, set[int]] = {}
    for pid, term in conn.execute(sql, [*ids, *by_term]):
        hit.setdefault(pid, set()).update(by_term[term])
    return {pid: [plan.concepts[i].label for i in sorted(cs)] for pid, cs in hit.items()}
