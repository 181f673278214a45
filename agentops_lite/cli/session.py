"""Opening the catalog for a command (first-use seeding included) and the snapshot note.

Typer-free, so the fast read path (`cli.fast`) shares it with the typer commands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog


@contextmanager
def catalog() -> Iterator[Catalog]:
    from agentops_lite.catalog import Catalog
    from agentops_lite.catalog.meta import REINDEX_KEY

    cat = Catalog.open()
    try:
        # The indexing machinery loads only when a catalog from before the search index (or a
        # migration) asks for it: a warm read command skips it.
        if cat.get_meta(REINDEX_KEY) is not None:
            from agentops_lite.refresh.store import reindex_if_marked

            reindex_if_marked(cat)  # index it once
        yield cat
    finally:
        cat.close()


# First-use state of this process: set by read_catalog() when it seeded the catalog.
_first_run: dict[str, object] = {}


@contextmanager
def read_catalog() -> Iterator[Catalog]:
    """The catalog for read commands, seeded on first use (snapshot + Claude Code's, issue 9).

    Cheap once set up (one indexed read). On the seeding run it also checks, in parallel and
    for at most half a second, whether GitHub answers, so the note can say so.
    """
    import os

    from agentops_lite.settings import db_file, db_path

    _first_run.clear()
    if not os.path.exists(db_file()):
        from agentops_lite.refresh.seed import install_if_fresh

        install_if_fresh(db_path())  # no catalog yet: start from the prebuilt, indexed snapshot
    with catalog() as cat:
        if cat.get_meta("setup") is None:
            # Only a first run seeds: the warm path never loads the defaults machinery.
            from agentops_lite.refresh.defaults import ensure_ready

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
    from agentops_lite.catalog.meta import snapshot_facts
    from agentops_lite.cli import render

    age = snapshot_facts(cat)
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
