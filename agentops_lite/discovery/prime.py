"""`prime INTENT`: primary picks, complementary plugins per lifecycle stage, a suggested order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import Field

from agentops_lite.discovery.intent import STAGES, analyse, stage_query
from agentops_lite.discovery.needs import NeedPick
from agentops_lite.discovery.rank import discover
from agentops_lite.discovery.rank_models import Hit
from agentops_lite.models import OutputModel

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.goal import Need

PRIMARY = 3
PER_STAGE = 3


class StagePick(OutputModel):
    stage: str = Field(description="plan | code | build | test | review | security | docs | ...")
    query: str = Field(description="The search run for this stage")
    picks: list[Hit] = Field(description="Best plugins for the stage, best first")
    chosen: Hit | None = Field(description="The complementary pick (None: primary covers it)")
    reason: str


class PrimeResult(OutputModel):
    intent: str
    keywords: list[str]
    categories: list[str] = Field(description="From agentops_lite.discovery.intent.CATEGORIES")
    stages: list[str] = Field(description="Lifecycle stages the intent touches, in order")
    primary: list[Hit] = Field(description="Top plugins for the whole intent")
    complementary: list[Hit] = Field(description="Cover other stages, no component overlap")
    stage_picks: list[StagePick]
    needs: list[NeedPick] = Field(
        default_factory=list, description="The goal's needs in order, each with its plugin"
    )
    order: list[str] = Field(
        description="Suggested order: plugin@marketplace (need N), in the goal's order"
    )


def _names(hit: Hit, catalog: Catalog) -> set[str]:
    rows = catalog.conn.execute(
        "SELECT components_json FROM plugins WHERE id = ?", (hit.plugin_id,)
    ).fetchone()
    import json

    comps = json.loads(rows[0]) if rows else []
    return {
        f"{c.get('kind')}:{c.get('name')}"
        for c in comps
        if isinstance(c, dict) and c.get("kind") in ("command", "agent", "skill")
    }


def prime(
    catalog: Catalog,
    intent: str,
    *,
    per_stage: int = PER_STAGE,
    needs: Sequence[Need] | None = None,
    use: Sequence[str] = (),
) -> PrimeResult:
    """Analyse `intent` and assemble a kit of plugins for it: one per need of the goal (`needs`
    given, else read from the goal), plus the lifecycle view (primary and stage picks)."""
    from agentops_lite.discovery.goal import parse_goal
    from agentops_lite.discovery.needs import pick_for_needs

    wanted = list(needs) if needs else parse_goal(intent)
    if not intent.strip():
        intent = "; ".join(n.text for n in wanted)
    need_picks = pick_for_needs(catalog, wanted, use=use) if wanted else []
    parsed = analyse(intent)
    # Weak matches are no picks: a kit for "a lasagna recipe" that offers a Google Workspace
    # CLI would be a guess shown as advice (discover still lists them, marked weak).
    found = discover(catalog, intent, limit=PRIMARY)  # UsageError when empty
    primary = [h for h in found.results if h.fit != "weak"]
    taken = {h.plugin_id for h in primary}
    taken_names = {h.plugin for h in primary}
    used: set[str] = set()
    for h in primary:
        used |= _names(h, catalog)
    primary_matched = {m for h in primary[:1] for m in h.matched}
    stage_picks: list[StagePick] = []
    complementary: list[Hit] = []
    for stage in parsed.stages:
        query = stage_query(stage, parsed)
        if not primary:
            # Nothing matches the intent itself: a stage search would match only its stage
            # words ("implement", "test") and offer plugins for some other project.
            reason = "nothing in the catalog matches the intent"
            stage_picks.append(
                StagePick(stage=stage, query=query, picks=[], chosen=None, reason=reason)
            )
            continue
        picks = discover(catalog, query, limit=per_stage + len(taken)).results
        fresh = [h for h in picks if h.plugin_id not in taken and h.plugin not in taken_names]
        chosen = None
        reason = "no plugin in the catalog fits this stage"
        for h in fresh:
            names = _names(h, catalog)
            if names & used:
                continue
            chosen, used = h, used | names
            reason = f"best fit for {stage} that shares no command/skill/agent with the picks"
            break
        if chosen is None and fresh:
            reason = "every candidate overlaps components already chosen"
        covered = set(STAGES[stage][0].split()) & primary_matched
        if chosen is not None and covered and len(parsed.stages) == 1:
            chosen, reason = None, "the primary pick covers it"
        if chosen is not None:
            complementary.append(chosen)
            taken.add(chosen.plugin_id)
            taken_names.add(chosen.plugin)
        stage_picks.append(
            StagePick(
                stage=stage, query=query, picks=fresh[:per_stage], chosen=chosen, reason=reason
            )
        )
    order = [
        f"{p.plugin.plugin}@{p.plugin.marketplace} (need {i})"
        for i, p in enumerate(need_picks, 1)
        if p.plugin is not None and not p.shared
    ]
    if not order:
        order = [f"{h.plugin}@{h.marketplace} (primary)" for h in primary[:1]]
        order += [
            f"{p.chosen.plugin}@{p.chosen.marketplace} ({p.stage})" for p in stage_picks if p.chosen
        ]
    return PrimeResult(
        intent=intent,
        keywords=parsed.keywords,
        categories=parsed.categories,
        stages=parsed.stages,
        primary=primary,
        complementary=complementary,
        stage_picks=stage_picks,
        needs=need_picks,
        order=order,
    )
