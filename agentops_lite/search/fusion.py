"""Fuse the lexical ranking with the model's by reciprocal rank, over the whole catalog.

The lexical ranking is precise on the catalog's own words; the model reads paraphrase but is
noisy on its own. Reciprocal rank fusion needs no common scale between the two: a plugin's
fused score is 1/(K + lexical rank) + WEIGHT/(K + semantic rank), ranks counted over folded
plugins (one plugin listed in several marketplaces is one rank). A plugin the model ranks high
that the words missed enters the results. Settings were chosen on the dev set
(benchmarks/eval_ranking.py --semantic-sweep), for all queries alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import NamedTuple

from agentops_lite.catalog.listings import fold
from agentops_lite.catalog.read import query_listings
from agentops_lite.catalog.stored import Listing
from agentops_lite.errors import AgentOpsError

RRF_K = 10.0
WEIGHT = 1.3  # the model's rank counts this much next to the lexical one
DEPTH = 60  # plugins of the model's ranking that take part (the rest add nothing)
FEEDBACK_DOCS = 3  # our best matches the query vector moves towards
FEEDBACK_BETA = 1.0
# A plugin only the model found must be at least this near the query: every query has nearest
# plugins, even one about nothing in the catalog ("quantum chromodynamics" peaks near 0.25).
MIN_SIMILARITY = 0.4


class Fused(NamedTuple):
    group: list[Listing]  # listings of one plugin, best-matching first
    lexical_rank: int | None  # None: the words did not find it (the model did)
    semantic_rank: int | None  # None: not among the model's DEPTH nearest
    similarity: float | None  # cosine of its nearest listing to the query vector
    score: float  # fused, in [0, 1]


def rrf(lexical_rank: int | None, semantic_rank: int | None) -> float:
    score = 1 / (RRF_K + lexical_rank) if lexical_rank else 0.0
    score += WEIGHT / (RRF_K + semantic_rank) if semantic_rank else 0.0
    return score * (RRF_K + 1) / (1 + WEIGHT)  # 1: first in both


def fuse(
    conn: sqlite3.Connection,
    query: str,
    lexical: Sequence[list[Listing]],
    *,
    keep: Callable[[list[Listing]], bool],
    marketplace_ids: Sequence[int] = (),
    category: str | None = None,
    exclude: frozenset[int] = frozenset(),
) -> list[Fused] | None:
    """The fused ranking, best first; None when the stage is off (no extra, no vectors).

    `lexical` holds the lexical ranking's plugins (listing groups) in their final order, already
    filtered; `keep` filters the plugins only the model found."""
    from agentops_lite.search.semantic import fill_missing, load_model, rank_listings

    model = load_model()
    if model is None:
        return None
    try:
        fill_missing(conn, model)
    except (AgentOpsError, sqlite3.Error):
        pass  # a catalog we cannot write to (read-only, busy): rank with the vectors it has
    ranking = rank_listings(
        conn,
        model,
        query,
        feedback=[g[0].id for g in lexical[:FEEDBACK_DOCS]],
        beta=FEEDBACK_BETA,
        depth=DEPTH * 2,  # listings; several may be one plugin
        marketplace_ids=marketplace_ids,
        category=category,
        exclude=exclude,
    )
    if ranking is None:
        return None
    position = {pid: i for i, pid in enumerate(ranking.ids)}
    lexical_rank = {r.id: i for i, g in enumerate(lexical, 1) for r in g}
    extra_ids = [pid for pid in ranking.ids if pid not in lexical_rank]
    extra = sorted(query_listings(conn, ids=extra_ids), key=lambda r: position[r.id])
    groups = fold([r for g in lexical for r in g] + extra)
    near = sorted(
        (min(position[r.id] for r in g if r.id in position), i)
        for i, g in enumerate(groups)
        if any(r.id in position for r in g)
    )
    semantic_rank = {i: rank for rank, (_, i) in enumerate(near[:DEPTH], 1)}
    out: list[Fused] = []
    for i, group in enumerate(groups):
        lex = min((lexical_rank[r.id] for r in group if r.id in lexical_rank), default=None)
        sem = semantic_rank.get(i)
        sims = [ranking.similarity[r.id] for r in group if r.id in ranking.similarity]
        if lex is None and (sem is None or max(sims) < MIN_SIMILARITY or not keep(group)):
            continue
        if lex is None:  # the model's hit: its nearest listing matches best
            group = sorted(group, key=lambda r: position.get(r.id, len(position)))
        out.append(Fused(group, lex, sem, max(sims) if sims else None, rrf(lex, sem)))
    out.sort(key=lambda f: -f.score)
    return out


def explain_fused(fused: Fused, score: float, lexical_score: float, lines: list[str]) -> list[str]:
    """`--explain` of a fused hit: both ranks, the similarity, then the lexical notes."""
    if fused.lexical_rank:
        head = [f"lexical rank {fused.lexical_rank} (score {lexical_score:.2f}); {lines[0]}"]
    else:
        head = ["not found by its words: a hit of the model's alone"]
    if fused.semantic_rank and fused.similarity is not None:
        head.append(f"semantic rank {fused.semantic_rank}, similarity {fused.similarity:.2f}")
    else:
        head.append(f"semantic rank: not among the model's {DEPTH} nearest")
    head.append(f"fused by reciprocal rank: score {score:.2f}")
    return head + lines[1:]
