"""Shared CLI pieces: option types, catalog opening (and first-use seeding), the progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.goal import Need
    from agentops_lite.workflow.model import Workflow

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout (nothing else).")
]


@contextmanager
def catalog() -> Iterator[Catalog]:
    from agentops_lite.catalog import Catalog
    from agentops_lite.refresh.store import reindex_if_marked

    cat = Catalog.open()
    try:
        reindex_if_marked(cat)  # a catalog from before the search index: index it once
        yield cat
    finally:
        cat.close()


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


# First-use state of this process: set by read_catalog() when it seeded the catalog.
_first_run: dict[str, object] = {}


@contextmanager
def read_catalog() -> Iterator[Catalog]:
    """The catalog for read commands, seeded on first use (snapshot + Claude Code's, issue 9).

    Cheap once set up (one indexed read). On the seeding run it also checks, in parallel and
    for at most half a second, whether GitHub answers, so the note can say so.
    """
    from agentops_lite.refresh.defaults import ensure_ready
    from agentops_lite.refresh.seed import install_if_fresh
    from agentops_lite.settings import db_path

    _first_run.clear()
    install_if_fresh(db_path())  # no catalog yet: start from the prebuilt, indexed snapshot
    with catalog() as cat:
        if cat.get_meta("setup") is None:
            probe = _start_probe()
            seeded = ensure_ready(cat)
            if seeded is not None:
                _first_run["seeded"] = seeded
                _first_run["offline"] = probe()
        yield cat


def _start_probe() -> Callable[[], str | None]:
    import threading

    from agentops_lite.refresh.defaults import github_unreachable

    box: list[str | None] = []
    # A daemon thread: a DNS lookup that hangs must never hold up the answer or the exit.
    thread = threading.Thread(target=lambda: box.append(github_unreachable(0.5)), daemon=True)
    thread.start()

    def result() -> str | None:
        thread.join(0.6)
        return box[0] if box else "no answer from GitHub within 0.5 s"

    return result


def snapshot_note(cat: Catalog) -> None:
    """One stderr line when results include snapshot data: its date and age, and what next."""
    from agentops_lite.catalog.meta import snapshot_age
    from agentops_lite.cli import render

    age = snapshot_age(cat)
    if age is None:
        return
    days = "1 day" if age.age_days == 1 else f"{age.age_days} days"
    line = f"results from the built-in snapshot of {age.date} ({days} old)"
    if "seeded" in _first_run:
        offline = _first_run.get("offline")
        if offline:
            line = f"offline ({offline}): {line}"
        else:
            line += "; `agentops-lite defaults load --live` fetches live data"
    # soft_wrap: one line however narrow the terminal, so it stays one line in logs too.
    render.err().print(render.untrusted(line, style="dim"), soft_wrap=True)


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
        texts += data
    if need is None and needs_json is None:
        return None
    return needs_from_texts(texts)


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
