"""The typer app: its commands, and `main`, which runs it through the one exit path (`guard`)."""

from __future__ import annotations

import re
import sys
from typing import Annotated

import typer

from agentops_lite import __version__
from agentops_lite.cli.guard import _state, run_guarded

app = typer.Typer(
    name="agentops-lite",
    help="Find, compare and combine Claude Code plugins across every marketplace.\n\n"
    'Start with:  agentops-lite discover "kubernetes helm"',
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,  # locals may hold the GitHub token
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"agentops-lite {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show details (tracebacks) on errors.")
    ] = False,
) -> None:
    """Find, compare and combine Claude Code plugins across every marketplace."""
    _state["verbose"] = verbose


def _register() -> None:
    # Each module only imports typer at top level; the work is imported inside commands.
    from agentops_lite.cli import (
        catalog_cmds,
        defaults,
        find,
        install_plan,
        marketplace,
        mcp_cmd,
        schema_cmd,
        stats,
    )
    from agentops_lite.cli import discover as discover_cmds
    from agentops_lite.cli import run as run_cmds
    from agentops_lite.cli import workflow as workflow_cmds

    discover_cmds.register(app)
    find.register(marketplace.app)
    app.add_typer(marketplace.app, name="marketplace")
    app.add_typer(workflow_cmds.app, name="workflow")
    app.add_typer(run_cmds.app, name="run")
    app.add_typer(defaults.app, name="defaults")
    catalog_cmds.register(app)
    stats.register(app)
    mcp_cmd.register(app)
    schema_cmd.register(app)
    install_plan.register(app)
    from agentops_lite.cli import trust_cmds

    trust_cmds.register(app)


def _keep_example_layout(group: typer.Typer) -> None:
    """Mark each `Example(s):` paragraph so help output keeps one example per line.

    Click re-wraps help paragraphs unless they start with a `\\b` line; writing that marker
    into every docstring by hand would clutter them, so it is added here, once.
    """
    for info in group.registered_commands:
        doc = info.callback.__doc__ if info.callback else None
        if doc and "\b\n" not in doc:
            info.callback.__doc__ = re.sub(r"\n([ \t]*)(Examples?:)", r"\n\1\b\n\1\2", doc)
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _keep_example_layout(sub.typer_instance)


_register()
_keep_example_layout(app)


def main(argv: list[str] | None = None) -> None:
    """Run the app on argv; errors leave through `guard.run_guarded`."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Not standalone: usage errors and Ctrl-C come back here, so they get the same
    # `error:` line (and JSON document under --json) as every other error.
    run_guarded(lambda: app(args=args, prog_name="agentops-lite", standalone_mode=False), args)
