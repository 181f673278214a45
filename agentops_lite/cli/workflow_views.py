"""Human (rich) views of workflows and runs; workflow and catalog text goes through untrusted()."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from rich.tree import Tree

from agentops_lite.cli.render import out, table, untrusted

if TYPE_CHECKING:
    from agentops_lite.discovery.needs import NeedPick, SetCost
    from agentops_lite.workflow.bundle import ExportResult
    from agentops_lite.workflow.instruct import NextReport
    from agentops_lite.workflow.model import Node, StepNode, Workflow
    from agentops_lite.workflow.state import RunState
    from agentops_lite.workflow.store import RunInfo
    from agentops_lite.workflow.validate import WorkflowReport

_STYLE = {
    "success": "green",
    "succeeded": "green",
    "failure": "red",
    "failed": "red",
    "rollback_failed": "red",
    "running": "cyan",
    "rolling_back": "yellow",
    "rolled_back": "yellow",
    "cancelled": "dim",
    "skipped": "dim",
    "pending": "dim",
}


def validation_view(report: WorkflowReport) -> None:
    head = Text(f"workflow ({report.format}) ") + untrusted(report.name or report.source, 80)
    head.append(f": {report.steps} step(s), {report.errors} error(s), {report.warnings} warning(s)")
    out().print(head)
    for p in report.problems:
        style = "red" if p.severity == "error" else "yellow"
        line = Text(f"  {p.severity:<7} ", style=style) + untrusted(p.path or "(top)", 60)
        line.append("  ")
        line.append(untrusted(p.message, 300))
        out().print(line)


def _step_label(step: StepNode, kind: str = "") -> Text:
    label = Text(kind) + untrusted(step.id, 60, style="bold")
    if step.plugin:
        label.append("  ")
        label.append(untrusted(step.plugin, 60))
        if step.marketplace:
            # A name@marketplace wider than the tree leaves would be folded mid-word: break
            # it at the @ instead.
            wide = len(step.plugin) + len(step.marketplace) + 16 > out().width
            label.append("\n@" if wide else "@")
            label.append(untrusted(step.marketplace, 60))
    use = step.command or step.skill or step.agent
    if use:
        label.append("  → ")
        label.append(untrusted(use, 60))
    extras = []
    if step.retry:
        extras.append(f"retry {step.retry}")
    if step.on_failure != "stop":
        extras.append(f"on failure {step.on_failure}")
    if step.rollback is not None:
        extras.append("has rollback")
    if extras:
        label.append(f"  ({', '.join(extras)})", style="dim")
    return label


def _add(tree: Tree, nodes: Sequence[Node]) -> None:
    from agentops_lite.workflow.model import ConditionalNode, ParallelNode, SequentialNode

    for node in nodes:
        if isinstance(node, SequentialNode):
            _add(tree.add(Text("sequence", style="italic")), node.steps)
        elif isinstance(node, ParallelNode):
            branch = tree.add(Text(f"parallel ×{len(node.branches)}", style="italic"))
            _add(branch, node.branches)
            if node.aggregate is not None:
                branch.add(_step_label(node.aggregate, "aggregate "))
        elif isinstance(node, ConditionalNode):
            cond = tree.add(Text("if ", style="italic") + untrusted(node.if_, 120))
            if node.then:
                _add(cond.add(Text("then", style="italic")), node.then)
            if node.else_:
                _add(cond.add(Text("else", style="italic")), node.else_)
        else:
            tree.add(_step_label(node))


def tree_view(wf: Workflow, total: int, critical: int) -> None:
    root = Tree(Text("workflow ") + untrusted(wf.name, 100, style="bold"))
    _add(root, wf.steps)
    out().print(root)
    out().print(
        f"{total} step(s); critical path {critical} step(s) "
        f"({total - critical} can overlap or be skipped)"
    )


def next_view(report: NextReport) -> None:
    head = Text(f"{report.run_id}  ") + Text(report.status, style=_STYLE.get(report.status, ""))
    out().print(head)
    if report.reason:
        out().print(untrusted(report.reason, 300, style="dim"))
    for t in report.ready:
        out().print(Text("\n▶ ") + untrusted(t.step, 80, style="bold") + Text(f"  [{t.kind}]"))
        for cmd in t.setup:
            # soft_wrap: a command broken over lines cannot be pasted.
            out().print(Text("  setup: ") + untrusted(cmd, 200), soft_wrap=True)
        if t.use:
            out().print(Text("  use:   ") + untrusted(t.use, 200))
        if t.inputs:
            out().print(Text("  inputs: ") + untrusted(json.dumps(t.inputs), 400))
        out().print(Text("  ") + untrusted(t.instructions, 1200))
        out().print(
            Text("  record: ") + untrusted(t.record["success"], 300, style="dim"), soft_wrap=True
        )
    out().print(Text("\n") + Text(report.message))


def status_view(info: RunInfo, state: RunState) -> None:
    out().print(
        untrusted(info.run_id, style="bold")
        + Text("  ")
        + untrusted(info.workflow, 100)
        + Text("  ")
        + Text(state.status, style=_STYLE.get(state.status, ""))
    )
    if state.reason:
        out().print(untrusted(state.reason, 300, style="dim"))
    t = table("step", "kind", "status", "attempts", "output", "artifacts")
    for st in state.steps.values():
        if st.kind == "rollback" and st.status == "pending":
            continue
        output = "" if st.output is None else json.dumps(st.output, ensure_ascii=False)
        t.add_row(
            untrusted(st.id, 60),
            st.kind,
            Text(st.status, style=_STYLE.get(st.status, "")),
            str(st.attempt),
            untrusted(output or (st.error or ""), 60),
            untrusted(", ".join(st.artifacts), 60),
        )
    out().print(t)


def runs_table(runs: Sequence[RunInfo]) -> None:
    if not runs:
        out().print("no runs yet — start one with `agentops-lite run start FILE`")
        return
    t = table("run", "workflow", "status", "steps", "started", "updated")
    for r in runs:
        t.add_row(
            untrusted(r.run_id),
            untrusted(r.workflow, 40),
            Text(r.status, style=_STYLE.get(r.status, "")),
            f"{r.steps_done}/{r.steps_total}",
            r.created_at[:19].replace("T", " "),
            r.updated_at[:19].replace("T", " "),
        )
    out().print(t)


# "if so": a gate may test that the work passed or that it found something.
_ROLE = {"gate": " (gate)", "then": " (if so)", "else": " (otherwise)"}
# Borders and padding of the 5-column table, the # and fit columns, and the narrowest need
# column worth reading: below that plus the longest plugin and use, names would wrap mid-word.
_NEEDS_FIXED = 6 + 2 * 5 + 2 + 7
_NEED_MIN = 20


def needs_view(picks: Sequence[NeedPick], cost: SetCost | None = None) -> None:
    """The goal as read: each need, the plugin that serves it, how well it fits, what to use."""
    longest = max((len(p.plugin.plugin) + 8 for p in picks if p.plugin), default=12)
    uses = max((len(p.use.usage) for p in picks if p.use), default=1)
    if out().width < _NEEDS_FIXED + _NEED_MIN + min(longest, 68) + min(uses, 60):
        _needs_stacked(picks)
    else:
        _needs_table(picks)
    if cost is not None:
        if cost.not_read and len(cost.not_read) == cost.plugins:
            line = f"{cost.plugins} plugin(s); always-on context unknown (components not read)"
        else:
            line = f"{cost.plugins} plugin(s), ~{cost.tokens} tokens of always-on context"
            if cost.not_read:
                line += f" (+ unknown for {len(cost.not_read)} whose components were not read)"
        out().print(Text(line, style="dim"))


def _need_text(p: NeedPick) -> Text:
    together = " (together)" if p.parallel_group is not None else ""
    return untrusted(p.need, 80) + Text(
        _ROLE.get(p.role, "") + together + (" [added]" if p.added else ""), style="dim"
    )


def _needs_stacked(picks: Sequence[NeedPick]) -> None:
    """One block per need; a name or a usage is never broken over lines (soft_wrap)."""
    for i, p in enumerate(picks, 1):
        out().print(Text(f"{i:>2}. ") + _need_text(p))
        if p.plugin is None:
            out().print(Text("    nothing fits", style="yellow"))
            continue
        line = Text("    ") + untrusted(f"{p.plugin.plugin}@{p.plugin.marketplace}", 120)
        fit = f"{p.fit or '-'}" + (" (again)" if p.shared else "")
        if len(line) + 2 + len(fit) > out().width:  # the fit on its own line, not wrapped
            out().print(line, soft_wrap=True)
            line = Text("    ")
        else:
            line.append("  ")
        line.append(fit, style="dim")
        out().print(line, soft_wrap=True)
        if p.use is not None:
            out().print(Text("    use ") + untrusted(p.use.usage, 120), soft_wrap=True)


def _needs_table(picks: Sequence[NeedPick]) -> None:
    t = table("#", "need", "plugin", "fit", "use")
    for i, p in enumerate(picks, 1):
        need = _need_text(p)
        if p.plugin is None:
            t.add_row(str(i), need, Text("nothing fits", style="yellow"), p.fit or "-", "-")
            continue
        plugin = untrusted(p.plugin.plugin, 60) + Text(" (again)" if p.shared else "", style="dim")
        t.add_row(str(i), need, plugin, p.fit or "-", untrusted(p.use.usage, 60) if p.use else "-")
    out().print(t)


def export_view(result: ExportResult) -> None:
    import shlex

    con = out()
    con.print(
        Text("wrote ")
        + untrusted(result.directory)
        + Text(": marketplace ")
        + untrusted(result.marketplace)
        + Text(", bundle plugin ")
        + untrusted(result.plugin)
    )
    if result.dependencies:
        con.print(Text("depends on: ") + untrusted(", ".join(result.dependencies)))
    for wf in result.workflows:
        gate = f" (after a yes for {wf.confirm_before})" if wf.confirm_before else ""
        con.print(
            untrusted(wf.command)
            + Text(f"  {len(wf.steps)} step(s), at most {wf.max_agents} agents")
            + untrusted(gate)
        )
    con.print("install:")
    for argv in result.install_commands:
        con.print(Text("  ") + untrusted(" ".join(shlex.quote(a) for a in argv)), soft_wrap=True)
    for note in result.notes:
        con.print(untrusted(note), soft_wrap=True)  # notes carry commands to paste
