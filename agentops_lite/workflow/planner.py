"""`workflow plan`: turn a goal into a workflow that follows it and always validates.

The goal is read as needs in the user's order (`discovery.goal`; or the needs come in directly,
split by Claude); each need gets one fitting plugin (`discovery.needs`) and becomes a step that
names the component to use. Needs said to run together become a parallel block; a condition
("deploy if the tests pass, otherwise debug") becomes a gate step reporting `passed` and a
conditional on it. A deploy step is retried once and rolled back on failure. Nothing is added
that the goal did not ask for, except a test gate a condition needs (marked as added).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agentops_lite.discovery.goal import deploys
from agentops_lite.workflow.model import Workflow

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.goal import Need
    from agentops_lite.discovery.needs import NeedPick

_WORD = re.compile(r"[a-z0-9]+")


def plan(
    catalog: Catalog,
    goal: str,
    *,
    needs: Sequence[Need] | None = None,
    use: Sequence[str] = (),
) -> Workflow:
    """Plan a workflow for `goal` (or for the `needs` given) from the catalog."""
    return plan_goal(catalog, goal, needs=needs, use=use)[0]


def plan_goal(
    catalog: Catalog,
    goal: str,
    *,
    needs: Sequence[Need] | None = None,
    use: Sequence[str] = (),
) -> tuple[Workflow, list[NeedPick]]:
    """The workflow and the pick behind each of its steps."""
    from agentops_lite.discovery.goal import parse_goal
    from agentops_lite.discovery.needs import pick_for_needs
    from agentops_lite.errors import UsageError

    if not goal.strip() and not needs:
        raise UsageError("the goal is empty", hint='e.g. agentops-lite workflow plan "…"')
    wanted = list(needs) if needs else parse_goal(goal)
    if not wanted:
        raise UsageError(
            "no need found in the goal", hint='say what to do, or pass --need "…" for each need'
        )
    picks = pick_for_needs(catalog, wanted, use=use)
    return build(goal or "; ".join(n.text for n in wanted), picks), picks


def _slug(text: str, limit: int = 6) -> str:
    from agentops_lite.search.tokens import STOPWORDS

    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS][:limit]
    slug = "-".join(words)[:60].strip("-") or "step"
    # A condition reads "1.passed" as the number 1: an id starts with a letter.
    return slug if slug[0].isalpha() else f"step-{slug}"


def _step(pick: NeedPick, sid: str, previous: Sequence[str]) -> dict[str, Any]:
    step: dict[str, Any] = {"type": "step", "id": sid}
    need = pick.need[:1].upper() + pick.need[1:]
    if pick.plugin is not None:
        step["plugin"] = pick.plugin.plugin
        step["marketplace"] = pick.plugin.marketplace
        if pick.use is not None:
            step[pick.use.kind] = pick.use.name
            how = f"Use {pick.use.usage} from the {pick.plugin.plugin} plugin."
        elif pick.plugin.contains:
            how = f"Use the {pick.plugin.plugin} plugin."
        else:
            how = (
                f"Use the {pick.plugin.plugin} plugin (its commands and skills were not read; "
                "`/plugin` lists them once it is installed)."
            )
        step["instructions"] = f"{need}. {how}"
    else:
        step["instructions"] = f"{need}. No plugin in the catalog fits this need: do it directly."
    if pick.added:
        step["description"] = "Added by the planner: the goal's condition needs this check."
    # The first step gets the goal for context; later ones get what came before (the goal in
    # every step's inputs would repeat it in every instruction Claude reads).
    # After a parallel block, every branch's result: the step after "scan, review and test
    # at the same time" needs all three findings, not the last branch's.
    if len(previous) == 1:
        step["inputs"] = {"previous": f"${{{previous[0]}.output}}"}
    elif previous:
        step["inputs"] = {p: f"${{{p}.output}}" for p in previous}
    else:
        step["inputs"] = {"goal": "${inputs.goal}"}
    if pick.role == "gate" and pick.check == "found":
        step["outputs"] = ["found"]
        step["instructions"] += (
            ' Report {"found": true|false, "summary": "…"}: found is true when the answer'
            " is yes (you found what it looks for, or the condition holds)."
        )
    elif pick.role == "gate":
        step["outputs"] = ["passed"]
        step["retry"] = 1
        step["instructions"] += ' Report {"passed": true|false, "summary": "…"}.'
    if deploys(pick.need):
        step["retry"] = 1
        step["on_failure"] = "rollback"
        rollback: dict[str, Any] = {
            "instructions": f"Undo what step {sid} did: restore the previous release "
            f"(it reported: ${{{sid}.output}})",
        }
        if pick.plugin is not None:
            rollback["plugin"] = pick.plugin.plugin
            rollback["marketplace"] = pick.plugin.marketplace
        step["rollback"] = rollback
    return step


def build(goal: str, picks: Sequence[NeedPick], *, name: str | None = None) -> Workflow:
    """A workflow from the picks, in their order and structure (see the module docstring)."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for pick in picks:
        base = _slug(pick.need, 3)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    nodes: list[dict[str, Any]] = []
    previous: list[str] = []
    i = 0
    while i < len(picks):
        pick = picks[i]
        if pick.parallel_group is not None and pick.role == "step":
            j = i
            while j < len(picks) and picks[j].parallel_group == pick.parallel_group:
                j += 1
            branches = [_step(picks[k], ids[k], previous) for k in range(i, j)]
            if len(branches) > 1:
                nodes.append({"type": "parallel", "branches": branches})
            else:
                nodes.extend(branches)
            previous = ids[i:j]
            i = j
            continue
        if pick.role == "gate":
            # Checks the goal runs together ("… in parallel, then deploy if they all pass")
            # are one parallel block, and the branches test all of them.
            j = i + 1
            while (
                pick.parallel_group is not None
                and j < len(picks)
                and (picks[j].role, picks[j].parallel_group) == ("gate", pick.parallel_group)
            ):
                j += 1
            gates = [_step(picks[k], ids[k], previous) for k in range(i, j)]
            nodes.append(gates[0] if len(gates) == 1 else {"type": "parallel", "branches": gates})
            test = " and ".join(f"{ids[k]}.{picks[k].check or 'passed'}" for k in range(i, j))
            checked = ids[i:j]
            then: list[dict[str, Any]] = []
            other: list[dict[str, Any]] = []
            last_then, last_else = checked, checked
            while j < len(picks) and picks[j].role in ("then", "else"):
                if picks[j].role == "then":
                    then.append(_step(picks[j], ids[j], last_then))
                    last_then = [ids[j]]
                else:
                    other.append(_step(picks[j], ids[j], last_else))
                    last_else = [ids[j]]
                j += 1
            if other:
                # A branch for when it goes wrong ("deploy; if it fails, roll back") must run
                # when the step fails, not only when it reports passed: false.
                for gate in gates:
                    gate["on_failure"] = "continue"
                    gate.pop("rollback", None)
            if then or other:
                nodes.append({"type": "conditional", "if": test, "then": then, "else": other})
            previous = checked
            i = j
            continue
        nodes.append(_step(pick, ids[i], previous))
        previous = [ids[i]]
        i += 1
    doc = {
        "version": 1,
        # Named from the needs, not the raw goal: its "at the same time" or a stray escape
        # sequence's letters would end up in the name.
        "name": name or _slug(" ".join(p.need for p in picks)) or "planned-workflow",
        "description": f"Planned by agentops-lite for: {goal}"[:2000],
        "inputs": {"goal": {"description": "What the work is for", "default": goal}},
        "steps": nodes,
    }
    return Workflow.model_validate(doc)
