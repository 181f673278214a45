"""Console-script entry: answers `--version` and plain hot read commands without typer."""

from __future__ import annotations

import sys


def main() -> None:
    # `--version` is what scripts and the Claude Code launcher call to probe the install;
    # answering it before typer/click load keeps that probe at interpreter start-up cost.
    if sys.argv[1:] in (["--version"], ["-V"]):
        from agentops_lite import __version__

        sys.stdout.write(f"agentops-lite {__version__}\n")
        return
    try:
        from agentops_lite.cli import fast

        # A warm `discover` should cost about an interpreter start-up plus the query; typer
        # building its app would be most of it. Forms fast.run is unsure of go to typer.
        if fast.run(sys.argv[1:]):
            return
        from agentops_lite.cli import main as cli_main
    except KeyboardInterrupt:
        # Ctrl-C while the CLI loads: the same answer as during a command, never a traceback.
        if "--json" in sys.argv[1:]:
            sys.stdout.write(
                '{"error": {"type": "Interrupted", "message": "interrupted", "hint": null, '
                '"exit_code": 130}}\n'
            )
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    cli_main()
