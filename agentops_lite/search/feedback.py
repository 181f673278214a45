"""Third-stage ranking: candidates that resemble the best matches as a whole rank up.

The query's words alone cannot tell a plugin about the need from one that mentions the words in
passing ("memory" in a .NET profiler for a Node query). The best few matches, taken together,
describe the need better than the query does: each candidate's blurb is compared with their
centroid (tf-idf cosine over name, keywords, category, description and component names) and
its relevance is raised by that similarity. Pseudo-relevance feedback used for reordering only:
nothing outside the candidate pool is added, so a wrong centroid can only reorder, never invite.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agentops_lite.search.index import doc_count, doc_freqs, idf, plugin_fields, term_weights

if TYPE_CHECKING:
    from agentops_lite.catalog.stored import ListingLike

FEEDBACK_DOCS = 10  # distinct plugins whose blurbs form the centroid
RERANK_DEPTH = 40  # candidates reordered (the rest keep their place below)
WEIGHT = 2.0  # relevance x (1 + WEIGHT x cosine)
NEAR_COPY = 0.8  # cosine above which two blurbs count as one for the centroid
Vector = dict[str, float]


def blurb_vectors(
    conn: sqlite3.Connection, records: Sequence[ListingLike]
) -> dict[int, tuple[str, Vector]]:
    """(plugin name, unit tf-idf vector of its blurb) per plugin id."""
    weights: dict[int, tuple[str, Vector]] = {}
    for r in records:
        e = r.entry
        components = [{"name": c.name} for c in e.components]
        fields = plugin_fields(
            e.name, e.description, e.category, [*e.keywords, *e.tags], components
        )
        weights[r.id] = (e.name, term_weights(fields))
    # A term no other candidate has cannot make two candidates alike; leaving those out also
    # keeps the idf lookups few on a large catalog.
    shared = Counter(t for _, w in weights.values() for t in w)
    dfs = doc_freqs(conn, [t for t, c in shared.items() if c >= 2])
    n = max(doc_count(conn), 1)
    out: dict[int, tuple[str, Vector]] = {}
    for pid, (name, w) in weights.items():
        vec = {t: x * idf(dfs[t], n) for t, x in w.items() if t in dfs}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        out[pid] = (name, {t: x / norm for t, x in vec.items()})
    return out


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def feedback_rerank(
    conn: sqlite3.Connection, pool: dict[int, float], records: Sequence[ListingLike]
) -> dict[int, float]:
    """Relevance (in [0, 1]) raised by the likeness to the best matches, renormalised.

    `records` are the pool's plugins (already read for the results; not read again here)."""
    if len(pool) < 3:
        return pool
    ranked = sorted(pool, key=lambda p: -pool[p])[:RERANK_DEPTH]
    top = set(ranked)
    vectors = blurb_vectors(conn, [r for r in records if r.id in top])
    centroid: Vector = {}
    members: list[Vector] = []
    for pid in ranked:
        vec = vectors.get(pid, ("", {}))[1]
        # A plugin listed in several marketplaces, or a family of near-copies (one template,
        # many names), counts once: otherwise the family would decide what "alike" means.
        if not vec or any(_dot(vec, m) > NEAR_COPY for m in members):
            continue
        members.append(vec)
        for t, x in vec.items():
            centroid[t] = centroid.get(t, 0.0) + x * pool[pid]
        if len(members) == FEEDBACK_DOCS:
            break
    norm = math.sqrt(sum(x * x for x in centroid.values()))
    if not norm:
        return pool
    out = dict(pool)
    for pid in ranked:
        vec = vectors.get(pid, ("", {}))[1]
        cosine = _dot(vec, centroid) / norm
        out[pid] = pool[pid] * (1 + WEIGHT * cosine)
    peak = max(out.values()) or 1.0
    return {pid: s / peak for pid, s in out.items()}
