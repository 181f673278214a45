"""Trust commands: `changes` (what plugins run that changed between refreshes) and `review`."""

from __future__ import annotations

from typing import Annotated

import typer

from agentops_lite.cli.common import JsonOpt, catalog, read_catalog


def changes(
    plugins: Annotated[
        list[str] | None,
        typer.Argument(metavar="PLUGIN[@MARKETPLACE]", help="Only these plugins (all)"),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Only changes seen on or after DATE"),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """What plugins run that changed between refreshes: hook and MCP commands, bin files, hosts.

    Installed plugins whose surface changed since you installed or last reviewed them are
    marked; `agentops-lite review PLUGIN` records that you looked.

    Examples:
      agentops-lite changes
      agentops-lite changes commit-commands --since 2026-01-01 --json
    """
    from datetime import datetime, timezone

    from agentops_lite.cli import render
    from agentops_lite.discovery.trust import changes as run
    from agentops_lite.errors import UsageError

    when = None
    if since is not None:
        try:
            when = datetime.fromisoformat(since)
        except ValueError as exc:
            raise UsageError(f"--since {since!r} is not a date", hint="use YYYY-MM-DD") from exc
        when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    with read_catalog() as cat:
        result = run(cat, plugins or None, when)
    if json_:
        render.emit_json(result)
        return
    from agentops_lite.cli.trust_views import changes_view

    changes_view(result)


def review(
    plugin: Annotated[
        str, typer.Argument(metavar="PLUGIN[@MARKETPLACE]", help="The plugin you reviewed")
    ],
    json_: JsonOpt = False,
) -> None:
    """Record that you reviewed what a plugin runs, as the catalog holds it now.

    Examples:
      agentops-lite review commit-commands
      agentops-lite review helm@han --json
    """
    from agentops_lite.cli import render
    from agentops_lite.discovery.review import review as run

    with catalog() as cat:
        result = run(cat, plugin)
    if json_:
        render.emit_json(result)
        return
    from agentops_lite.cli.trust_views import review_view

    review_view(result)


def register(app: typer.Typer) -> None:
    app.command("changes")(changes)
    app.command("review")(review)
