"""`mcp`: serve the core as MCP tools, over stdio or streamable HTTP."""

from __future__ import annotations

from typing import Annotated

import typer


def mcp(
    http: Annotated[
        str | None,
        typer.Option(
            "--http",
            metavar="HOST:PORT",
            help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio (loopback only).",
        ),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote", help="Allow a non-loopback --http address (no authentication!)."
        ),
    ] = False,
) -> None:
    """Run an MCP server over the catalog: search, show, compare, plan, runs (needs [mcp]).

    Stdio by default, for an MCP client that starts it (Claude Code, Codex, Cursor...).

    Examples:
      claude mcp add agentops-lite -- agentops-lite mcp
      agentops-lite mcp --http 127.0.0.1:8765
    """
    from agentops_lite.mcp_server import parse_bind, require_sdk

    bind = parse_bind(http, allow_remote) if http is not None else None
    require_sdk()
    from agentops_lite.mcp_server import server

    if bind is None:
        server.serve_stdio()
        return
    from agentops_lite.cli import render

    host, port, warning = bind
    if warning:
        render.warn(warning)
    sock = server.listen(host, port)
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    render.note(f"MCP over streamable HTTP at http://{shown}:{port}{server.HTTP_PATH}")
    server.serve_http(sock)


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)
