"""The `agentops-lite` command line; the typer app is built only when asked for (`cli.typer_app`).

Importing this package is cheap so the hot read commands (`cli.fast`) can run without typer.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app, turn errors into one line and an exit code."""
    from agentops_lite.cli.typer_app import main as app_main

    app_main(argv)


def __getattr__(name: str) -> object:
    # `from agentops_lite.cli import app` keeps working; it builds the app on first use.
    if name == "app":
        from agentops_lite.cli.typer_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
