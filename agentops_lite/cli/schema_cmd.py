"""`agentops-lite schema [COMMAND]`: the JSON Schema of a command's --json output."""

from __future__ import annotations

from typing import Annotated

import typer


def schema(
    command: Annotated[
        list[str] | None,
        typer.Argument(metavar="[COMMAND]...", help="e.g. discover, run next, marketplace list"),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Accepted for symmetry: the output is always JSON.")
    ] = False,
) -> None:
    """Print the JSON Schema of a command's --json output; with no command, list them.

    Examples:
      agentops-lite schema discover
      agentops-lite schema run next > run-next.schema.json
      agentops-lite schema
    """
    from agentops_lite.cli import render
    from agentops_lite.cli.contract import COMMANDS, schema_for

    if not command:
        render.emit_json({"commands": sorted(COMMANDS)})
        return
    render.emit_json(schema_for(" ".join(command)))


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
