"""Fixtures for driving `agentops-lite mcp` with the SDK's own client, over stdio and HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.conftest import REPO

FIXTURE_MARKET = REPO / "tests" / "fixtures" / "discover_market"


def server_command() -> list[str]:
    return [sys.executable, "-m", "agentops_lite", "mcp"]


def stdio_params() -> Any:
    from mcp import StdioServerParameters

    # The SDK passes only a few safe variables by default; the isolated AGENTOPS_HOME must reach it.
    return StdioServerParameters(
        command=server_command()[0], args=server_command()[1:], env=dict(os.environ)
    )


def structured(result: Any) -> dict[str, Any]:
    """A successful tool result's structured content, which must equal its text content."""
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    assert json.loads(result.content[0].text) == data
    return data


@pytest.fixture
def prepared(cli: Callable[..., Result]) -> Callable[..., Any]:
    """A catalog holding the demo marketplace; returns cli_json(*args) -> the CLI's --json."""
    done = cli("marketplace", "add", str(FIXTURE_MARKET), "--json")
    assert done.exit_code == 0, done.stdout + done.stderr

    def cli_json(*args: str, code: int = 0) -> Any:
        done = cli(*args, "--json")
        assert done.exit_code == code, done.stdout + done.stderr
        return json.loads(done.stdout)

    return cli_json


class HttpServer:
    """`agentops-lite mcp --http 127.0.0.1:0` in a subprocess; the URL it printed."""

    def __init__(self, log: Path, *extra: str) -> None:
        # stderr to a file, not a pipe: a pipe nobody drains would block the server once full.
        self.log = log
        with log.open("w") as err:
            self.proc = subprocess.Popen(
                [*server_command(), "--http", "127.0.0.1:0", *extra],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        deadline = time.monotonic() + 60
        found = None
        while time.monotonic() < deadline and self.proc.poll() is None:
            if found := re.search(r"http://\S+/mcp", log.read_text()):
                break
            time.sleep(0.05)
        assert found, f"no URL printed (exit {self.proc.poll()}): {log.read_text()}"
        self.url = found.group(0)

    def rss_kib(self) -> int:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        assert match, status
        return int(match.group(1))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def http_server(prepared: Callable[..., Any], tmp_path: Path) -> Iterator[HttpServer]:
    server = HttpServer(tmp_path / "mcp-http.log")
    try:
        yield server
    finally:
        server.stop()
