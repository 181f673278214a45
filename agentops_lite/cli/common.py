"""Shared CLI pieces: option types, the progress bar, reading needs and workflows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# Re-exported: the commands import them from here; they live in `session` to stay typer-free.
from agentops_lite.cli.session import catalog, read_catalog, snapshot_note

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.goal import Need
    from agentops_lite.workflow.model import Workflow

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout (nothing else).")
]


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar on stderr when it is a terminal; yields a callback(done, total, item)."""
    from agentops_lite.cli.render import err

    console = err()
    if not enabled or not console.is_terminal:
        yield lambda done, total, item: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}", markup=False),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None, item="")

        def update(done: int, total: int, item: str) -> None:
            from agentops_lite.cli.render import safe_text

            bar.update(task, completed=done, total=total, item=safe_text(item, 40))

        yield update


def load_checked(path: Path, cat: Catalog | None) -> Workflow:
    """`workflow.load.load_workflow`, with its warnings on stderr."""
    from agentops_lite.cli import render
    from agentops_lite.workflow.load import load_workflow

    workflow, warnings = load_workflow(path, cat)
    if len(warnings) == 1:
        render.warn(f"{warnings[0].path}: {warnings[0].message}")
    elif warnings:
        # One line, not one per step: Claude reads this output before the JSON it needs.
        render.warn(
            f"{len(warnings)} warnings (e.g. {warnings[0].message}); details: "
            f"agentops-lite workflow validate {path}"
        )
    return workflow


def split_use(use: list[str] | None) -> list[str]:
    return [u.strip() for item in use or [] for u in item.split(",") if u.strip()]


def read_needs(need: list[str] | None, needs_json: Path | None) -> list[Need] | None:
    """Needs from --need and/or --needs-json (a JSON list of strings; - reads stdin)."""
    import json
    import sys

    from agentops_lite.discovery.needs import needs_from_texts
    from agentops_lite.errors import UsageError

    texts: list[str] = list(need or [])
    if needs_json is not None:
        try:
            raw = sys.stdin.read() if str(needs_json) == "-" else needs_json.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--needs-json: cannot read {needs_json}: {exc}") from exc
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise UsageError(f"--needs-json: not JSON ({exc})") from exc
        if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
            raise UsageError("--needs-json: expected a JSON list of strings")
        if not data:
            raise UsageError("--needs-json: the list is empty", hint='e.g. ["scan the repo"]')
        texts += data
    if need is None and needs_json is None:
        return None
    return needs_from_texts(texts)


__all__ = ["catalog", "read_catalog", "snapshot_note"]


NeedOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--need", metavar="TEXT", help="One need of the goal, in order (repeat); skips parsing"
    ),
]
NeedsJsonOpt = Annotated[
    Path | None,
    typer.Option(
        "--needs-json", metavar="FILE", help="The needs as a JSON list of strings (- for stdin)"
    ),
]
UseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--use", metavar="PLUGIN[,PLUGIN…]", help="Plugins to use (NAME or NAME@MARKETPLACE)"
    ),
]
