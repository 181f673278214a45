"""`show`, `compare` and `similar`: every stored fact about a plugin, side by side, and its kin."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pydantic import Field

from agentops_lite.catalog.listings import fold, preference
from agentops_lite.discovery.install_lines import InstallOption, InstallRecipe
from agentops_lite.discovery.quality import QualityScore
from agentops_lite.discovery.trust import TrustSurface
from agentops_lite.errors import NotFoundError, UsageError
from agentops_lite.models import Component, OutputModel, Problem

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.rank_models import Hit
    from agentops_lite.models import PluginRecord

CHARS_PER_TOKEN = 4  # rough estimate for English prose
ALWAYS_LOADED = ("command", "agent", "skill")  # their descriptions sit in Claude's context


class RiskItem(OutputModel):
    kind: str = Field(description="hook, mcp or lsp")
    name: str
    command: str | None = Field(description="What runs on your machine (None: not declared)")


class ContextCost(OutputModel):
    chars: int | None = Field(
        description="Characters of descriptions Claude always loads; null: files not read"
    )
    tokens: int | None = Field(description="Estimate: chars / 4; null: files not read")


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
    components_read: bool = Field(
        description="Its files were read; false: components, context cost and what runs on "
        "your machine are unknown (null), not none"
    )
    components: list[Component] | None = Field(description="null: files not read")
    component_counts: dict[str, int] | None = Field(description="null: files not read")
    runs_on_your_machine: list[RiskItem] | None = Field(
        description="Hooks, MCP and LSP servers; null: files not read. When files were not "
        "read (components_read false) the list holds only what the manifest declares"
    )
    stars: int | None = Field(description="Stargazers; null: unknown (not 0)")
    stars_at: datetime | None = Field(description="When that star count was recorded")
    pushed_at: datetime | None
    archived: bool
    installs: int | None
    installed: bool
    problems: list[Problem]
    flags: list[str]
    flag_notes: dict[str, str] = Field(description="What each flag means for this listing")
    context_cost: ContextCost
    install: InstallRecipe
    other_listings: list[InstallOption] = Field(description="Other marketplaces listing it")
    also_named: list[str] = Field(
        default_factory=list,
        description="Other names it has in the same marketplace (the `duplicate` flag): one "
        "plugin under several names",
    )
    # Trust and quality (issue 22): computed in discovery/trust.py and discovery/quality.py.
    trust: TrustSurface | None = Field(
        default=None, description="What it runs and reaches, its pinning and marketplace tier"
    )
    quality: QualityScore | None = Field(default=None, description="Static quality score")


def context_cost(r: PluginRecord) -> ContextCost:
    if not r.entry.components_read:
        return ContextCost(chars=None, tokens=None)
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
    from agentops_lite.discovery.plugin_facts import (
        MarketSources,
        alias_names,
        component_counts,
        flag_notes,
        flags_of,
    )

    r = resolve(catalog, ident)[0]
    now = now or datetime.now(timezone.utc)
    sources = MarketSources.read(catalog.conn)
    e = r.entry
    aliases = alias_names(catalog.conn, [r])[r.id]
    flags = flags_of(r, now, len(aliases))
    risks = [
        RiskItem(kind=c.kind, name=c.name, command=c.command)
        for c in e.components
        if c.kind in ("hook", "mcp", "lsp")
    ]
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
        components_read=e.components_read,
        components=list(e.components) if e.components_read else None,
        component_counts=component_counts(e) if e.components_read else None,
        # What the manifest alone declares is known even when the files were not read.
        runs_on_your_machine=risks if e.components_read or risks else None,
        stars=r.stars,
        stars_at=r.stars_at,
        pushed_at=r.pushed_at,
        archived=r.archived,
        installs=r.installs,
        installed=r.installed,
        problems=list(e.problems),
        flags=flags,
        flag_notes=flag_notes(r, flags, aliases),
        context_cost=context_cost(r),
        install=sources.recipe(r),
        other_listings=[sources.option(o) for o in _same_plugin(catalog, r)],
        also_named=aliases,
        **_trust_and_quality(catalog, r, now),
    )


def _trust_and_quality(catalog: Catalog, r: PluginRecord, now: datetime) -> dict[str, object]:
    from agentops_lite.discovery.quality import quality_of
    from agentops_lite.discovery.trust import trust_surface

    return {"trust": trust_surface(catalog, r), "quality": quality_of(r, now)}


class CompareResult(OutputModel):
    plugins: list[PluginDetails]
    overlapping_names: dict[str, list[str]] = Field(
        description="command/skill/agent name -> the plugins that both define it (they collide)"
    )
    recommendation: str | None = Field(
        description="plugin@marketplace of the suggested pick; null when the known facts do "
        "not tell them apart"
    )
    reasons: list[str]
    compared_on: list[str] = Field(
        description="Criteria known for every plugin compared (the only ones that count)"
    )


def _criteria(d: PluginDetails, now: datetime) -> dict[str, float | None]:
    """Each criterion's merit for one plugin; None where the fact is unknown."""
    import math

    age = None
    if d.pushed_at is not None:
        when = d.pushed_at if d.pushed_at.tzinfo else d.pushed_at.replace(tzinfo=timezone.utc)
        age = (now - when).days
    read = d.components_read
    return {
        "archived": -3.0 if d.archived else 0.0,
        "manifest errors": -2.0 if any(p.severity == "error" for p in d.problems) else 0.0,
        "stars": None if d.stars is None else math.log10(1 + d.stars),
        "installs": None if d.installs is None else math.log10(1 + d.installs),
        "freshness": None if age is None else max(0.0, 1 - age / 365),
        "components": min(1.0, len(d.components or ()) / 10) if read else None,
        # Always-on context is paid in every session.
        "context cost": -(d.context_cost.tokens or 0) / 4000 if read else None,
        "runs code": (-0.2 if d.runs_on_your_machine else 0.0) if read else None,
    }


def _why(d: PluginDetails, now: datetime) -> list[str]:
    why = []
    if d.archived:
        why.append("archived")
    errors = sum(p.severity == "error" for p in d.problems)
    if errors:
        why.append(f"{errors} manifest error(s)")
    if d.pushed_at is not None:
        when = d.pushed_at if d.pushed_at.tzinfo else d.pushed_at.replace(tzinfo=timezone.utc)
        if (now - when).days > 365:
            why.append("not updated for over a year")
    return why


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
        for c in {(c.kind, c.name) for c in d.components or () if c.kind in ALWAYS_LOADED}:
            owners.setdefault(f"{c[0]}:{c[1]}", []).append(label)
    overlap = {k: v for k, v in sorted(owners.items()) if len(set(v)) > 1}
    # A criterion counts only where it is known for every plugin compared: an unknown is
    # neither a merit nor a fault, so it cannot tip the recommendation.
    table = [_criteria(d, now) for d in details]
    used = [k for k in table[0] if all(t[k] is not None for t in table)]
    skipped = [k for k in table[0] if k not in used]
    scores = [sum(t[k] or 0.0 for k in used) for t in table]
    best_score = max(scores)
    leaders = [i for i, s in enumerate(scores) if abs(s - best_score) < 1e-9]
    unknown = []
    for k in skipped:
        missing = [labels[i] for i, t in enumerate(table) if t[k] is None]
        unknown.append(f"{k}: unknown for {', '.join(missing)}, so not compared")
    if len(leaders) > 1:
        return CompareResult(
            plugins=details,
            overlapping_names=overlap,
            recommendation=None,
            reasons=["no recommendation: what is known does not tell them apart", *unknown],
            compared_on=used,
        )
    best = details[leaders[0]]
    lead = [f"best on what is known for all of them ({', '.join(used)}): {best_score:.2f}"]
    if "stars" in used and best.stars is not None:
        lead.append(f"{best.stars} stars")
    if "context cost" in used:
        lead.append(f"~{best.context_cost.tokens} tokens of always-on context")
    if overlap:
        lead.append(f"{len(overlap)} overlapping component names: install only one of them")
    reasons = [
        f"{label}: " + ", ".join(why)
        for d, label in zip(details, labels, strict=True)
        if d is not best and (why := _why(d, now))
    ]
    return CompareResult(
        plugins=details,
        overlapping_names=overlap,
        recommendation=f"{best.plugin}@{best.marketplace}",
        reasons=lead + reasons + unknown,
        compared_on=used,
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
    from agentops_lite.discovery.plugin_facts import alias_names

    # Itself, under any of its names (an alias in its marketplace is the same plugin).
    aliases = alias_names(catalog.conn, [r])[r.id]
    same = [o for n in aliases for o in catalog.plugins(r.marketplace_key, n)]
    skip = frozenset({r.id} | {o.id for o in [*_same_plugin(catalog, r), *same]})
    result = discover(catalog, text, limit=limit + 5, exclude=skip)
    names = {r.name.lower(), *(n.lower() for n in aliases)}
    hits = [h for h in result.results if h.plugin.lower() not in names]
    return r, hits[:limit]
