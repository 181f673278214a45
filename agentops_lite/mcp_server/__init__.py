"""The MCP server over the same core as the CLI (needs the optional `mcp` extra)."""

from __future__ import annotations

from agentops_lite.errors import UsageError

INSTALL_HINT = "pip install 'agentops-lite[mcp]'  (or: uv tool install 'agentops-lite[mcp]')"


def require_sdk() -> None:
    """The SDK is an optional extra: say how to get it instead of failing on an import."""
    try:
        import mcp  # noqa: F401
    except ImportError:
        raise UsageError(
            "the MCP server needs the optional `mcp` package, which is not installed",
            hint=INSTALL_HINT,
        ) from None


def parse_bind(text: str, allow_remote: bool) -> tuple[str, int, str | None]:
    """`HOST:PORT` (`[::1]:PORT` for IPv6) -> host, port and a warning for a non-loopback bind.

    Loopback only unless asked: the server has no authentication, so anyone who can reach
    the address could run its tools (start runs, refresh the catalog, read local paths).
    """
    host, sep, port_text = text.rpartition(":")
    host = host.strip("[]") if host.startswith("[") else host
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) < 65536:
        raise UsageError(f"--http {text!r}: expected HOST:PORT", hint="e.g. --http 127.0.0.1:8765")
    if is_loopback(host):
        return host, int(port_text), None
    if not allow_remote:
        raise UsageError(
            f"--http {text!r} is not a loopback address; the server has no authentication",
            hint="add --allow-remote to bind it anyway, or use 127.0.0.1",
        )
    warning = (
        f"serving MCP on {host}:{port_text}, beyond this machine, with no authentication: "
        "anyone who can reach it can call every tool"
    )
    return host, int(port_text), warning


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it could resolve to anything
        return False
