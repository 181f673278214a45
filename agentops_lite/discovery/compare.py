"""`show`, `compare` and `similar`: every stored fact about a plugin, side by side, and its kin."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pydantic import Field

from agentops_lite.catalog.listings import fold, preference
from agentops_lite.discovery.plugin_facts import InstallOption, InstallRecipe
from agentops_lite.errors import NotFoundError, UsageError
from agentops_lite.models import Component, OutputModel, Problem

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.rank import Hit
    from agentops_lite.models import PluginRecord

CHARS_PER_TOKEN = 4  # rough estimate for English prose
ALWAYS_LOADED = ("command", "agent", "skill")  # their descriptions sit in Claude's context


class RiskItem(OutputModel):
    kind: str = Field(description="hook, mcp or lsp")
    name: str
    command: str | None = Field(description="What runs on your machine (None: not declared)")


class ContextCost(OutputModel):
    chars: int = Field(description="Characters of descriptions Claude always loads")
    tokens: int = Field(description="Estimate: chars / 4")


class PluginDetails(OutputModel):
    plugin: str
    marketplace: str
    marketplace_name: str | None
    description: str | None
    version: str | None
    author: str | None
    homepage: str | None
    repository: str | None
    license: str | None
    category: str | None
    keywords: list[str]
    tags: list[str]
    source: str = Field(description="Where its files come from")
    components: list[Component]
    component_counts: dict[str, int]
    runs_on_your_machine: list[RiskItem] = Field(description="Hooks, MCP and LSP servers")
    stars: int | None
    pushed_at: datetime | None
    archived: bool
    installs: int | None
    installed: bool
    problems: list[Problem]
    flags: list[str]
    context_cost: ContextCost
    install: InstallRecipe
    other_listings: list[InstallOption] = Field(description="Other marketplaces listing it")


def context_cost(r: PluginRecord) -> ContextCost:
    chars = sum(
        len(c.name) + len(c.description or "")
        for c in r.entry.components
        if c.kind in ALWAYS_LOADED
    )
    return ContextCost(chars=chars, tokens=(chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)


def resolve(catalog: Catalog, ident: str) -> list[PluginRecord]:
    """`plugin` or `plugin@marketplace` -> matching listings (best first); NotFoundError else."""
    name, _, market = ident.partition("@")
    if not name:
        raise UsageError("give a plugin name, e.g. commit-commands@claude-plugins-official")
    found = catalog.plugins(name=name)
    if market:
        m = market.lower()
        found = [
            r
            for r in found
            if r.marketplace_key.lower() == m or (r.marketplace_name or "").lower() == m
        ]
    if not found:
        from difflib import get_close_matches

        names = [r[0] for r in catalog.conn.execute("SELECT DISTINCT name FROM plugins")]
        near = get_close_matches(name, names, n=3)
        hint = f"did you mean {', '.join(near)}?" if near else "try `agentops-lite discover`"
        raise NotFoundError(f"no plugin {ident!r} in the catalog", hint=hint)
    return sorted(found, key=preference)


def _same_plugin(catalog: Catalog, r: PluginRecord) -> list[PluginRecord]:
    others = [o for o in catalog.plugins(name=r.name) if o.id != r.id]
    groups = fold([r, *others])
    return [o for o in groups[0] if o.id != r.id]


def show(catalog: Catalog, ident: str, now: datetime | None = None) -> PluginDetails:
    from agentops_lite.discovery.plugin_facts import MarketSources, component_counts, flags_of

    r = resolve(catalog, ident)[0]
    now = now or datetime.now(timezone.utc)
    sources = MarketSources.read(catalog.conn)
    e = r.entry
    return PluginDetails(
        plugin=r.name,
        marketplace=r.marketplace_key,
        marketplace_name=r.marketplace_name,
        description=e.description,
        version=e.version,
        author=e.author,
        homepage=e.homepage,
        repository=e.repository,
        license=e.license,
        category=e.category,
        keywords=list(e.keywords),
        tags=list(e.tags),
        source=e.source.describe(),
        components=list(e.components),
        component_counts=component_counts(e),
        runs_on_your_machine=[
            RiskItem(kind=c.kind, name=c.name, command=c.command)
            for c in e.components
            if c.kind in ("hook", "mcp", "lsp")
        ],
        stars=r.stars,
        pushed_at=r.pushed_at,
        archived=r.archived,
        installs=r.installs,
        installed=r.installed,
        problems=list(e.problems),
        flags=flags_of(r, now, 0),
        context_cost=context_cost(r),
        install=sources.recipe(r),
        other_listings=[sources.option(o) for o in _same_plugin(catalog, r)],
    )


class CompareResult(OutputModel):
    plugins: list[PluginDetails]
    overlapping_names: dict[str, list[str]] = Field(
        description="command/skill/agent name -> the plugins that both define it (they collide)"
    )
    recommendation: str = Field(description="plugin@marketplace of the suggested pick")
    reasons: list[str]


def _merit(d: PluginDetails, now: datetime) -> tuple[float, list[str]]:
    import math

    score, why = 0.0, []
    if d.archived:
        score -= 3
        why.append("archived")
    errors = sum(p.severity == "error" for p in d.problems)
    if errors:
        score -= 2
        why.append(f"{errors} manifest error(s)")
    if d.stars is not None:
        score += math.log10(1 + d.stars)
    if d.installs is not None:
        score += math.log10(1 + d.installs)
    if d.pushed_at is not None:
        when = d.pushed_at if d.pushed_at.tzinfo else d.pushed_at.replace(tzinfo=timezone.utc)
        age = (now - when).days
        score += max(0.0, 1 - age / 365)
        if age > 365:
            why.append("not updated for over a year")
    score += min(1.0, len(d.components) / 10)
    score -= d.context_cost.tokens / 4000  # always-on context is paid in every session
    if d.runs_on_your_machine:
        score -= 0.2
    return score, why


def compare(catalog: Catalog, idents: list[str], now: datetime | None = None) -> CompareResult:
    if len(idents) < 2:
        raise UsageError("compare needs at least two plugins")
    now = now or datetime.now(timezone.utc)
    details = [show(catalog, i, now) for i in idents]
    labels = [f"{d.plugin}@{d.marketplace}" for d in details]
    repeated = sorted({x for x in labels if labels.count(x) > 1})
    if repeated:
        raise UsageError(
            f"{', '.join(repeated)} is named more than once",
            hint="compare different plugins, or one plugin's listings as PLUGIN@MARKETPLACE",
        )
    owners: dict[str, list[str]] = {}
    for d, label in zip(details, labels, strict=True):
        for c in {(c.kind, c.name) for c in d.components if c.kind in ALWAYS_LOADED}:
            owners.setdefault(f"{c[0]}:{c[1]}", []).append(label)
    overlap = {k: v for k, v in sorted(owners.items()) if len(set(v)) > 1}
    merits = [(_merit(d, now), d) for d in details]
    (best_score, _), best = max(merits, key=lambda m: m[0][0])
    reasons = [
        f"{d.plugin}@{d.marketplace}: " + ", ".join(why)
        for (_, why), d in merits
        if why and d is not best
    ]
    lead = [f"best balance of popularity, freshness, health and context cost ({best_score:.2f})"]
    if best.stars is not None:
        lead.append(f"{best.stars} stars")
    lead.append(f"~{best.context_cost.tokens} tokens of always-on context")
    if overlap:
        lead.append(f"{len(overlap)} overlapping component names: install only one of them")
    return CompareResult(
        plugins=details,
        overlapping_names=overlap,
        recommendation=f"{best.plugin}@{best.marketplace}",
        reasons=lead + reasons,
    )


def similar(catalog: Catalog, ident: str, limit: int = 10) -> tuple[PluginRecord, list[Hit]]:
    """The plugins nearest to `ident`, by its own name, keywords, category and blurb."""
    from agentops_lite.discovery.rank import discover

    r = resolve(catalog, ident)[0]
    e = r.entry
    text = " ".join(
        [
            r.name.replace("-", " "),
            " ".join(e.keywords[:8]),
            e.category or "",
            " ".join((e.description or "").split()[:20]),
        ]
    )
    skip = frozenset({r.id} | {o.id for o in _same_plugin(catalog, r)})
    result = discover(catalog, text, limit=limit + 5, exclude=skip)
    hits = [h for h in result.results if h.plugin != r.name]
    return r, hits[:limit]
