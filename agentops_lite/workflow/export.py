"""Compile a workflow into Claude Code dynamic workflow scripts (`workflows/*.js` of a plugin)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agentops_lite.errors import WorkflowError
from agentops_lite.workflow import expr
from agentops_lite.workflow.jsgen import PRELUDE, js_string, js_value
from agentops_lite.workflow.model import (
    ConditionalNode,
    Node,
    ParallelNode,
    RollbackStep,
    SequentialNode,
    StepNode,
    Workflow,
    canon,
    iter_steps,
    rollback_id,
)

# The runtime's limits (Claude Code 2.1.330, its workflow-authoring reference): at most 16
# agents at once, 1,000 per run, a script of at most 512 KiB.
MAX_CONCURRENT = 16
MAX_AGENTS = 1000
MAX_SCRIPT_BYTES = 524_288
MAX_NAME = 64


@dataclass(frozen=True)
class Component:
    """How a step names what to use: resolved plugin name and declared marketplace."""

    plugin: str
    marketplace: str | None


@dataclass
class Part:
    """One exported workflow: the top-level nodes between two steps that need a person's yes."""

    name: str
    nodes: list[Node]
    confirm_before: str | None  # the step whose yes starts this part
    script: str = ""
    steps: list[str] = field(default_factory=list)
    agents_max: int = 0


def slug(text: str, limit: int = MAX_NAME) -> str:
    """A name Claude Code accepts for a plugin or workflow: lower-case letters, digits, `-`."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")
    return out or "workflow"


def _needs_yes(node: Node) -> StepNode | None:
    for _p, _k, step in iter_steps([node], "n"):
        if step.confirm:
            return step
    return None


def split(wf: Workflow, base: str) -> list[Part]:
    """Top-level nodes cut before each node holding a step that needs a person's yes.

    A running workflow cannot ask (no user input mid-run), so each yes is asked between two
    workflows; a gate nested in a parallel or conditional node cuts before that whole node.
    """
    parts: list[Part] = []
    for node in wf.steps:
        gate = _needs_yes(node)
        if gate is not None or not parts:
            parts.append(Part("", [], gate.id if gate else None))
        parts[-1].nodes.append(node)
    if not parts:
        parts.append(Part("", [], None))
    for i, part in enumerate(parts, 1):
        part.name = base if len(parts) == 1 else f"{base[: MAX_NAME - 7]}-part{i}"
    return parts


def _use_line(action: StepNode | RollbackStep, comp: Component | None) -> str:
    plugin = comp.plugin if comp else action.plugin
    where = f" (plugin {plugin}@{comp.marketplace})" if comp and comp.marketplace else ""
    prefix = f"{plugin}:" if plugin else ""

    def full(name: str) -> str:
        return name if ":" in name else prefix + name

    if action.command:
        return f"Run the slash command /{full(action.command.lstrip('/'))}{where}."
    if action.skill:
        return f"Use the skill {full(action.skill)}{where}."
    if action.agent:
        name = full(action.agent)
        return f"Delegate to the subagent {name} (Agent tool, subagent_type {name}){where}."
    if plugin:
        return f"Use what the plugin {plugin}{where} provides for this."
    return "No plugin: do it with your own tools."


@dataclass
class _Compiler:
    wf: Workflow
    components: dict[str, Component]  # canon(step id) -> component
    fields: dict[str, set[str]]  # canon(step id) -> result fields conditions read
    specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    rollbacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: int = 0
    phase: str = ""

    def spec(self, action: StepNode | RollbackStep, sid: str, outputs: list[str]) -> dict[str, Any]:
        comp = self.components.get(canon(sid))
        wanted = sorted(set(outputs) | self.fields.get(canon(sid), set()))
        described = getattr(action, "description", None)
        head = (
            f"[agentops step {sid}] You are step {sid!r} of the workflow {self.wf.name!r}.\n"
            f"{_use_line(action, comp)}\n"
            + (f"About this step: {described}\n" if described else "")
        )
        report = "Report your result with the structured output: status success or failure, "
        report += "a one-line summary, your result as output"
        report += f", and the fields {', '.join(wanted)}." if wanted else "."
        self.agents += action.retry + 1
        return {
            "id": sid,
            "label": sid,
            "phase": self.phase,
            "head": head + "Instructions: ",
            "instructions": action.instructions or "(none beyond the above)",
            "inputs": action.inputs,
            "tail": "\n" + report,
            "fields": wanted,
            "outputs": list(outputs),
            "retry": action.retry,
            "on_failure": "stop",
            "rollback": False,
        }

    def step(self, step: StepNode, extra_inputs: dict[str, Any] | None = None) -> str:
        s = self.spec(step, step.id, step.outputs)
        s["on_failure"] = step.on_failure
        if extra_inputs:
            s["inputs"] = {**step.inputs, **extra_inputs}
        if step.rollback is not None:
            rid = rollback_id(step)
            s["rollback"] = True
            self.rollbacks[step.id] = self.spec(step.rollback, rid, [])
        self.specs[step.id] = s
        return f"await runStep(S[{js_string(step.id)}])"

    def nodes(self, nodes: list[Node], indent: str) -> list[str]:
        out: list[str] = []
        for node in nodes:
            out.extend(self.node(node, indent))
        return out

    def node(self, node: Node, indent: str) -> list[str]:
        if isinstance(node, StepNode):
            return [indent + self.step(node)]
        if isinstance(node, SequentialNode):
            return self.nodes(node.steps, indent)
        if isinstance(node, ParallelNode):
            return self.parallel(node, indent)
        return self.conditional(node, indent)

    def parallel(self, node: ParallelNode, indent: str) -> list[str]:
        lines = [indent + "await branches(["]
        for branch in node.branches:
            lines.append(indent + "  async () => {")
            lines.extend(self.node(branch, indent + "    "))
            lines.append(indent + "  },")
        lines.append(indent + "])")
        if node.aggregate is not None:
            ids = [s.id for _p, _k, s in iter_steps(node.branches, "b")]
            # The aggregate sees every branch step's result, as `run next` gives it `branches`.
            lines.append(
                indent + self.step(node.aggregate, {"branches": {i: f"${{{i}}}" for i in ids}})
            )
        return lines

    def conditional(self, node: ConditionalNode, indent: str) -> list[str]:
        test = compile_condition(expr.parse(node.if_))
        lines = [f"{indent}if (truthy({test})) {{"]
        lines.extend(self.nodes(node.then, indent + "  "))
        lines.append(indent + "} else {")
        lines.extend(self.nodes(node.else_, indent + "  "))
        lines.append(indent + "}")
        return lines


def compile_condition(node: expr.Expr) -> str:
    """An expression of our condition language as JS over the runtime's helpers (data only)."""
    if isinstance(node, expr.Literal):
        return f"({js_value(node.value)})"
    if isinstance(node, expr.Path):
        return f"lookup({js_value(list(node.parts))})"
    if isinstance(node, expr.Not):
        return f"(!truthy({compile_condition(node.operand)}))"
    if isinstance(node, expr.BoolOp):
        op = "&&" if node.op == "and" else "||"
        left, right = compile_condition(node.left), compile_condition(node.right)
        return f"(truthy({left}) {op} truthy({right}))"
    left, right = compile_condition(node.left), compile_condition(node.right)
    return f"cmp({js_string(node.op)}, {left}, {right})"


def condition_fields(wf: Workflow) -> dict[str, set[str]]:
    """Result fields each step must report because a condition reads them (`test.passed`)."""
    ids = {canon(s.id) for _p, _k, s in iter_steps(wf.steps, "steps")}
    out: dict[str, set[str]] = {}

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            if isinstance(node, ConditionalNode):
                for path in expr.paths(expr.parse(node.if_)):
                    head = canon(str(path.parts[0]))
                    if head in ids and len(path.parts) > 1 and isinstance(path.parts[1], str):
                        if path.parts[1] not in ("status", "output", "attempts"):
                            out.setdefault(head, set()).add(path.parts[1])
                walk(node.then)
                walk(node.else_)
            elif isinstance(node, SequentialNode):
                walk(node.steps)
            elif isinstance(node, ParallelNode):
                walk(node.branches)

    walk(wf.steps)
    return out


def _title(i: int, node: Node) -> str:
    label = node.id if node.id else node.type
    return f"{i}. {label}"[:80]


def compile_part(wf: Workflow, part: Part, components: dict[str, Component]) -> None:
    """Fill `part.script`; WorkflowError when it is over the runtime's limits."""
    comp = _Compiler(wf, components, condition_fields(wf))
    body: list[str] = []
    titles: list[str] = []
    for i, node in enumerate(part.nodes, 1):
        comp.phase = _title(i, node)
        titles.append(comp.phase)
        body.append(f"  phase({js_string(comp.phase)})")
        body.extend(comp.node(node, "  "))
    if comp.agents > MAX_AGENTS:
        raise WorkflowError(
            f"{part.name}: up to {comp.agents} agents (retries and rollbacks counted); "
            f"a Claude Code workflow runs at most {MAX_AGENTS}",
            hint="lower `retry` or split the workflow",
        )
    description = (wf.description or f"Run the {wf.name} workflow")[:300]
    if part.confirm_before:
        description += f" (after a person's yes for step {part.confirm_before})"
    meta = {"name": part.name, "description": description, "phases": [{"title": t} for t in titles]}
    defaults = {k: v.default for k, v in wf.inputs.items() if v.default is not None}
    lines = [
        f"export const meta = {js_value(meta)}",
        "",
        "// Generated by `agentops-lite workflow export`: do not edit.",
        f"const S = {js_value(comp.specs)}",
        f"const ROLLBACKS = {js_value(comp.rollbacks)}",
        f"const DEFAULTS = {js_value(defaults)}",
        f"const BATCH = {MAX_CONCURRENT}",
        PRELUDE,
        "try {",
        *body,
        "} catch (e) {",
        "  if (!(e instanceof StepFailed)) throw e",
        "  if (e.policy === 'rollback') {",
        "    const undone = await rollBack()",
        "    return { status: 'rolled_back', failed: e.step, undone, results: R, inputs: INPUTS }",
        "  }",
        "  return { status: 'failed', failed: e.step, results: R, done: DONE, inputs: INPUTS }",
        "}",
        "return { status: 'succeeded', results: R, done: DONE, inputs: INPUTS }",
        "",
    ]
    part.script = "\n".join(lines)
    if len(part.script.encode()) > MAX_SCRIPT_BYTES:
        raise WorkflowError(
            f"{part.name}: the script would be {len(part.script.encode()):,} bytes; "
            f"Claude Code runs scripts of at most {MAX_SCRIPT_BYTES:,}"
        )
    part.steps = [*comp.specs, *(s["id"] for s in comp.rollbacks.values())]
    part.agents_max = comp.agents


def compile_workflow(wf: Workflow, base: str, components: dict[str, Component]) -> list[Part]:
    parts = split(wf, base)
    for part in parts:
        compile_part(wf, part, components)
    return parts
