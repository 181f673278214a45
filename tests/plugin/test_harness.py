"""The test harness itself: the fake Messages API and the skip-or-fail rule for Claude tests."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.claude_fixtures import unavailable
from tests.fake_anthropic import FakeAnthropic, bash, text


def post(url: str, body: dict[str, Any]) -> tuple[str, bytes]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def parse_sse(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for chunk in raw.decode().strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in chunk.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_streams_scripted_turns_then_the_default_and_records_requests() -> None:
    with FakeAnthropic(script=[[text("hi "), bash("agentops-lite run next R --json")]]) as fake:
        agent = {"model": "m", "stream": True, "tools": [{"name": "Bash"}], "messages": []}
        kind, raw = post(f"{fake.url}/v1/messages?beta=true", agent)
        assert kind == "text/event-stream"
        events = parse_sse(raw)
        names = [name for name, _ in events]
        assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
        assert events[-2][1]["delta"]["stop_reason"] == "tool_use"
        starts = [data["content_block"] for name, data in events if name == "content_block_start"]
        assert starts[1]["type"] == "tool_use" and starts[1]["id"].startswith("toolu_")
        deltas = [data["delta"] for name, data in events if name == "content_block_delta"]
        assert deltas[0] == {"type": "text_delta", "text": "hi "}
        assert json.loads(deltas[1]["partial_json"])["command"] == "agentops-lite run next R --json"

        # A side request (no tools) does not consume the script; non-streaming works too.
        _, raw = post(f"{fake.url}/v1/messages", {"model": "m", "messages": []})
        assert json.loads(raw)["content"] == [text("Done.")]
        _, raw = post(f"{fake.url}/v1/messages/count_tokens", {"messages": []})
        assert json.loads(raw)["input_tokens"] >= 1

        assert [r.path for r in fake.requests] == [
            "/v1/messages?beta=true",
            "/v1/messages",
            "/v1/messages/count_tokens",
        ]
        assert len(fake.agent_turns()) == 1 and len(fake.message_requests()) == 2


def test_missing_claude_skips_locally_but_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENTOPS_CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        unavailable("no npm")
    monkeypatch.setenv("AGENTOPS_CI", "1")
    with pytest.raises(pytest.fail.Exception, match="mandatory in CI: no npm"):
        unavailable("no npm")
