"""Shared CLI pieces: option types, catalog opening, the progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentops_lite.catalog import Catalog

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout (nothing else).")
]


@contextmanager
def catalog() -> Iterator[Catalog]:
    from agentops_lite.catalog import Catalog

    cat = Catalog.open()
    try:
        yield cat
    finally:
        cat.close()


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[object]:
    """A rich progress bar on stderr when it is a terminal; yields a callback(done, total, item)."""
    from agentops_lite.render import err

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
            from agentops_lite.render import safe_text

            bar.update(task, completed=done, total=total, item=safe_text(item, 40))

        yield update
