"""Turn the founding design's seed shapes (and loose spellings of ours) into the version-1 format.

Seed shapes (../shared/seed-workflows), accepted exactly as written:
  {"workflow": "sequential", "plugins": [{"id", "marketplace"?, "wait"?}…]}
  {"workflow": "parallel", "plugins": [...], "aggregate": "step-id"}
  {"workflow": "conditional", "if": "step.field", "then": [ids], "else": [ids]}
A seed plugin's `id` names the plugin as well as the step. Consecutive `"wait": false` entries
form one parallel group (they need not block each other); the next waiting entry runs after them.
"""

from __future__ import annotations

from typing import Any

from agentops_lite.models import Problem

SEED_KINDS = ("sequential", "parallel", "conditional")
_NO_WAIT = "\0no-wait"  # a marker key removed before the document leaves this module


def _problem(path: str, message: str, code: str) -> Problem:
    return Problem(severity="error", path=path, message=message, code=code)


def is_seed(doc: Any) -> bool:
    return isinstance(doc, dict) and "version" not in doc and "workflow" in doc


def normalise(doc: Any) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Our-format dict (not yet validated) from a seed shape or our own format."""
    if not isinstance(doc, dict):
        got = type(doc).__name__
        return None, [_problem("", f"a workflow is a JSON object, not {got}", "not-an-object")]
    if not is_seed(doc):
        out = dict(doc)
        if isinstance(out.get("steps"), list):
            out["steps"] = [_with_type(n) for n in out["steps"]]
        return out, []
    problems: list[Problem] = []
    kind = doc.get("workflow")
    if not isinstance(kind, str) or kind not in SEED_KINDS:
        problems.append(
            _problem(
                "workflow",
                f"unknown seed workflow kind {kind!r}; expected one of {', '.join(SEED_KINDS)}",
                "seed-kind",
            )
        )
        return None, problems
    known = {"workflow", "plugins", "aggregate", "if", "then", "else", "name", "description"}
    problems.extend(
        _problem(str(k), f"unknown key {k!r} in a seed workflow", "unknown-key")
        for k in doc
        if k not in known
    )
    name = str(doc["name"]) if isinstance(doc.get("name"), str) else str(kind)
    steps: list[Any] = []
    if kind == "conditional":
        cond = doc.get("if")
        if not isinstance(cond, str):
            problems.append(_problem("if", "`if` must be a condition string", "seed-if"))
            cond = "false"
        node = {
            "type": "conditional",
            "if": cond,
            "then": _group_waits(_seed_list(doc.get("then", []), "then", problems)),
            "else": _group_waits(_seed_list(doc.get("else", []), "else", problems)),
        }
        steps = [node]
    else:
        entries = _seed_list(doc.get("plugins", []), "plugins", problems)
        if kind == "parallel":
            # `wait` is moot here: a parallel workflow's plugins never block each other.
            steps = [_parallel(entries, doc.get("aggregate"), problems)] if entries else []
        else:
            steps = _group_waits(entries)
    result: dict[str, Any] = {"version": 1, "name": name, "steps": steps}
    if isinstance(doc.get("description"), str):
        result["description"] = doc["description"]
    return result, problems


def _seed_step(entry: Any, path: str, problems: list[Problem]) -> dict[str, Any] | None:
    if isinstance(entry, str):
        entry = {"id": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        problems.append(_problem(path, 'expected a plugin id or {"id": …}', "seed-entry"))
        return None
    step: dict[str, Any] = {"type": "step", "id": entry["id"], "plugin": entry["id"]}
    for key, value in entry.items():
        if key in ("id", "wait"):
            continue
        if key == "plugin" and isinstance(value, str):
            step["plugin"] = value
        elif key in ("marketplace", "command", "skill", "agent", "instructions", "inputs"):
            step[key] = value
        elif key in ("retry", "on_failure", "outputs", "rollback", "description"):
            step[key] = value
        else:
            problems.append(
                _problem(f"{path}.{key}", f"unknown key {key!r} in a seed entry", "unknown-key")
            )
    if "wait" in entry and not isinstance(entry["wait"], bool):
        problems.append(_problem(f"{path}.wait", "`wait` must be true or false", "seed-wait"))
    if entry.get("wait") is False:
        step[_NO_WAIT] = True
    return step


def _seed_list(value: Any, path: str, problems: list[Problem]) -> list[dict[str, Any]]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(_problem(path, f"`{path}` must be a list of plugin ids", "seed-list"))
        return []
    steps = [_seed_step(e, f"{path}[{i}]", problems) for i, e in enumerate(value)]
    return [s for s in steps if s is not None]


def _parallel(
    entries: list[dict[str, Any]], aggregate: Any, problems: list[Problem]
) -> dict[str, Any]:
    for e in entries:
        e.pop(_NO_WAIT, None)
    node: dict[str, Any] = {"type": "parallel", "branches": entries}
    if aggregate is not None:
        agg = _seed_step(aggregate, "aggregate", problems)
        if agg is not None:
            node["aggregate"] = agg
    return node


def _group_waits(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs of `"wait": false` entries become parallel groups; the rest stay in order."""
    out: list[dict[str, Any]] = []
    group: list[dict[str, Any]] = []

    def flush() -> None:
        if group:
            out.append(group[0] if len(group) == 1 else {"type": "parallel", "branches": group[:]})
            group.clear()

    for step in entries:
        if step.pop(_NO_WAIT, False):
            group.append(step)
            continue
        flush()
        out.append(step)
    flush()
    return out


def _with_type(node: Any) -> Any:
    """Our format, tolerant: a node without `type` gets the one its keys imply."""
    if not isinstance(node, dict):
        return node
    out = dict(node)
    if "type" not in out:
        if "branches" in out:
            out["type"] = "parallel"
        elif "if" in out:
            out["type"] = "conditional"
        elif "steps" in out:
            out["type"] = "sequential"
        else:
            out["type"] = "step"
    for key in ("steps", "branches", "then", "else"):
        if isinstance(out.get(key), list):
            out[key] = [_with_type(n) for n in out[key]]
    if isinstance(out.get("aggregate"), dict):
        out["aggregate"] = {"type": "step", **out["aggregate"]}
    return out
