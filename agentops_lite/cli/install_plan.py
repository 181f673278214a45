"""`install-plan`: resolve dependencies and print (or run) the Claude Code install commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agentops_lite.cli.common import JsonOpt, read_catalog

if TYPE_CHECKING:
    from agentops_lite.install.models import InstallPlan


def install_plan(
    plugins: Annotated[
        list[str] | None,
        typer.Argument(metavar="PLUGIN...", help="plugin or plugin@marketplace"),
    ] = None,
    workflow: Annotated[
        Path | None,
        typer.Option(
            "--workflow", "-w", metavar="FILE", help="Also every plugin this workflow uses"
        ),
    ] = None,
    apply_: Annotated[
        bool, typer.Option("--apply", help="Run the commands with the real `claude` (asks first).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --apply: do not ask.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Plan installing plugins with their dependencies: commands, conflicts, collisions, cost.

    Exit 1 when a plugin is missing or `claude plugin install` would refuse (a missing
    dependency, an unsatisfiable range, a cycle, a blocked cross-marketplace dependency).

    Examples:
      agentops-lite install-plan commit-commands@claude-plugins-official
      agentops-lite install-plan my-bundle@my-market --json
      agentops-lite install-plan my-bundle@my-market --apply --yes
      agentops-lite install-plan --workflow examples/test-gate.json
    """
    from agentops_lite.errors import UsageError, WorkflowError
    from agentops_lite.install.plan import apply, build_plan, require_ok, run_claude
    from agentops_lite.sources.claude_code import claude_binary

    with read_catalog() as cat:
        idents = list(plugins or [])
        if workflow is not None:
            from agentops_lite.workflow.bundle import workflow_plugins
            from agentops_lite.workflow.load import load_workflow

            idents += workflow_plugins(cat, load_workflow(workflow, cat)[0])
        if not idents:
            raise UsageError("name a plugin (plugin@marketplace) or give --workflow FILE")
        plan = build_plan(cat, list(dict.fromkeys(idents)))
    if not apply_:
        _emit(plan, json_)
        require_ok(plan)
        return
    if not plan.ok:
        _emit(plan, json_)
        require_ok(plan)
    binary = claude_binary()
    if binary is None:
        from agentops_lite.errors import AgentOpsError

        # The machine lacks a tool, not a bad argument: an environment error (exit 4).
        raise AgentOpsError(
            "--apply needs Claude Code: `claude` is not on PATH",
            hint="install Claude Code, or run the commands above yourself",
        )
    if not json_:
        from agentops_lite.cli.install_views import show_plan

        show_plan(plan)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("--apply asks before running; pass --yes when there is no terminal")
        if not typer.confirm(f"Run these {len(plan.commands)} command(s)?", err=True):
            raise UsageError("nothing was run")
    result = apply(plan, run_claude(binary))
    if json_:
        from agentops_lite.cli import render

        render.emit_json(result.model_dump(mode="json"))
    else:
        from agentops_lite.cli.install_views import show_apply

        show_apply(result)
    if not result.ok:
        last = result.done[-1]
        raise WorkflowError(
            f"`{' '.join(last.command)}` exited {last.exit_code}; "
            f"{len(result.done) - 1} command(s) before it were done",
            reported=json_,
        )


def _emit(plan: InstallPlan, json_: bool) -> None:
    from agentops_lite.cli import render
    from agentops_lite.cli.install_views import show_plan

    if json_:
        render.emit_json(plan.model_dump(mode="json"))
    else:
        show_plan(plan)


def register(app: typer.Typer) -> None:
    app.command("install-plan")(install_plan)
