"""The one exit path: every error becomes an `error:` line (JSON under --json) and an exit code.

Typer-free, so the fast read path (`cli.fast`) and the typer app share it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

_state = {"verbose": False}


def wants_json(argv: list[str]) -> bool:
    return "--json" in argv


def run_guarded(call: Callable[[], object], args: list[str]) -> None:
    """Run one command; map what it raises (or the code it returns) to an exit."""
    from agentops_lite.errors import AgentOpsError, ExitCode

    try:
        code = call()
    except AgentOpsError as exc:
        json_doc = wants_json(args) and not exc.reported
        report(exc.message, exc.hint, exc.exit_code, type(exc).__name__, json_doc)
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
        report(message, hint, ExitCode.ENVIRONMENT, "InternalError", wants_json(args))
        sys.exit(int(ExitCode.ENVIRONMENT))
    if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
        report("interrupted", None, ExitCode.INTERRUPTED, "Interrupted", wants_json(args))
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
    report(message, hint, ExitCode.USAGE, "UsageError", wants_json(args))
    sys.exit(int(ExitCode.USAGE))


def report(message: str, hint: str | None, code: int, kind: str, json_doc: bool) -> None:
    from agentops_lite.cli import render

    if _state["verbose"]:
        import traceback

        traceback.print_exc(file=sys.stderr)
    if json_doc:
        render.emit_json(
            {"error": {"type": kind, "message": message, "hint": hint, "exit_code": code}}
        )
    render.error_line(message, hint)
