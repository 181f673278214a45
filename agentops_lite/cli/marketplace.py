"""`agentops-lite marketplace …`: add, list, remove, import-claude."""

from __future__ import annotations

from typing import Annotated

import typer

from agentops_lite.cli.common import JsonOpt, catalog, read_catalog

app = typer.Typer(
    help="Manage the marketplaces in the catalog.", no_args_is_help=True, rich_markup_mode=None
)


@app.command("add")
def add(
    source: Annotated[
        str, typer.Argument(metavar="SOURCE", help="owner/repo[@ref], a git/https URL, or a folder")
    ],
    name: Annotated[
        str | None, typer.Option("--name", metavar="ID", help="Id to use in this catalog")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Add a marketplace; a local one is loaded at once.

    Examples:
      agentops-lite marketplace add ./my-marketplace
      agentops-lite marketplace add anthropics/claude-plugins-official
      agentops-lite marketplace add https://example.com/marketplace.json
    """
    from agentops_lite.cli import render
    from agentops_lite.refresh.update import add_source

    with catalog() as cat:
        record, outcome = add_source(cat, source, name=name)
    if json_:
        render.emit_json(
            {
                "marketplace": record.model_dump(mode="json"),
                "outcome": outcome.model_dump(mode="json") if outcome else None,
            }
        )
        return
    from agentops_lite.cli.views import marketplace_added

    marketplace_added(record, outcome)


@app.command("list")
def list_(json_: JsonOpt = False) -> None:
    """List the marketplaces in the catalog.

    Example:
      agentops-lite marketplace list --json
    """
    from agentops_lite.cli import render

    with read_catalog() as cat:
        records = cat.marketplaces()
    if json_:
        render.emit_json({"marketplaces": [r.model_dump(mode="json") for r in records]})
        return
    from agentops_lite.cli.views import marketplace_table

    marketplace_table(records)


@app.command("remove")
def remove(
    name: Annotated[
        str, typer.Argument(metavar="MARKETPLACE", help="Marketplace id, declared name or source")
    ],
    json_: JsonOpt = False,
) -> None:
    """Remove a marketplace and its plugins from the catalog.

    Example:
      agentops-lite marketplace remove my-marketplace
    """
    from agentops_lite.cli import render

    with catalog() as cat:
        record = cat.remove_marketplace(name)
    if json_:
        render.emit_json({"removed": record.model_dump(mode="json")})
    else:
        render.note(f"removed {record.key} ({record.plugin_count} plugins)")


@app.command("import-claude")
def import_claude(json_: JsonOpt = False) -> None:
    """Add every marketplace Claude Code knows (from its local copies) and mark installed plugins.

    Reads $CLAUDE_CONFIG_DIR (default ~/.claude)/plugins/known_marketplaces.json and
    installed_plugins.json, and the install counts `claude plugin list --json --available`
    prints when `claude` is on PATH (they feed the installs signal of `discover`). Works offline.

    Example:
      agentops-lite marketplace import-claude
    """
    from agentops_lite.cli import render
    from agentops_lite.refresh.update import import_claude as run
    from agentops_lite.refresh.update import import_install_counts

    with catalog() as cat:
        outcomes, installed = run(cat)
        counts = import_install_counts(cat)
    if json_:
        render.emit_json(
            {
                "marketplaces": [o.model_dump(mode="json") for o in outcomes],
                "installed_plugins": installed,
                "install_counts": counts,
            }
        )
        return
    from agentops_lite.cli.views import outcome_table

    outcome_table(outcomes)
    render.note(f"{len(outcomes)} marketplace(s) imported; {installed} installed plugin(s) marked")
    if counts:
        render.note(f"install counts from Claude Code for {counts} plugin(s)")
