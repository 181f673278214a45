"""How `install-plan` looks in a terminal: the install set, problems, collisions, commands."""

from __future__ import annotations

import shlex

from agentops_lite.cli import render
from agentops_lite.install.models import ApplyResult, InstallPlan


def show_plan(plan: InstallPlan) -> None:
    safe = render.safe_text
    t = render.table("#", "plugin", "version", "needed by", "state", "tokens", title="Install set")
    for i, p in enumerate(plan.plugins, 1):
        need = "you" if p.root else ", ".join(p.required_by)
        if p.ranges:
            need += f" ({'; '.join(p.ranges)})"
        state = f"installed {p.installed_version or ''}".strip() if p.installed else "to install"
        u = render.untrusted
        t.add_row(
            str(i),
            u(p.install_id),
            u(p.version or "-"),
            u(need),
            state,
            str(p.always_on_tokens) if p.always_on_tokens is not None else "not read",
        )
    render.out().print(t)
    con = render.out()
    for prob in plan.problems:
        tag = prob.severity + (" (claude refuses)" if prob.claude_refuses else "")
        con.print(f"{tag}: [{prob.kind}] {safe(prob.message)}", markup=False)
    for c in plan.collisions:
        con.print(
            f"collision: {c.kind} {safe(c.name)!r} in {', '.join(safe(x) for x in c.plugins)}",
            markup=False,
        )
    todo = [p for p in plan.plugins if not p.installed]
    if todo and len(plan.cost_unknown) == len(todo):
        line = "always-on context of what gets installed: unknown (components not read)"
    else:
        line = f"always-on context of what gets installed: ~{plan.always_on_tokens} tokens"
        if plan.cost_unknown:
            line += f" (+ unknown for {len(plan.cost_unknown)} whose components were not read)"
    con.print(line)
    if plan.commands:
        con.print("commands:")
        for argv in plan.commands:
            con.print("  " + safe(_shell(argv)), markup=False, soft_wrap=True)
        con.print("or in one step:")
        for argv in plan.one_step:
            con.print("  " + safe(_shell(argv)), markup=False, soft_wrap=True)
    elif plan.ok:
        con.print("everything is already installed")


def _shell(argv: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


def show_apply(result: ApplyResult) -> None:
    con = render.out()
    for step in result.done:
        mark = "ok" if step.exit_code == 0 else f"failed ({step.exit_code})"
        con.print(f"{mark}: {render.safe_text(_shell(step.command))}", markup=False, soft_wrap=True)
        if step.exit_code != 0 and step.output:
            con.print(render.safe_text(step.output), markup=False)
