"""Check a workflow document and report every problem with its path; never raises on bad input."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from agentops_lite.models import Problem
from agentops_lite.workflow import expr
from agentops_lite.workflow.model import (
    ConditionalNode,
    Node,
    ParallelNode,
    SequentialNode,
    StepNode,
    Workflow,
    canon,
    iter_steps,
    rollback_id,
)
from agentops_lite.workflow.normalise import is_seed, normalise

if TYPE_CHECKING:
    from agentops_lite.workflow.resolve import PluginIndex

RESERVED_FIELDS = {"output", "artifacts", "status", "attempts", "error", "inputs"}
MAX_WORKFLOW_BYTES = 8 * 1024 * 1024


class WorkflowReport(BaseModel):
    """The verdict on one workflow document."""

    source: str = Field(description="File path, or `-` for a document given in memory")
    format: Literal["v1", "seed", "unknown"] = Field(description="seed: a founding-design shape")
    name: str | None = None
    steps: int = Field(default=0, description="Steps, aggregates included, rollbacks not")
    errors: int = 0
    warnings: int = 0
    problems: list[Problem] = Field(default_factory=list)
    workflow: Workflow | None = Field(
        default=None, description="The normalised document when it parsed", exclude=True
    )

    @property
    def ok(self) -> bool:
        return self.errors == 0


def _err(path: str, message: str, code: str) -> Problem:
    return Problem(severity="error", path=path, message=message, code=code)


def _warn(path: str, message: str, code: str) -> Problem:
    return Problem(severity="warning", path=path, message=message, code=code)


def load_file(path: Path) -> tuple[Any, list[Problem]]:
    from agentops_lite.parse.safejson import load_json

    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [_err("", f"cannot read {path}: {exc.strerror or exc}", "unreadable")]
    doc, problem = load_json(data, max_bytes=MAX_WORKFLOW_BYTES)
    return doc, [problem] if problem else []


def check(doc: Any, index: PluginIndex | None = None, source: str = "-") -> WorkflowReport:
    """Normalise, parse and check `doc`; catalog warnings when `index` is given."""
    fmt: Literal["v1", "seed", "unknown"] = "seed" if is_seed(doc) else "v1"
    if not isinstance(doc, dict):
        fmt = "unknown"
    data, problems = normalise(doc)
    workflow: Workflow | None = None
    if data is not None:
        try:
            workflow = Workflow.model_validate(data)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc))
        except RecursionError:
            problems.append(_err("", "workflow nested too deeply", "too-deep"))
    if workflow is not None:
        try:
            problems.extend(structure(workflow))
            if index is not None:
                problems.extend(catalog_problems(workflow, index))
        except RecursionError:
            problems.append(_err("", "workflow nested too deeply", "too-deep"))
    errors = sum(p.severity == "error" for p in problems)
    return WorkflowReport(
        source=source,
        format=fmt,
        name=workflow.name if workflow else None,
        steps=sum(1 for _ in iter_steps(workflow.steps, "steps")) if workflow else 0,
        errors=errors,
        warnings=len(problems) - errors,
        problems=problems,
        workflow=workflow if errors == 0 else None,
    )


_TAGS = {"step", "sequential", "parallel", "conditional"}


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for e in exc.errors(include_url=False):
        path = ""
        loc = list(e["loc"])
        for i, part in enumerate(loc):
            if isinstance(part, int):
                path += f"[{part}]"
            elif part in _TAGS and i > 0 and isinstance(loc[i - 1], int):
                continue  # pydantic puts the union member's tag in the location; not a key
            else:
                path += f".{part}" if path else str(part)
        message = str(e["msg"])
        if e["type"] == "extra_forbidden":
            message = "unknown key (typo?)"
        key = (path, message)
        if key not in seen:
            seen.add(key)
            out.append(_err(path, message, f"schema-{e['type']}"))
    return out


@dataclass
class _Walk:
    ids: dict[str, str]  # canonical id -> path of its definition
    rollbacks: set[str]
    inputs: set[str]
    outputs: dict[str, list[str]]
    problems: list[Problem] = field(default_factory=list)
    # (from step, to step, problem): ordering errors, dropped when the edge is part of a cycle
    order: list[tuple[str, str, Problem]] = field(default_factory=list)
    edges: dict[str, set[str]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)  # steps surely finished at the walk's point


def structure(wf: Workflow) -> list[Problem]:
    """Duplicate ids, references, conditions, cycles: problems independent of the catalog."""
    w = _Walk(ids={}, rollbacks=set(), inputs={canon(k) for k in wf.inputs}, outputs={})
    for path, _kind, step in iter_steps(wf.steps, "steps"):
        _define(w, step.id, f"{path}.id")
        w.outputs[canon(step.id)] = step.outputs
        if step.rollback is not None:
            rid = rollback_id(step)
            _define(w, rid, f"{path}.rollback" + (".id" if step.rollback.id else ""))
            w.rollbacks.add(canon(rid))
    if not w.ids:
        # Nothing would run: a run of it would "succeed" at once without doing anything.
        w.problems.append(
            _err("steps", "the workflow has nothing to run: no steps and no plugins", "empty")
        )
    _seq(w, wf.steps, "steps")
    cyclic = _cycles(w)
    w.problems.extend(p for a, b, p in w.order if (a, b) not in cyclic)
    w.problems.extend(_policy_problems(wf))
    return w.problems


def _define(w: _Walk, step_id: str, path: str) -> None:
    key = canon(step_id)
    if key in w.ids:
        w.problems.append(
            _err(path, f"duplicate step id {step_id!r} (first at {w.ids[key]})", "duplicate-id")
        )
    else:
        w.ids[key] = path


def _seq(w: _Walk, nodes: list[Node], path: str) -> list[str]:
    added: list[str] = []
    for i, node in enumerate(nodes):
        added.extend(_node(w, node, f"{path}[{i}]"))
    return added


def _undo(w: _Walk, added: list[str]) -> None:
    w.done.difference_update(added)


def _mark(w: _Walk, keys: Iterator[str] | list[str]) -> list[str]:
    """Add `keys` to the finished set; return those that were not in it (what to undo)."""
    fresh = [k for k in keys if k not in w.done]
    w.done.update(fresh)
    return fresh


def _node(w: _Walk, node: Node, path: str) -> list[str]:
    """Walk `node` with `w.done` as the steps finished before it; leave in `w.done` the steps
    finished after it and return the ones it added.

    One mutable set with undo instead of a set copied per step: validation stays linear in the
    steps (times the nesting of parallel and conditional blocks), not quadratic (issue 16).
    """
    if isinstance(node, StepNode):
        return _step(w, node, path)
    if isinstance(node, SequentialNode):
        if not node.steps:
            w.problems.append(_warn(f"{path}.steps", "empty sequence", "empty"))
        return _seq(w, node.steps, f"{path}.steps")
    if isinstance(node, ParallelNode):
        # Each branch sees only what finished before the block; all of them before the aggregate.
        branches: list[str] = []
        for i, branch in enumerate(node.branches):
            added = _node(w, branch, f"{path}.branches[{i}]")
            _undo(w, added)
            branches.extend(added)
        after = _mark(w, branches)
        if node.aggregate is not None:
            after.extend(_step(w, node.aggregate, f"{path}.aggregate"))
        return after
    _condition(w, node, path)
    then = _seq(w, node.then, f"{path}.then")
    _undo(w, then)
    other = _seq(w, node.else_, f"{path}.else")
    _undo(w, other)
    if not node.then and not node.else_:
        w.problems.append(_warn(path, "conditional with neither `then` nor `else`", "empty"))
    # Only what both branches finish is finished after the block.
    both = set(then)
    return _mark(w, [k for k in other if k in both])


def _condition(w: _Walk, node: ConditionalNode, path: str) -> None:
    try:
        parsed = expr.parse(node.if_)
    except expr.ExprError as exc:
        w.problems.append(_err(f"{path}.if", f"bad condition: {exc}", "bad-condition"))
        return
    for ref in expr.paths(parsed):
        _ref(w, ref, f"{path}.if", None, in_condition=True)


def _step(w: _Walk, step: StepNode, path: str) -> list[str]:
    me = canon(step.id)
    for where, text in _strings(step, path):
        _template(w, text, where, me)
    mine = _mark(w, [me])
    if step.rollback is not None:
        # A rollback runs only after its step completed, so it may read that step too.
        for where, text in _strings(step.rollback, f"{path}.rollback"):
            _template(w, text, where, canon(rollback_id(step)))
    return mine


def _strings(action: Any, path: str) -> Iterator[tuple[str, str]]:
    if action.instructions:
        yield f"{path}.instructions", action.instructions
    yield from _walk_strings(action.inputs, f"{path}.inputs")


def _walk_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_strings(v, f"{path}[{i}]")


def _template(w: _Walk, text: str, path: str, me: str) -> None:
    if "${" not in text:
        return
    for raw, parsed in expr.template_paths(text):
        if isinstance(parsed, expr.ExprError):
            w.problems.append(_err(path, f"bad reference ${{{raw}}}: {parsed}", "bad-reference"))
        else:
            _ref(w, parsed, path, me, in_condition=False)


def _ref(w: _Walk, ref: expr.Path, path: str, me: str | None, in_condition: bool) -> None:
    head = str(ref.parts[0])
    key = canon(head)
    text = ref.text()
    if head == "inputs":
        if len(ref.parts) < 2:
            w.problems.append(_err(path, "`inputs` needs a name: inputs.NAME", "bad-reference"))
        elif w.inputs and canon(str(ref.parts[1])) not in w.inputs:
            msg = f"{text}: input {ref.parts[1]!r} is not declared in `inputs`"
            w.problems.append(_warn(path, msg, "undeclared-input"))
        return
    if key not in w.ids:
        if key in w.inputs:
            return
        from difflib import get_close_matches

        near = get_close_matches(key, list(w.ids), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        if in_condition:
            msg = (
                f"{text}: {head!r} is not a step of this workflow, so its value must come from "
                f"a run input (run start --input {head}=…){hint}"
            )
            w.problems.append(_warn(path, msg, "external-reference"))
        else:
            w.problems.append(_err(path, f"{text}: unknown step {head!r}{hint}", "unknown-step"))
        return
    if key in w.rollbacks:
        msg = f"{text}: rollback steps cannot be referenced"
        w.problems.append(_err(path, msg, "rollback-reference"))
        return
    if key == me:
        w.problems.append(_err(path, f"{text}: a step cannot read its own results", "self-ref"))
        return
    if me is not None:
        w.edges.setdefault(me, set()).add(key)
    if key not in w.done:
        msg = (
            f"{text}: step {head!r} is not guaranteed to have finished before this point "
            f"(it runs later, in a parallel branch, or in a conditional branch)"
        )
        w.order.append((me or "", key, _err(path, msg, "ref-order")))
    field_name = ref.parts[1] if len(ref.parts) > 1 else None
    declared = w.outputs.get(key, [])
    if isinstance(field_name, str) and field_name not in RESERVED_FIELDS and declared:
        if field_name not in declared:
            msg = f"{text}: step {head!r} declares outputs {declared}, not {field_name!r}"
            w.problems.append(_warn(path, msg, "undeclared-output"))


def _cycles(w: _Walk) -> set[tuple[str, str]]:
    """Report reference cycles (a reads b, b reads a); return the edges that form them."""
    cyclic: set[tuple[str, str]] = set()
    color: dict[str, int] = {}
    for start in sorted(w.edges):
        if color.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(w.edges.get(start, ()))))]
        trail = [start]
        color[start] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                stack.pop()
                trail.pop()
                color[node] = 2
                continue
            if color.get(nxt) == 1:
                loop = trail[trail.index(nxt) :] + [nxt]
                cyclic |= set(zip(loop, loop[1:], strict=False))
                w.problems.append(_err(w.ids[nxt], "reference cycle: " + " → ".join(loop), "cycle"))
            elif not color.get(nxt):
                color[nxt] = 1
                trail.append(nxt)
                stack.append((nxt, iter(sorted(w.edges.get(nxt, ())))))
    return cyclic


def _policy_problems(wf: Workflow) -> Iterator[Problem]:
    has_rollback = False
    for path, _kind, step in iter_steps(wf.steps, "steps"):
        has_rollback |= step.rollback is not None
        if step.on_failure == "rollback" and not has_rollback:
            yield _warn(
                f"{path}.on_failure",
                "on_failure is rollback but no step up to here defines a rollback",
                "nothing-to-roll-back",
            )


def catalog_problems(wf: Workflow, index: PluginIndex) -> Iterator[Problem]:
    """Plugins and marketplaces the catalog does not know: warnings with the nearest names."""
    for path, _kind, step in iter_steps(wf.steps, "steps"):
        yield from _plugin_problems(step, path, index)
        if step.rollback is not None:
            yield from _plugin_problems(step.rollback, f"{path}.rollback", index)


def _plugin_problems(action: Any, path: str, index: PluginIndex) -> Iterator[Problem]:
    plugin, marketplace = action.plugin, action.marketplace
    if not plugin:
        if not action.instructions:
            yield _warn(path, "neither a plugin nor instructions: nothing to do", "no-action")
        return
    if marketplace and not index.knows_marketplace(marketplace):
        near = index.nearest_marketplaces(marketplace)
        hint = f"; nearest: {', '.join(near)}" if near else ""
        msg = f"marketplace {marketplace!r} is not in the catalog{hint}"
        yield _warn(f"{path}.marketplace", msg, "unknown-marketplace")
        marketplace = None
    if index.find(plugin, marketplace):
        return
    elsewhere = index.find(plugin)
    if elsewhere:
        keys = ", ".join(sorted({x.marketplace_key for x in elsewhere}))
        msg = f"plugin {plugin!r} is not in marketplace {marketplace!r}; it is listed in {keys}"
        yield _warn(f"{path}.plugin", msg, "plugin-elsewhere")
        return
    near = index.nearest(plugin)
    hint = f"; nearest: {', '.join(near)}" if near else ""
    yield _warn(
        f"{path}.plugin", f"plugin {plugin!r} is not in the catalog{hint}", "unknown-plugin"
    )
