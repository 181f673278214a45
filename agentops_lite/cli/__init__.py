"""The `agentops-lite` command line: builds the app and maps every error to one exit path."""

from __future__ import annotations

import os
import re
import sys
from typing import Annotated

import typer

from agentops_lite import __version__

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

_state = {"verbose": False}


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


def _wants_json(argv: list[str]) -> bool:
    return "--json" in argv


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app, turn errors into one line and an exit code."""
    from agentops_lite.errors import AgentOpsError, ExitCode

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        # Not standalone: usage errors and Ctrl-C come back here, so they get the same
        # `error:` line (and JSON document under --json) as every other error.
        code = app(args=args, prog_name="agentops-lite", standalone_mode=False)
    except AgentOpsError as exc:
        json_doc = _wants_json(args) and not exc.reported
        _report(exc.message, exc.hint, exc.exit_code, type(exc).__name__, json_doc)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        code = ExitCode.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a raw traceback
        if _is_usage_error(exc):
            _usage_error(exc, args)
        if _state["verbose"] or os.environ.get("AGENTOPS_DEBUG"):
            raise
        message = f"internal error: {type(exc).__name__}: {exc}"
        hint = "run again with -v to see the traceback"
        _report(message, hint, ExitCode.ENVIRONMENT, "InternalError", _wants_json(args))
        sys.exit(int(ExitCode.ENVIRONMENT))
    if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
        _report("interrupted", None, ExitCode.INTERRUPTED, "Interrupted", _wants_json(args))
    if isinstance(code, int) and code:
        sys.exit(code)


def _is_usage_error(exc: Exception) -> bool:
    # Click (vendored by typer, so not imported by name) signals bad flags and values this way.
    return any(cls.__name__ == "UsageError" for cls in type(exc).__mro__)


def _usage_error(exc: Exception, args: list[str]) -> None:
    """A bad flag or value: exit 2; `error:` line, and the JSON document under --json."""
    from agentops_lite.errors import ExitCode

    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as before
        exc.show()  # type: ignore[attr-defined]
        sys.exit(int(ExitCode.USAGE))
    message = str(exc.format_message())  # type: ignore[attr-defined]
    hint = None
    if ctx is not None:
        hint = f"see `{ctx.command_path} {ctx.help_option_names[0]}`"
    _report(message, hint, ExitCode.USAGE, "UsageError", _wants_json(args))
    sys.exit(int(ExitCode.USAGE))


def _report(message: str, hint: str | None, code: int, kind: str, json_doc: bool) -> None:
    from agentops_lite.cli import render

    if _state["verbose"]:
        import traceback

        traceback.print_exc(file=sys.stderr)
    if json_doc:
        render.emit_json(
            {"error": {"type": kind, "message": message, "hint": hint, "exit_code": code}}
        )
    render.error_line(message, hint)
