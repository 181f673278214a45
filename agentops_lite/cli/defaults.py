"""`agentops-lite defaults …`: load, drop or inspect the built-in default marketplaces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from agentops_lite.cli.common import JsonOpt, catalog, progress_bar

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import RefreshReport

app = typer.Typer(
    help="The built-in default marketplaces (shipped as a snapshot inside the package).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("status")
def status(json_: JsonOpt = False) -> None:
    """Say which defaults are in the catalog, from the snapshot or live, and how old.

    Example:
      agentops-lite defaults status --json
    """
    from agentops_lite.cli import render
    from agentops_lite.refresh.defaults import defaults_status

    with catalog() as cat:
        report = defaults_status(cat)
    if json_:
        render.emit_json(report)
        return
    snap = report.snapshot
    packaged = (
        f"packaged snapshot: {report.packaged_date}, {report.packaged_marketplaces} marketplaces, "
        f"{report.packaged_size_bytes / 1e6:.2f} MB"
        if report.packaged_date
        else "packaged snapshot: none"
    )
    lines = [
        f"defaults: {report.state}",
        packaged,
        (
            f"from the snapshot: {snap.marketplaces} marketplaces, {snap.plugins} plugins "
            f"(snapshot of {snap.date}, {snap.age_days} day(s) old)"
            if snap
            else "from the snapshot: nothing"
        ),
        f"live: {len(report.live)} default marketplaces",
        f"not in the catalog: {len(report.missing)} default marketplaces",
    ]
    for line in lines:
        render.out().print(render.untrusted(line))


@app.command("load")
def load(
    live: Annotated[
        bool,
        typer.Option("--live", help="Then fetch them from GitHub; each success replaces its copy."),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Load the snapshot's copy of every default marketplace that has no live data here.

    Live data (from a refresh or Claude Code) is never replaced by the snapshot.

    Examples:
      agentops-lite defaults load
      agentops-lite defaults load --live
    """
    from agentops_lite.cli import render
    from agentops_lite.refresh.defaults import load_defaults

    with catalog() as cat, progress_bar("loading defaults", not json_) as bar:
        outcomes = load_defaults(cat, progress=bar)
        report = _go_live(cat, json_) if live else None
    if json_:
        render.emit_json(
            {
                "loaded": [o.model_dump(mode="json") for o in outcomes],
                "live": report.model_dump(mode="json") if report else None,
            }
        )
        return
    plugins = sum(o.plugins for o in outcomes)
    render.note(f"loaded {len(outcomes)} marketplace(s), {plugins} plugins from the snapshot")
    if report is not None:
        ok = sum(o.status != "error" for o in report.outcomes)
        render.note(f"fetched {ok} of {len(report.outcomes)} live; the rest keep the snapshot")


def _go_live(cat: Catalog, json_: bool) -> RefreshReport | None:
    """Fetch the snapshot-served marketplaces live, or say in one line why not."""
    from agentops_lite.cli import render
    from agentops_lite.refresh.defaults import github_unreachable, go_live

    reason = github_unreachable()
    if reason:
        render.warn(f"{reason}: kept the snapshot copies")
        return None
    with progress_bar("fetching live", not json_) as bar:
        return go_live(cat, progress=bar)


@app.command("drop")
def drop(json_: JsonOpt = False) -> None:
    """Remove the default marketplaces (snapshot copies and live ones added as defaults).

    They stay out until `defaults load`; first-use seeding never brings them back.

    Example:
      agentops-lite defaults drop
    """
    from agentops_lite.cli import render
    from agentops_lite.refresh.defaults import drop_defaults

    with catalog() as cat:
        dropped = drop_defaults(cat)
    if json_:
        render.emit_json({"dropped": [r.model_dump(mode="json") for r in dropped]})
        return
    plugins = sum(r.plugin_count for r in dropped)
    render.note(f"dropped {len(dropped)} default marketplace(s), {plugins} plugins")
