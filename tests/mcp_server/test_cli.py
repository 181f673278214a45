"""`agentops-lite mcp` as a command: no extra, bind addresses, a light base start-up."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from agentops_lite.errors import UsageError
from agentops_lite.mcp_server import parse_bind


def run_without_sdk(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process where `import mcp` fails, as in a base install without [mcp]."""
    code = (
        "import sys\n"
        "sys.modules['mcp'] = None  # makes `import mcp` raise ImportError\n"
        "from agentops_lite.cli import main\n"
        f"main({list(args)!r})\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("args", [["mcp"], ["mcp", "--http", "127.0.0.1:0"]], ids=["stdio", "http"])
def test_mcp_without_the_extra_says_how_to_install_it(args: list[str]) -> None:
    done = run_without_sdk(*args)
    assert done.returncode == 2, done.stderr
    assert "the MCP server needs the optional `mcp` package" in done.stderr
    assert "pip install 'agentops-lite[mcp]'" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_mcp_refuses_a_non_loopback_bind_without_the_flag(cli: Callable[..., Any]) -> None:
    result = cli("mcp", "--http", "0.0.0.0:8765")
    assert result.exit_code == 2, result.stderr
    assert "not a loopback address" in result.stderr and "--allow-remote" in result.stderr
    for bad in ("8765", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000"):
        result = cli("mcp", "--http", bad)
        assert result.exit_code == 2 and "expected HOST:PORT" in result.stderr, bad


def test_mcp_allow_remote_warns_before_binding(cli: Callable[..., Any]) -> None:
    # 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails, so nothing is served
    # and no packet leaves the machine, but the warning must come first.
    result = cli("mcp", "--http", "192.0.2.1:8765", "--allow-remote")
    assert result.exit_code == 4, result.stderr
    warning = result.stderr.index("warning: serving MCP on 192.0.2.1:8765")
    assert "no authentication" in result.stderr
    assert warning < result.stderr.index("error: cannot listen on 192.0.2.1:8765")


def test_mcp_a_taken_port_is_an_error_line_not_a_traceback(cli: Callable[..., Any]) -> None:
    pytest.importorskip("mcp")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("mcp", "--http", f"127.0.0.1:{port}")
    assert result.exit_code == 4, result.stderr
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [("127.0.0.1:8765", "127.0.0.1", 8765), ("[::1]:9", "::1", 9), ("localhost:0", "localhost", 0),
     ("127.0.0.2:80", "127.0.0.2", 80)],
)  # fmt: skip
def test_parse_bind_loopback_needs_no_flag(text: str, host: str, port: int) -> None:
    assert parse_bind(text, allow_remote=False) == (host, port, None)


def test_parse_bind_a_host_name_is_not_assumed_local() -> None:
    with pytest.raises(UsageError):
        parse_bind("myhost.local:8765", allow_remote=False)
    _host, _port, warning = parse_bind("myhost.local:8765", allow_remote=True)
    assert warning and "no authentication" in warning


def test_base_cli_start_up_does_not_import_the_sdk() -> None:
    code = (
        "import sys\n"
        "from agentops_lite.cli import main\n"
        "for argv in (['--version'], ['mcp', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "sdk = {'mcp', 'uvicorn', 'starlette', 'agentops_lite.mcp_server.server'}\n"
        "print(sorted(loaded & sdk))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
