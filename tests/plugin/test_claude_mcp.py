"""The MCP server in the real Claude Code: `claude mcp add`, `mcp list`, and a tool call in `-p`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.claude_code import ClaudeRunner
from tests.fake_anthropic import FakeAnthropic, text, tool_use
from tests.mcp_server.conftest import FIXTURE_MARKET

pytestmark = pytest.mark.claude
pytest.importorskip("mcp", reason="the [mcp] extra is not installed")

SEARCH = "mcp__agentops-lite__search_plugins"


def first_assistant_blocks(turn: Any) -> list[dict[str, Any]]:
    [message] = [m for m in turn.body["messages"] if m["role"] == "assistant"][:1]
    return list(message["content"])


def last_user_blocks(turn: Any) -> list[dict[str, Any]]:
    content = [m for m in turn.body["messages"] if m["role"] == "user"][-1]["content"]
    return [b for b in content if isinstance(b, dict)]


def add_server(claude: ClaudeRunner, home: Path, tmp_path: Path) -> None:
    # The README's line, with this checkout's interpreter and the test's catalog.
    claude.run(
        "mcp", "add", "--scope", "user", "agentops-lite",
        "-e", f"AGENTOPS_HOME={home}", "-e", f"AGENTOPS_CLAUDE_BIN={tmp_path / 'no-claude'}",
        "--", sys.executable, "-m", "agentops_lite", "mcp",
    )  # fmt: skip


def test_claude_mcp_add_registers_the_server_and_list_shows_it_connected(
    claude: ClaudeRunner, isolated_home: Path, tmp_path: Path
) -> None:
    add_server(claude, isolated_home, tmp_path)
    listed = claude.run("mcp", "list", timeout=120).stdout
    line = next(x for x in listed.splitlines() if x.startswith("agentops-lite:"))
    assert "agentops_lite mcp" in line and "Connected" in line, listed
    details = claude.run("mcp", "get", "agentops-lite").stdout
    assert "Type: stdio" in details and f"AGENTOPS_HOME={isolated_home}" in details


# The server Claude Code starts has the [semantic] extra's stage on (its environment does not
# carry the suite's AGENTOPS_SEMANTIC=0), so the CLI it is compared with has it on too.
@pytest.mark.usefixtures("semantic")
def test_claude_p_calls_the_search_tool_and_the_ranking_reaches_the_model(
    claude: ClaudeRunner,
    fake_anthropic: FakeAnthropic,
    cli: Callable[..., Any],
    isolated_home: Path,
    tmp_path: Path,
) -> None:
    assert cli("marketplace", "add", str(FIXTURE_MARKET), "--json").exit_code == 0
    add_server(claude, isolated_home, tmp_path)
    # Claude Code connects MCP servers in the background by default, so on a loaded machine
    # the first turn can go out before the Python server has started: make it wait.
    claude.extra_env["MCP_CONNECTION_NONBLOCKING"] = "false"
    query = {"query": "review my pull requests", "limit": 3}
    fake_anthropic.script = [[tool_use(SEARCH, query)], [text("Use pr-review-pro.")]]
    done = claude.prompt(
        "which plugin reviews pull requests?", fake_anthropic.url, "--allowedTools", SEARCH
    )
    assert done.stdout.strip() == "Use pr-review-pro."

    first, second = fake_anthropic.agent_turns()
    # (Whether `first` lists the tool depends on how fast the server connected: Claude Code
    # sends the first turn without waiting, and waits for the server when the tool is called.)
    [call] = [b for b in first_assistant_blocks(second) if b.get("type") == "tool_use"]
    [answer] = [b for b in last_user_blocks(second) if b.get("type") == "tool_result"]
    assert call["name"] == SEARCH and call["input"] == query
    assert answer["tool_use_id"] == call["id"] and not answer.get("is_error"), answer
    result = second.last_user_text()
    start = result.index('{"query"')
    got, _end = json.JSONDecoder().raw_decode(result[start:])
    want = json.loads(cli("discover", query["query"], "--limit", "3", "--json").stdout)
    assert {**got, "seq": 0} == {**want, "seq": 0}
    assert got["results"][0]["plugin"] == "pr-review-pro"


def test_claude_mcp_add_over_http_shows_it_connected(claude: ClaudeRunner, tmp_path: Path) -> None:
    from tests.mcp_server.conftest import HttpServer

    server = HttpServer(tmp_path / "mcp-http.log")
    try:
        claude.run("mcp", "add", "--scope", "user", "--transport", "http", "aol-http", server.url)
        listed = claude.run("mcp", "list", timeout=120).stdout
        line = next(x for x in listed.splitlines() if x.startswith("aol-http:"))
        assert server.url in line and "Connected" in line, listed
    finally:
        server.stop()
