"""`run`: start a workflow run and drive it: Claude does each step, the CLI keeps state."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentops_lite.cli.common import JsonOpt, catalog, load_checked

if TYPE_CHECKING:
    pass

app = typer.Typer(
    no_args_is_help=True,
    help="Run a workflow: start, then loop `run next` / `run record` until done.",
)

RunArg = Annotated[str, typer.Argument(metavar="RUN", help="Run id (a unique prefix, or `last`)")]
MAX_OUTPUT_BYTES = 1024 * 1024


@app.command("start")
def start(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Workflow JSON (ours or a seed shape)")
    ],
    inputs: Annotated[
        list[str] | None,
        typer.Option(
            "--input", "-i", metavar="NAME=VALUE", help="Run input (VALUE as JSON when it parses)"
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Start a run of a workflow; prints the run id.

    Examples:
      agentops-lite run start examples/build-test-deploy.json
      agentops-lite run start wf.json --input env=staging --input test-results.passed=true --json
    """
    from agentops_lite.cli import render
    from agentops_lite.workflow import store
    from agentops_lite.workflow.state import parse_inputs

    with catalog() as cat:
        wf = load_checked(file, cat)
        info = store.start(cat, wf, parse_inputs(inputs or []), str(file))
    if json_:
        render.emit_json(info)
        return
    render.out().print(f"started {info.run_id} ({info.steps_total} steps): {info.status}")
    render.note(f"next: agentops-lite run next {info.run_id}")


@app.command("next")
def next_(run: RunArg, json_: JsonOpt = False) -> None:
    """Show every step ready now, with setup commands, what to invoke and resolved inputs.

    Steps listed together are independent: do them in parallel, then `run record` each.

    Examples:
      agentops-lite run next last
      agentops-lite run next run-20250101-120000-abc123 --json
    """
    from agentops_lite.cli import render
    from agentops_lite.workflow import store
    from agentops_lite.workflow.instruct import next_report
    from agentops_lite.workflow.runner import hand_out

    with catalog() as cat:
        info, wf, state, _ = store.apply(cat, run, lambda w, s, now: (hand_out(s), None))
        report = next_report(cat, info, wf, state)
    if json_:
        render.emit_json(report)
        return
    from agentops_lite.cli.workflow_views import next_view

    next_view(report)


def _output(text: str | None) -> Any:
    import json

    from agentops_lite.errors import UsageError

    if text is None:
        return None
    if text.startswith("@"):
        try:
            data = Path(text[1:]).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read --output file {text[1:]}: {exc.strerror}") from exc
        if len(data) > MAX_OUTPUT_BYTES:
            raise UsageError(f"--output file is larger than {MAX_OUTPUT_BYTES:,} bytes")
        text = data.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise UsageError(
            f"--output is not valid JSON ({exc}); nothing was recorded",
            hint="""quote text as JSON: --output '"build/dist"' or --output '{"passed": true}'""",
        ) from exc


@app.command("record")
def record(
    run: RunArg,
    step: Annotated[str, typer.Argument(metavar="STEP", help="Step id")],
    status: Annotated[
        str, typer.Option("--status", "-s", metavar="STATUS", help="success | failure | skipped")
    ],
    output: Annotated[
        str | None, typer.Option("--output", metavar="JSON|@FILE", help="The step's result")
    ] = None,
    artifacts: Annotated[
        list[str] | None,
        typer.Option("--artifact", metavar="FILE", help="A file the step made (repeatable)"),
    ] = None,
    error: Annotated[
        str | None, typer.Option("--error", metavar="TEXT", help="What went wrong")
    ] = None,
    attempt: Annotated[
        int | None,
        typer.Option("--attempt", min=1, metavar="N", help="The attempt this reports on"),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Record a step's result; retries and on_failure policies apply on failure.

    Recording the same result twice changes nothing. A refused record changes nothing.

    Examples:
      agentops-lite run record last build --status success --output '"build/dist"' --artifact app.js
      agentops-lite run record last test --status success --output '{"passed": true}'
      agentops-lite run record last deploy --status failure --error "health check failed"
    """
    from agentops_lite.cli import render
    from agentops_lite.errors import UsageError
    from agentops_lite.workflow import runner, store

    if status not in ("success", "failure", "skipped"):
        raise UsageError(f"--status {status!r}: expected success, failure or skipped")
    value = _output(output)

    def change(wf: Any, state: Any, now: str) -> Any:
        return runner.record(
            wf, state, step, status, now,  # type: ignore[arg-type]
            output=value, artifacts=artifacts, error=error, attempt=attempt,
        )  # fmt: skip

    with catalog() as cat:
        info, _wf, state, outcome = store.apply(cat, run, change)
    ready = [st.id for st in runner.ready(state)]
    if json_:
        render.emit_json({**outcome.model_dump(mode="json"), "run_id": info.run_id, "ready": ready})
        return
    what = "unchanged (already recorded)" if not outcome.changed else outcome.status
    if outcome.retrying:
        what = f"failed; retrying (attempt {outcome.attempt})"
    render.out().print(f"{outcome.step}: {what}; run {outcome.run_status}")
    if ready:
        render.note(f"ready: {', '.join(ready)} — agentops-lite run next {info.run_id}")


@app.command("status")
def status(run: RunArg, json_: JsonOpt = False) -> None:
    """Show each step's status, output and artifacts (addressable as ${step.output}…).

    Examples:
      agentops-lite run status last
      agentops-lite run status last --json
    """
    from agentops_lite.cli import render
    from agentops_lite.workflow import store
    from agentops_lite.workflow.state import status_document

    with catalog() as cat:
        info, _wf, state = store.get(cat, run)
    doc = status_document(info.run_id, info.workflow, state)
    if json_:
        render.emit_json(doc)
        return
    from agentops_lite.cli.workflow_views import status_view

    status_view(info, state)


@app.command("list")
def list_(
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, metavar="N", help="Newest N runs")
    ] = 50,
    json_: JsonOpt = False,
) -> None:
    """List runs, newest first.

    Examples:
      agentops-lite run list
      agentops-lite run list -n 5 --json
    """
    from agentops_lite.cli import render
    from agentops_lite.workflow import store

    with catalog() as cat:
        runs = store.list_runs(cat, limit)
    if json_:
        render.emit_json({"runs": [r.model_dump(mode="json") for r in runs]})
        return
    from agentops_lite.cli.workflow_views import runs_table

    runs_table(runs)


@app.command("cancel")
def cancel(run: RunArg, json_: JsonOpt = False) -> None:
    """Cancel a run: steps in progress are marked cancelled; nothing new starts.

    Examples:
      agentops-lite run cancel last
    """
    from agentops_lite.cli import render
    from agentops_lite.workflow import runner, store

    with catalog() as cat:
        info, *_ = store.apply(cat, run, lambda w, s, now: (runner.cancel(s, now), None))
    if json_:
        render.emit_json(info)
        return
    render.out().print(f"{info.run_id}: {info.status}")


@app.command("rollback")
def rollback(run: RunArg, json_: JsonOpt = False) -> None:
    """Undo completed steps: their rollback steps, latest first, handed out by `run next`.

    Examples:
      agentops-lite run rollback last
      agentops-lite run rollback last --json
    """
    from agentops_lite.cli import render
    from agentops_lite.workflow import runner, store
    from agentops_lite.workflow.instruct import next_report

    with catalog() as cat:
        info, wf, state, _ = store.apply(
            cat, run, lambda w, s, now: (runner.hand_out(runner.begin_rollback(w, s, now)), None)
        )
        report = next_report(cat, info, wf, state)
    if json_:
        render.emit_json(report)
        return
    from agentops_lite.cli.workflow_views import next_view

    next_view(report)
