"""`workflow`: the format's schema, validation, planning from an intent, and a readable tree."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agentops_lite.cli.common import (
    JsonOpt,
    NeedOpt,
    NeedsJsonOpt,
    UseOpt,
    catalog,
    read_catalog,
    read_needs,
    split_use,
)

app = typer.Typer(
    no_args_is_help=True,
    help="Workflows that combine several plugins: schema, validate, plan, show.",
)


@app.command("schema")
def schema(
    json_: Annotated[
        bool, typer.Option("--json", help="Accepted for symmetry: the output is always JSON.")
    ] = False,
) -> None:
    """Print the JSON Schema of the workflow format (version 1).

    Examples:
      agentops-lite workflow schema > workflow.schema.json
    """
    from agentops_lite.cli import render
    from agentops_lite.workflow.model import schema as build

    render.emit_json(build())


@app.command("validate")
def validate(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Workflow JSON (ours or a seed shape)")
    ],
    json_: JsonOpt = False,
) -> None:
    """Check a workflow; every problem with its path. Exit 1 on errors.

    Plugins missing from the catalog are warnings, with the nearest names.

    Examples:
      agentops-lite workflow validate examples/build-test-deploy.json
      agentops-lite workflow validate wf.json --json
    """
    from agentops_lite.cli import render
    from agentops_lite.errors import UsageError, WorkflowError
    from agentops_lite.workflow.resolve import PluginIndex
    from agentops_lite.workflow.validate import WorkflowReport, check, load_file

    doc, problems = load_file(file)
    unreadable = next((p for p in problems if p.code == "unreadable"), None)
    if unreadable is not None:  # no workflow to check: bad input, as for every command
        raise UsageError(unreadable.message)
    if problems:
        report = WorkflowReport(
            source=str(file), format="unknown", errors=len(problems), problems=problems
        )
    else:
        with catalog() as cat:
            report = check(doc, PluginIndex.load(cat), str(file))
    if json_:
        render.emit_json({"ok": report.ok, **report.model_dump(mode="json")})
    else:
        from agentops_lite.cli.workflow_views import validation_view

        validation_view(report)
    if not report.ok:
        # `reported`: the report above is the output; the error only sets the exit code.
        raise WorkflowError(f"{report.errors} error(s) in {file}", reported=True)


@app.command("plan")
def plan(
    goal: Annotated[
        str | None, typer.Argument(metavar="GOAL", help="What you want done, in your words")
    ] = None,
    need: NeedOpt = None,
    needs_json: NeedsJsonOpt = None,
    use: UseOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the workflow to this file"),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Plan a workflow for a goal: its needs in your order, one fitting plugin per need.

    The goal is split into needs ("X, then Y", "at the same time", "if the tests pass …,
    otherwise …"); each need gets the plugin that fits it and a step naming the command, skill
    or agent to use. A need nothing fits stays an instruction step that says so.

    Examples:
      agentops-lite workflow plan "write terraform for a VPC, review it for security, then deploy"
      agentops-lite workflow plan --need "design a REST API" --need "document the API" -o wf.json
      echo '["scrape web pages", "chart prices"]' | agentops-lite workflow plan --needs-json -
    """
    import json

    from agentops_lite.cli import render
    from agentops_lite.cli.workflow_views import needs_view
    from agentops_lite.discovery.needs import set_cost
    from agentops_lite.output_file import write_output
    from agentops_lite.workflow.model import dump
    from agentops_lite.workflow.planner import plan_goal

    given = read_needs(need, needs_json)
    if given and (goal or "").strip():
        from agentops_lite.cli import render

        render.note(f"planning the {len(given)} need(s) given; the GOAL names the workflow")
    if not given and not (goal or "").strip():
        from agentops_lite.errors import UsageError

        raise UsageError("give a GOAL, or its needs with --need / --needs-json")
    with read_catalog() as cat:
        wf, picks = plan_goal(cat, goal or "", needs=given, use=split_use(use))
        cost = set_cost(cat, picks)
    doc = dump(wf)
    if output is not None:
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        write_output(output, text.encode("utf-8"))
        render.note(f"wrote {output}")
    if json_:
        render.emit_json(doc)
    else:
        needs_view(picks, cost)
        if output is None:
            _show(wf)


@app.command("export")
def export(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Workflow JSON (ours or a seed shape)")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="Folder to write (a marketplace)")
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty folder.")] = False,
    name: Annotated[
        str | None, typer.Option("--name", metavar="NAME", help="Bundle plugin name")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Export a workflow as a Claude Code marketplace with one bundle plugin that runs it.

    The bundle depends on every plugin the workflow uses, and its `workflows/*.js` runs the
    steps natively (`/<bundle>:<name>`): parallel branches at once, conditions on structured
    results, retries, rollback. Steps marked `confirm` split it into several workflows.

    Examples:
      agentops-lite workflow export examples/test-gate.json -o test-gate-bundle
      agentops-lite workflow export wf.json -o out --force --json
    """
    from agentops_lite.cli import render
    from agentops_lite.cli.common import read_catalog
    from agentops_lite.workflow.bundle import export as run_export
    from agentops_lite.workflow.load import load_workflow

    with read_catalog() as cat:  # seeded on first use: the bundle names catalog plugins
        wf, _warnings = load_workflow(file, cat)
        result = run_export(cat, wf, output, force=force, name=name)
    if json_:
        render.emit_json(result)
        return
    from agentops_lite.cli.workflow_views import export_view

    export_view(result)


def _show(wf: object) -> None:
    from agentops_lite.cli.workflow_views import tree_view
    from agentops_lite.workflow.model import Workflow, critical_path, iter_steps

    assert isinstance(wf, Workflow)
    total = sum(1 for _ in iter_steps(wf.steps, "steps"))
    tree_view(wf, total, critical_path(wf.steps))


@app.command("show")
def show(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Workflow JSON (ours or a seed shape)")
    ],
    json_: JsonOpt = False,
) -> None:
    """Show a workflow as a tree, with its critical path against the total steps.

    Examples:
      agentops-lite workflow show examples/parallel-analysis.json
      agentops-lite workflow show wf.json --json
    """
    from agentops_lite.cli import render
    from agentops_lite.cli.common import load_checked
    from agentops_lite.workflow.model import critical_path, dump, iter_steps

    with catalog() as cat:
        wf = load_checked(file, cat)
    total = sum(1 for _ in iter_steps(wf.steps, "steps"))
    if json_:
        render.emit_json(
            {
                "name": wf.name,
                "steps": total,
                "critical_path": critical_path(wf.steps),
                "workflow": dump(wf),
            }
        )
        return
    _show(wf)
