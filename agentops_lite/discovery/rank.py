"""`discover`: rank catalog plugins for a query — relevance first, popularity gated by it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal, NamedTuple, overload

from agentops_lite.catalog.listings import shown_first
from agentops_lite.discovery.found import (
    SHOWN_COMPONENTS,
    Found,
    FoundCatalog,
    FoundConcept,
    FoundHit,
    ScoreParts,
    real,
)
from agentops_lite.discovery.plugin_facts import (
    MarketSources,
    alias_names,
    component_counts,
    flag_notes,
    flags_of,
)
from agentops_lite.discovery.quality_parts import score_of
from agentops_lite.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from agentops_lite.catalog.store import Catalog
    from agentops_lite.catalog.stored import Listing
    from agentops_lite.discovery.rank_models import CatalogInfo as CatalogInfo
    from agentops_lite.discovery.rank_models import Components as Components
    from agentops_lite.discovery.rank_models import DiscoverResult as DiscoverResult
    from agentops_lite.discovery.rank_models import Hit as Hit
    from agentops_lite.discovery.rank_models import QueryConcept as QueryConcept
    from agentops_lite.search.fusion import Fused
    from agentops_lite.search.pool import Pool

# pydantic is not imported here: a warm `discover --json` ranks and prints `found` tuples
# (`plain=True`); the output models (`rank_models`) are built only for callers that want them.
_MODELS = frozenset({"CatalogInfo", "Components", "DiscoverResult", "Hit", "QueryConcept"})


def __getattr__(name: str) -> object:
    # `from agentops_lite.discovery.rank import Hit` keeps working: the models load on first use.
    if name in _MODELS:
        from agentops_lite.discovery import rank_models

        return getattr(rank_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SIGNALS = ("relevance", "stars", "recency", "installs")
DEFAULT_WEIGHTS = {"relevance": 0.4, "stars": 0.2, "recency": 0.2, "installs": 0.2}
HALF_LIFE_DAYS = 180.0
STAR_SCALE = 10_000  # stars at which the signal reaches 1 (log scale)
INSTALL_SCALE = 100_000
FLAG_PENALTY = {"archived": 0.5, "manifest-errors": 0.8, "stale": 0.9}
_NAMED_KINDS = ("command", "skill", "agent")
# The typical value of a signal (what a plugin without it counts at) comes from this many of the
# best-matching candidates: a fixed set, so no score depends on --limit or on the filters.
TYPICAL_PEERS = 40
# Weight of the static quality score (discovery/quality.py) as a multiplicative prior: a
# listing scoring q/100 keeps (1 - w) + w * q of its score. Dev nDCG@5 (issue 22): 0.665
# without, 0.667 at w = 0.1; w = 0.05, 0.15 and 0.2 were 0.665-0.667 too. It does not drop, so
# it is kept at the best of those.
QUALITY_PRIOR = 0.1


def parse_weights(text: str | None) -> dict[str, float]:
    """`relevance=0.5,stars=0.5` over the defaults, normalised to sum 1."""
    weights = dict(DEFAULT_WEIGHTS)
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key not in weights:
            raise UsageError(f"unknown weight {key!r}", hint=f"use {', '.join(SIGNALS)}")
        try:
            weights[key] = float(value)
        except ValueError:
            raise UsageError(f"weight {key} must be a number, not {value!r}") from None
        if weights[key] < 0 or not math.isfinite(weights[key]):
            raise UsageError(f"weight {key} must be a finite number >= 0")
    if weights["relevance"] <= 0:
        raise UsageError("the relevance weight must be above 0", hint="relevance gates the rest")
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def star_signal(stars: int | None) -> float | None:
    return None if stars is None else min(1.0, math.log1p(stars) / math.log1p(STAR_SCALE))


def install_signal(n: int | None) -> float | None:
    return None if n is None else min(1.0, math.log1p(n) / math.log1p(INSTALL_SCALE))


def recency_signal(pushed: datetime | None, now: datetime, half_life: float) -> float | None:
    if pushed is None:
        return None
    when = pushed if pushed.tzinfo else pushed.replace(tzinfo=timezone.utc)
    age = max(0.0, (now - when).total_seconds() / 86400)
    return float(0.5 ** (age / half_life))


def combine(
    relevance: float,
    signals: dict[str, float | None],
    weights: dict[str, float],
    typical: dict[str, float | None] | None = None,
) -> tuple[float, list[str]]:
    """Score and notes; popularity counts only as far as the plugin matches (times relevance).

    A signal this plugin lacks takes `typical[signal]` (its median over the best-matching
    candidates that have it): unknown is neither a penalty nor a bonus next to plugins with
    data. When no candidate has it, its weight is spread over the rest (relevance included)."""
    typical = typical or {}
    present: dict[str, float] = {}
    notes: list[str] = []
    for k, v in signals.items():
        if v is not None:
            present[k] = v
        elif typical.get(k) is not None:
            present[k] = float(typical[k] or 0.0)
            notes.append(
                f"no {k} data: counted at the median of the other candidates ({present[k]:.2f})"
            )
    missing = [k for k in signals if k not in present]
    share = sum(weights[k] for k in present) + weights["relevance"]
    scale = 1.0 / share if share else 1.0
    score = weights["relevance"] * scale * relevance
    score += sum(weights[k] * scale * v * relevance for k, v in present.items())
    if missing:
        notes.append(
            f"no {', '.join(missing)} data: their weight was spread over "
            f"{', '.join(['relevance', *present])}"
        )
    return score, notes


def require_query(query: str) -> None:
    if not query.strip():
        raise UsageError("the query is empty", hint='e.g. agentops-lite discover "kubernetes helm"')


@overload
def discover(
    catalog: Catalog,
    query: str,
    *,
    limit: int = 10,
    marketplaces: Sequence[str] = (),
    category: str | None = None,
    installed: bool | None = None,
    min_stars: int | None = None,
    weights: dict[str, float] | None = None,
    half_life_days: float = HALF_LIFE_DAYS,
    explain: bool = False,
    now: datetime | None = None,
    exclude: frozenset[int] = frozenset(),
    plain: Literal[False] = False,
) -> DiscoverResult: ...


@overload
def discover(
    catalog: Catalog,
    query: str,
    *,
    limit: int = 10,
    marketplaces: Sequence[str] = (),
    category: str | None = None,
    installed: bool | None = None,
    min_stars: int | None = None,
    weights: dict[str, float] | None = None,
    half_life_days: float = HALF_LIFE_DAYS,
    explain: bool = False,
    now: datetime | None = None,
    exclude: frozenset[int] = frozenset(),
    plain: Literal[True],
) -> Found: ...


def discover(
    catalog: Catalog,
    query: str,
    *,
    limit: int = 10,
    marketplaces: Sequence[str] = (),
    category: str | None = None,
    installed: bool | None = None,
    min_stars: int | None = None,
    weights: dict[str, float] | None = None,
    half_life_days: float = HALF_LIFE_DAYS,
    explain: bool = False,
    now: datetime | None = None,
    exclude: frozenset[int] = frozenset(),
    plain: bool = False,
) -> DiscoverResult | Found:
    """Rank the catalog's plugins for `query` (see the module docstring for the method).

    `plain`: the result as `found` tuples (the same document, without pydantic)."""
    found = _discover(catalog, query, limit, marketplaces, category, installed, min_stars,
                      weights, half_life_days, explain, now, exclude)  # fmt: skip
    if plain:
        return found
    from agentops_lite.discovery.found import as_python
    from agentops_lite.discovery.rank_models import DiscoverResult

    return DiscoverResult.model_validate(as_python(found))


def _discover(
    catalog: Catalog,
    query: str,
    limit: int,
    marketplaces: Sequence[str],
    category: str | None,
    installed: bool | None,
    min_stars: int | None,
    weights: dict[str, float] | None,
    half_life_days: float,
    explain: bool,
    now: datetime | None,
    exclude: frozenset[int],
) -> Found:
    require_query(query)
    from agentops_lite.search.pool import candidates

    if limit < 1:
        raise UsageError("--limit must be at least 1")
    weights = weights or parse_weights(None)
    now = now or datetime.now(timezone.utc)
    n_mkt, n_plugins = catalog.counts()
    from agentops_lite.catalog.meta import snapshot_facts

    info = FoundCatalog(
        marketplaces=n_mkt,
        plugins=n_plugins,
        refreshed_at=catalog.last_refreshed(),
        snapshot=snapshot_facts(catalog),
    )
    mids = [catalog.marketplace(m).id for m in marketplaces]
    pool = candidates(
        catalog.conn,
        query,
        pool=max(TYPICAL_PEERS, limit * 4) if installed is None and min_stars is None else 2000,
        marketplace_ids=mids,
        category=category,
        exclude=exclude,
    )
    from agentops_lite.search.pool import matched_concepts

    peers = [g for g, _ in pool.groups[:TYPICAL_PEERS]]
    scorer = Scorer(weights, half_life_days, now).with_typical(peers)

    def passes(group: Sequence[Listing]) -> bool:
        if installed is not None and any(r.installed for r in group) != installed:
            return False
        return min_stars is None or max(r.stars or 0 for r in group) >= min_stars

    # encoder, not semantic: without the stage its scan and storage code never loads.
    from agentops_lite.search.encoder import MODEL_ID, available

    filters = (mids, category, exclude)
    if available() and (fused := _fused(catalog, query, pool.groups, scorer, passes, filters)):
        semantic = _fused_hits(catalog, pool, fused[:limit], scorer, explain)
        return _finish(catalog, query, pool, semantic, info, weights, min_stars, MODEL_ID)
    # (score, listings best-matching first, the same listings preferred first, relevance): a
    # group is matched by its best-matching listing, and shown and flagged by its preferred one.
    chosen: list[tuple[float, list[Listing], list[Listing], float]] = []
    for group, rel in pool.groups:
        # Popularity is multiplied by relevance, so no score exceeds its relevance: once the
        # next relevance is below the limit-th score, nothing further can enter the list.
        if len(chosen) >= limit and rel < chosen[limit - 1][0]:
            break
        if not passes(group):
            continue
        listings = shown_first(group)
        chosen.append((scorer.score(listings, rel)[0], group, listings, rel))
        chosen.sort(key=lambda c: -c[0])
    chosen = chosen[:limit]
    matched = matched_concepts(catalog.conn, pool.plan, [g[0].id for _, g, _, _ in chosen])
    aliases = alias_names(catalog.conn, [s[0] for _, _, s, _ in chosen])
    sources = MarketSources.read(catalog.conn)
    hits: list[FoundHit] = []
    for _, group, listings, rel in chosen:
        best = listings[0]
        hit = _hit(
            best,
            listings,
            rel,
            matched.get(group[0].id, []),
            aliases.get(best.id, []),
            sources,
            scorer,
        )
        hits.append(hit if explain else hit._replace(explain=None))
    return _finish(catalog, query, pool, hits, info, weights, min_stars)


def _finish(
    catalog: Catalog,
    query: str,
    pool: Pool,
    hits: list[FoundHit],
    info: FoundCatalog,
    weights: dict[str, float],
    min_stars: int | None,
    semantic: str | None = None,
) -> Found:
    missing = None
    if min_stars is not None and not _has_stars(catalog):
        missing = (
            "no listing in the catalog has star data, so --min-stars excludes everything; "
            "`agentops-lite refresh` (online) reads stars from GitHub"
        )
    result = Found(
        query=query,
        results=hits,
        catalog=info,
        weights={k: float(round(v, 4)) for k, v in weights.items()},
        interpretation=[
            FoundConcept(
                concept=c, terms=list(t), importance=float(round(i, 3)), corrected=dict(fix)
            )
            for c, t, i, fix in pool.plan.describe()
        ],
        nothing_fits=False,
        semantic=semantic,
        missing=missing,
    )
    from agentops_lite.discovery.fit import fits

    rated = [
        h._replace(fit=lvl)
        for h, (lvl, _) in zip(result.results, fits(result, result.results), strict=True)
    ]
    return result._replace(results=rated, nothing_fits=all(h.fit == "weak" for h in rated))


def _fused(
    catalog: Catalog,
    query: str,
    groups: list[tuple[list[Listing], float]],
    scorer: Scorer,
    passes: Callable[[Sequence[Listing]], bool],
    filters: tuple[list[int], str | None, frozenset[int]],
) -> list[Fused] | None:
    """The semantic stage: our ranking (popularity included) fused with the model's."""
    from agentops_lite.search.fusion import fuse

    scored = [(scorer.score(shown_first(g), rel)[0], g) for g, rel in groups]
    lexical = [g for _, g in sorted(scored, key=lambda c: -c[0]) if passes(g)]
    mids, category, exclude = filters
    return fuse(catalog.conn, query, lexical, keep=passes, marketplace_ids=mids,
                category=category, exclude=exclude)  # fmt: skip


def _fused_hits(
    catalog: Catalog, pool: Pool, fused: list[Fused], scorer: Scorer, explain: bool
) -> list[FoundHit]:
    """Hits of the fused ranking: shown as discover shows them, scored by the fusion."""
    from agentops_lite.search.fusion import explain_fused
    from agentops_lite.search.pool import matched_concepts

    relevance = {r.id: rel for g, rel in pool.groups for r in g}
    matched = matched_concepts(catalog.conn, pool.plan, [f.group[0].id for f in fused])
    shown = [shown_first(f.group) for f in fused]
    aliases = alias_names(catalog.conn, [s[0] for s in shown])
    sources = MarketSources.read(catalog.conn)
    hits: list[FoundHit] = []
    for f, group in zip(fused, shown, strict=True):
        rel = max(relevance.get(r.id, 0.0) for r in f.group)
        hit = _hit(group[0], group, rel, matched.get(f.group[0].id, []),
                   aliases.get(group[0].id, []), sources, scorer)  # fmt: skip
        # Our ranking's penalties are in its ranks already; a hit of the model's alone pays here.
        flags = [] if f.lexical_rank else flags_of(group[0], scorer.now, 0)
        score = f.score * math.prod(FLAG_PENALTY.get(flag, 1.0) for flag in flags)
        lines = explain_fused(f, score, hit.score, hit.explain or []) if explain else None
        semantic = hit.components._replace(semantic=real(f.similarity))
        hits.append(hit._replace(score=float(round(score, 4)), components=semantic,
                                 explain=lines))  # fmt: skip
    return sorted(hits, key=lambda h: -h.score)


def _has_stars(catalog: Catalog) -> bool:
    sql = "SELECT 1 FROM plugins p JOIN marketplaces m ON m.id = p.marketplace_id "
    sql += "LEFT JOIN repo_metrics r ON r.repo = LOWER(p.source_repo) "
    sql += "WHERE COALESCE(r.stars, m.stars) IS NOT NULL LIMIT 1"
    return catalog.conn.execute(sql).fetchone() is not None


def _median(values: list[float]) -> float:
    """`statistics.median`, the same arithmetic, without importing `statistics` (fractions,
    decimal, random) on every discover."""
    data = sorted(values)
    n = len(data)
    i = n // 2
    return data[i] if n % 2 else (data[i - 1] + data[i]) / 2


class Scorer(NamedTuple):
    """How a query's candidates are scored: weights, recency half-life, and the typical value of
    each popularity signal among the candidates that have it (see `combine`)."""

    weights: dict[str, float]
    half_life: float
    now: datetime
    typical: dict[str, float | None] | None = None

    def with_typical(self, groups: Sequence[Sequence[Listing]]) -> Scorer:
        known: dict[str, list[float]] = {k: [] for k in SIGNALS[1:]}
        for group in groups:
            for k, v in self.signals(group)[0].items():
                if v is not None:
                    known[k].append(v)
        typical = {k: _median(v) if v else None for k, v in known.items()}
        return Scorer(self.weights, self.half_life, self.now, typical)

    def signals(
        self, group: Sequence[Listing]
    ) -> tuple[dict[str, float | None], tuple[int | None, datetime | None, int | None]]:
        """Popularity signals of a group of listings, and the raw metrics behind them."""
        stars = max((r.stars for r in group if r.stars is not None), default=None)
        pushed = max((r.pushed_at for r in group if r.pushed_at is not None), default=None)
        known = [r.installs for r in group if r.installs is not None]
        installs = sum(known) if known else None
        signals = {
            "stars": star_signal(stars),
            "recency": recency_signal(pushed, self.now, self.half_life),
            "installs": install_signal(installs),
        }
        return signals, (stars, pushed, installs)

    def score(self, group: Sequence[Listing], rel: float) -> tuple[float, list[str]]:
        """Score (flag penalties included) and explanation notes of a group."""
        return self.rate(group[0], self.signals(group)[0], rel)

    def rate(
        self, shown: Listing, signals: dict[str, float | None], rel: float
    ) -> tuple[float, list[str]]:
        """`score` from a group's signals already worked out; `shown` carries the flags."""
        score, notes = combine(rel, signals, self.weights, self.typical)
        for flag in flags_of(shown, self.now, 0):
            score *= FLAG_PENALTY.get(flag, 1.0)
        if QUALITY_PRIOR:
            quality = score_of(shown, self.now).score
            if quality is not None:  # unknown quality: no prior either way
                factor = 1 - QUALITY_PRIOR + QUALITY_PRIOR * quality / 100
                score *= factor
                notes.append(f"quality {quality}/100: score x{factor:.2f}")
        return score, notes


def _hit(
    best: Listing,
    group: list[Listing],
    rel: float,
    matched: list[str],
    aliases: list[str],
    sources: MarketSources,
    scorer: Scorer,
) -> FoundHit:
    signals, (stars, pushed, installs) = scorer.signals(group)
    score, notes = scorer.rate(best, signals, rel)
    here = best.marketplace_key
    # The fold may have met an alias the lookup did not (through another marketplace's copy).
    names = {*aliases, *(r.name for r in group if r.marketplace_key == here)}
    also_named = sorted({n for n in names if n.lower() != best.name.lower()}, key=str.lower)
    flags = flags_of(best, scorer.now, len(also_named))
    meaning = flag_notes(best, flags, also_named)
    options = [sources.plain_option(r) for r in group if r.marketplace_key != here]
    lines = [f"relevance {rel:.2f}: matched {', '.join(matched) or 'nothing'}", *notes]
    lines += [
        f"flag {f}: {meaning[f]}" + (f"; score x{FLAG_PENALTY[f]}" if f in FLAG_PENALTY else "")
        for f in flags
    ]
    markets = len({r.marketplace_key for r in group})
    if markets > 1:
        lines.append(f"listed in {markets} marketplaces; folded into one result")
    rounded = {k: None if v is None else round(v, 4) for k, v in signals.items()}
    return FoundHit(
        plugin=best.name,
        marketplace=best.marketplace_key,
        score=float(round(score, 4)),
        components=ScoreParts(
            relevance=float(round(rel, 4)),
            stars=real(rounded["stars"]),
            recency=real(rounded["recency"]),
            installs=real(rounded["installs"]),
        ),
        description=best.entry.description,
        install=sources.plain_recipe(best),
        installed=any(r.installed for r in group),
        flags=list(flags),
        flag_notes=dict(meaning),
        category=best.entry.category,
        stars=stars,
        stars_at=next((r.stars_at for r in group if stars is not None and r.stars == stars), None),
        pushed_at=pushed,
        installs=installs,
        matched=list(matched),
        also_in=options,
        also_named=also_named,
        # What a plugin does is in what it ships more than in its blurb; Claude, reading these
        # results in /agentops-discover, judges the fit from both.
        contains=component_counts(best.entry) if best.entry.components_read else None,
        component_names=[c.name for c in best.entry.components if c.kind in _NAMED_KINDS][
            :SHOWN_COMPONENTS
        ]
        if best.entry.components_read
        else None,
        plugin_id=best.id,
        explain=lines,
    )
