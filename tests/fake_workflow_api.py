"""A loopback Messages API scripted for exported workflows: one Workflow call, canned agents."""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fake_anthropic import Block, FakeAnthropic, Recorded, text, tool_use

STEP_RE = re.compile(r"\[agentops step ([^\]]+)\]")


@dataclass
class AgentCall:
    """One agent conversation of the workflow: which step, when it was in flight."""

    step: str
    attempt: int
    start: float
    end: float = 0.0
    prompt: str = ""


def _has_tool_result(body: dict[str, Any]) -> bool:
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list) and any(
            isinstance(c, dict) and c.get("type") == "tool_result" for c in content
        ):
            return True
    return False


@dataclass
class WorkflowAPI(FakeAnthropic):
    """The main loop's first turn calls `Workflow({name})`; every later main-loop turn says done.

    An agent conversation is recognised by the `[agentops step ID]` its prompt starts with, and
    answered with a StructuredOutput call carrying ``answers[ID][attempt]`` (the last repeats;
    default: success), after ``delay`` seconds so that parallel agents overlap in time.
    """

    workflow: str = ""
    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    delay: float = 0.0
    calls: list[AgentCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._tool_ids = itertools.count(1)
        self._calls_lock = threading.Lock()

    def order(self) -> list[str]:
        """Steps in the order their agents started (a retry appears again)."""
        with self._calls_lock:
            return [c.step for c in sorted(self.calls, key=lambda c: c.start)]

    def overlapped(self, a: str, b: str) -> bool:
        with self._calls_lock:
            ca = next(c for c in self.calls if c.step == a)
            cb = next(c for c in self.calls if c.step == b)
        return ca.start < cb.end and cb.start < ca.end

    def _next_blocks(self, rec: Recorded) -> list[Block]:
        blocks = self._answer(rec)
        for block in blocks:
            if block.get("type") == "tool_use" and not block.get("id"):
                block["id"] = f"toolu_wf{next(self._tool_ids):05d}"
        return blocks

    def _answer(self, rec: Recorded) -> list[Block]:
        body = rec.body if isinstance(rec.body, dict) else {}
        tools = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
        found = STEP_RE.search(rec.prompt_text())
        if found and "StructuredOutput" in tools:
            if _has_tool_result(body):
                return [text("Reported.")]
            step = found.group(1)
            with self._calls_lock:
                attempt = sum(c.step == step for c in self.calls)
                call = AgentCall(step, attempt + 1, time.monotonic(), prompt=rec.prompt_text())
                self.calls.append(call)
            time.sleep(self.delay)
            call.end = time.monotonic()
            script = self.answers.get(step) or [{"status": "success", "summary": "done"}]
            answer = {"summary": "done", **script[min(attempt, len(script) - 1)]}
            return [tool_use("StructuredOutput", answer)]
        if "Workflow" in tools and not _has_tool_result(body):
            return [tool_use("Workflow", {"name": self.workflow})]
        return [text(self.default_text)]
