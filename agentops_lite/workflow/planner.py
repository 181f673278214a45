"""`workflow plan`: turn an intent and per-stage plugin picks into a workflow that always validates.

Shape: plan → code → build, then the analysis stages (test, review, security, docs) in parallel,
then a gate on the tests: `then` deploys (retried once, rolled back on failure) and monitors,
`else` debugs and fixes. Stages without a pick are left out; with no tests there is no gate.
Plugins come from `prime`: its primary pick does the core work, its complementary picks take
their stages, and stages the intent never named get a plugin only when one fits its topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agentops_lite.workflow.model import Workflow

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import PluginRecord

STAGES = ("plan", "code", "build", "test", "review", "security", "docs", "deploy", "monitor")
ANALYSIS = ("test", "review", "security", "docs")

# Words that pick a stage's plugin (search terms) and words in an intent that ask for the stage.
STAGE_TERMS: dict[str, str] = {
    "plan": "plan planning architecture design spec requirements",
    "code": "code implement feature generate developer",
    "build": "build ci pipeline compile bundle",
    "test": "test testing unit integration coverage",
    "review": "code review quality lint refactor",
    "security": "security vulnerability scan audit",
    "docs": "documentation docs readme api docs",
    "deploy": "deploy deployment release kubernetes docker",
    "monitor": "monitoring observability alerting metrics logs",
}
_ASKS: dict[str, tuple[str, ...]] = {
    "plan": ("plan", "design", "architect", "spec"),
    "code": ("implement", "write", "build", "add", "create", "feature", "code", "refactor"),
    "build": ("build", "ci", "pipeline", "compile", "ship", "deploy", "release"),
    "test": ("test", "ship", "deploy", "release", "ci", "build", "fix", "implement", "feature"),
    "review": ("review", "quality", "pr", "ship", "release", "refactor", "feature"),
    "security": ("secur", "vulnerab", "audit", "deploy", "production", "release", "auth"),
    "docs": ("doc", "readme", "document"),
    "deploy": ("deploy", "ship", "release", "production", "launch", "publish"),
    "monitor": ("monitor", "observab", "alert", "metric", "production"),
}
_WORD = re.compile(r"[a-z0-9]+")


def wanted_stages(intent: str) -> list[str]:
    """The lifecycle stages an intent asks for, in lifecycle order (test and review at least)."""
    words = _WORD.findall(intent.lower())
    stages = [s for s in STAGES if any(w.startswith(a) for w in words for a in _ASKS[s])]
    for must in ("test", "review"):
        if must not in stages:
            stages.append(must)
    return [s for s in STAGES if s in stages]


def _invoke(record: PluginRecord, stage: str) -> dict[str, str]:
    """Pick the component to use: a command that names the stage, else any command/skill/agent."""
    terms = set(STAGE_TERMS[stage].split())
    by_kind: dict[str, list[str]] = {"command": [], "skill": [], "agent": []}
    for c in record.entry.components:
        if c.kind in by_kind:
            by_kind[c.kind].append(c.name)
    for kind in ("command", "skill", "agent"):
        names = by_kind[kind]
        named = [n for n in names if terms & set(_WORD.findall(n.lower()))]
        if named or names:
            return {kind: (named or names)[0]}
    return {}


def _ident(stage: str, i: int, n: int) -> str:
    return stage if n == 1 else f"{stage}-{i + 1}"


def _step(stage: str, sid: str, record: PluginRecord | None, intent: str) -> dict[str, Any]:
    step: dict[str, Any] = {"type": "step", "id": sid}
    if record is not None:
        step["plugin"] = record.name
        step["marketplace"] = record.marketplace_key
        step.update(_invoke(record, stage))
    step["instructions"] = f"{stage.capitalize()} stage for: {intent}"
    step["inputs"] = {"goal": "${inputs.goal}"}
    return step


def build(
    intent: str,
    picks: Sequence[tuple[str, PluginRecord | None]],
    *,
    fixer: PluginRecord | None = None,
    name: str | None = None,
) -> Workflow:
    """A workflow from (stage, plugin) picks; a None plugin means free instructions."""
    by_stage: dict[str, list[PluginRecord | None]] = {}
    for stage, record in picks:
        if stage not in STAGES:
            raise ValueError(f"unknown lifecycle stage {stage!r}")
        by_stage.setdefault(stage, []).append(record)
    ids: dict[str, list[str]] = {
        s: [_ident(s, i, len(rs)) for i, _r in enumerate(rs)] for s, rs in by_stage.items()
    }
    nodes: list[dict[str, Any]] = []
    last_build: str | None = None
    for stage in ("plan", "code", "build"):
        for sid, record in zip(ids.get(stage, []), by_stage.get(stage, []), strict=True):
            step = _step(stage, sid, record, intent)
            if stage == "build" or last_build:
                step["retry"] = 1
            if last_build:
                step["inputs"]["previous"] = f"${{{last_build}.output}}"
            nodes.append(step)
            last_build = sid
    analysis: list[dict[str, Any]] = []
    for stage in ANALYSIS:
        for sid, record in zip(ids.get(stage, []), by_stage.get(stage, []), strict=True):
            step = _step(stage, sid, record, intent)
            if last_build:
                step["inputs"]["build"] = f"${{{last_build}.output}}"
            if stage == "test":
                step["outputs"] = ["passed"]
                step["retry"] = 1
                step["instructions"] += (
                    '. Run the tests and report {"passed": true|false, "summary": …}.'
                )
            else:
                step["on_failure"] = "continue"  # advice, not a gate
            analysis.append(step)
    if len(analysis) > 1:
        nodes.append({"type": "parallel", "branches": analysis})
    else:
        nodes.extend(analysis)
    release = _release(intent, by_stage, ids)
    tests = ids.get("test", [])
    if tests:
        nodes.append(
            {
                "type": "conditional",
                "if": " and ".join(f"{t}.passed" for t in tests),
                "then": release,
                "else": [_fix(intent, fixer, tests)],
            }
        )
    else:
        nodes.extend(release)
    doc = {
        "version": 1,
        "name": name or _slug(intent),
        "description": f"Planned by agentops-lite for: {intent}",
        "inputs": {"goal": {"description": "What the work is for", "default": intent}},
        "steps": nodes,
    }
    return Workflow.model_validate(doc)


def _release(
    intent: str, by_stage: dict[str, list[PluginRecord | None]], ids: dict[str, list[str]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for sid, record in zip(ids.get("deploy", []), by_stage.get("deploy", []), strict=True):
        step = _step("deploy", sid, record, intent)
        step["retry"] = 1
        step["on_failure"] = "rollback"
        rollback: dict[str, Any] = {
            "instructions": f"Undo the deployment made by step {sid}: restore the previous "
            f"release (deployed: ${{{sid}.output}})",
        }
        if record is not None:
            rollback["plugin"] = record.name
            rollback["marketplace"] = record.marketplace_key
        step["rollback"] = rollback
        out.append(step)
    for sid, record in zip(ids.get("monitor", []), by_stage.get("monitor", []), strict=True):
        out.append(_step("monitor", sid, record, intent))
    if not out:
        out.append(
            {
                "type": "step",
                "id": "release",
                "instructions": f"All checks passed: prepare the release (changelog, version, "
                f"tag) for: {intent}",
            }
        )
    return out


def _fix(intent: str, fixer: PluginRecord | None, tests: list[str]) -> dict[str, Any]:
    step = _step("code", "debug-and-fix", fixer, intent)
    if fixer is not None:
        step.update(_invoke(fixer, "test"))
    results = ", ".join(f"${{{t}.output}}" for t in tests)
    step["instructions"] = (
        f"Tests failed ({results}). Find the cause, fix it, and re-run the tests for: {intent}"
    )
    return step


def _slug(intent: str) -> str:
    words = _WORD.findall(intent.lower())[:6]
    return "-".join(words) or "planned-workflow"


# -- choosing plugins from the catalog ------------------------------------------------------
def ranked_picks(
    catalog: Catalog, intent: str, stages: Sequence[str]
) -> list[tuple[str, PluginRecord | None]]:
    """Plugins per stage from `prime`.

    The primary pick (the best plugin for the whole intent) does the core work as a `code`
    step; each stage takes prime's complementary pick, else the best unused plugin for the
    stage's own search (stages the planner adds, such as review, that the intent never named).
    """
    from agentops_lite.catalog.read import query_plugins
    from agentops_lite.discovery.intent import analyse, stage_query, topic_stems
    from agentops_lite.discovery.prime import prime
    from agentops_lite.discovery.rank import discover

    kit = prime(catalog, intent)
    if not kit.primary:  # nothing matches the intent: every step stays instructions
        return [(stage, None) for stage in stages]
    chosen = {p.stage: p.chosen for p in kit.stage_picks if p.chosen is not None}
    primary = kit.primary[0]
    # The same plugin listed in two marketplaces is one plugin: compare names, not rows.
    used = {h.plugin.lower() for h in chosen.values()} | {primary.plugin.lower()}
    parsed = analyse(intent)
    # Words that only frame the request ("fix", "add", "tool") say nothing of its topic.
    topic = topic_stems(parsed.keywords)
    ids: list[tuple[str, int | None]] = []
    # prime's picks keep their stages even where the planner would not have asked for one.
    for stage in [s for s in STAGES if s in stages or s in chosen]:
        hit = chosen.get(stage)
        if hit is None and stage == "code":
            hit = primary  # the best plugin for the whole intent does the core work
        elif hit is None:
            found = discover(catalog, stage_query(stage, parsed), limit=5).results
            # A stage the intent never named (review, say) takes only a plugin that fits the
            # intent's topic; a generic one would be noise, so the step stays instructions.
            hit = next(
                (
                    h
                    for h in found
                    if h.plugin.lower() not in used
                    and (stage in parsed.stages or topic & topic_stems(h.matched))
                ),
                None,
            )
        if hit is not None:
            used.add(hit.plugin.lower())
        ids.append((stage, hit.plugin_id if hit else None))
    if all(pid != primary.plugin_id for _, pid in ids):
        ids.insert(0, ("code", primary.plugin_id))
    wanted = [pid for _, pid in ids if pid is not None]
    records = {r.id: r for r in query_plugins(catalog.conn, ids=wanted)} if wanted else {}
    return [(stage, records.get(pid) if pid else None) for stage, pid in ids]


def plan(catalog: Catalog, intent: str) -> Workflow:
    """Plan a workflow for `intent` from the catalog (plugins per stage; free steps otherwise)."""
    stages = wanted_stages(intent)
    picks = ranked_picks(catalog, intent, stages)
    fixer = None
    if "test" in stages and any(r is not None for _, r in picks):
        fixer = _debugger(catalog, intent, {r.name.lower() for _, r in picks if r is not None})
    return build(intent, picks, fixer=fixer)


def _debugger(catalog: Catalog, intent: str, used: set[str]) -> PluginRecord | None:
    """The plugin that debugs failing tests for this intent's project (not one already used)."""
    from agentops_lite.catalog.read import query_plugins
    from agentops_lite.discovery.intent import analyse
    from agentops_lite.discovery.rank import discover

    topic = " ".join(analyse(intent).keywords[:4])
    found = discover(catalog, f"debug fix failing tests {topic}", limit=10).results
    hit = next((h for h in found if h.plugin.lower() not in used), None)
    records = query_plugins(catalog.conn, ids=[hit.plugin_id]) if hit else []
    return records[0] if records else None
