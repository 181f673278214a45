"""A loopback stand-in for the Anthropic Messages API as the real Claude Code calls it."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Block = dict[str, Any]
# A scripted turn: fixed content blocks, or a function of the request body returning them.
Turn = list[Block] | Callable[[dict[str, Any]], list[Block]]


def text(value: str) -> Block:
    """A text content block."""
    return {"type": "text", "text": value}


def tool_use(name: str, tool_input: dict[str, Any], tool_id: str | None = None) -> Block:
    """A tool_use content block (e.g. ``tool_use("Bash", {"command": "ls"})``)."""
    return {"type": "tool_use", "id": tool_id or "", "name": name, "input": tool_input}


def bash(command: str, description: str = "run a command") -> Block:
    """A Bash tool call as Claude Code's Bash tool expects it."""
    return tool_use("Bash", {"command": command, "description": description})


@dataclass
class Recorded:
    """One HTTP request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON when the body was JSON, else the raw text

    @property
    def is_messages(self) -> bool:
        return self.method == "POST" and self.path.split("?")[0] == "/v1/messages"

    @property
    def is_agent_turn(self) -> bool:
        """A main-loop model call: one that offers tools (side calls such as titles offer none)."""
        return self.is_messages and isinstance(self.body, dict) and bool(self.body.get("tools"))

    def prompt_text(self) -> str:
        """All text Claude Code sent in this request (system prompt, messages, tool results)."""
        if not isinstance(self.body, dict):
            return str(self.body)
        parts: list[str] = []
        _collect_text(self.body.get("system"), parts)
        _collect_text(self.body.get("messages"), parts)
        return "\n".join(parts)

    def last_user_text(self) -> str:
        """Text of the final user message (where tool results of the previous turn arrive)."""
        messages = self.body.get("messages") if isinstance(self.body, dict) else None
        users = [m for m in messages or [] if isinstance(m, dict) and m.get("role") == "user"]
        parts: list[str] = []
        _collect_text(users[-1:], parts)
        return "\n".join(parts)


def _collect_text(node: Any, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for item in node:
            _collect_text(item, out)
    elif isinstance(node, dict):
        if isinstance(node.get("text"), str):
            out.append(node["text"])
        if "content" in node:
            _collect_text(node["content"], out)


@dataclass
class FakeAnthropic:
    """Threaded HTTP server on 127.0.0.1 with a free port; answers agent turns from ``script``.

    Agent turns (requests offering tools) consume ``script`` in order; once it is exhausted, or
    for side requests (titles, topic checks, quota probes), the reply is ``default_text``.
    """

    script: list[Turn] = field(default_factory=list)
    default_text: str = "Done."
    model: str = "claude-sonnet-fake"
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeAnthropic:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- inspection --------------------------------------------------------------------------
    def agent_turns(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.is_agent_turn]

    def message_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.is_messages]

    def all_prompt_text(self) -> str:
        return "\n".join(r.prompt_text() for r in self.message_requests())

    # -- answering ---------------------------------------------------------------------------
    def _record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)

    def _next_blocks(self, rec: Recorded) -> list[Block]:
        turn: Turn | None = None
        if rec.is_agent_turn:
            with self._lock:
                if self.script:
                    turn = self.script.pop(0)
        if turn is None:
            return [text(self.default_text)]
        blocks = turn(rec.body) if callable(turn) else turn
        out = []
        for block in blocks:
            block = dict(block)
            if block.get("type") == "tool_use" and not block.get("id"):
                block["id"] = f"toolu_fake{next(self._ids):04d}"
            out.append(block)
        return out

    def _message(self, blocks: list[Block]) -> dict[str, Any]:
        stop = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
        return {
            "id": f"msg_fake{next(self._ids):04d}",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": blocks,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 5},
        }


def sse_events(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The Messages API streaming events for one complete message."""
    head = dict(message, content=[], stop_reason=None)
    head["usage"] = {"input_tokens": message["usage"]["input_tokens"], "output_tokens": 1}
    yield "message_start", {"type": "message_start", "message": head}
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": text("")},
            )
            delta = {"type": "text_delta", "text": block["text"]}
        else:
            start = dict(block, input={})
            yield (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": start},
            )
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        yield "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": message["usage"]["output_tokens"]},
        },
    )
    yield "message_stop", {"type": "message_stop"}


def _make_handler(fake: FakeAnthropic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            pass  # keep test output clean; everything is in fake.requests

        def _read_body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                return json.loads(raw) if raw else None
            except ValueError:
                return raw.decode("utf-8", "replace")

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("request-id", f"req_fake{next(fake._ids):04d}")
            self.end_headers()
            self.wfile.write(payload)

        def _json(self, status: int, obj: Any) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json")

        def _handle(self) -> None:
            body = self._read_body() if self.command in ("POST", "PUT", "PATCH") else None
            rec = Recorded(self.command, self.path, dict(self.headers.items()), body)
            fake._record(rec)
            path = self.path.split("?")[0]
            if self.command == "POST" and path == "/v1/messages/count_tokens":
                self._json(200, {"input_tokens": max(1, len(json.dumps(body)) // 4)})
            elif rec.is_messages:
                message = fake._message(fake._next_blocks(rec))
                if isinstance(body, dict) and body.get("stream"):
                    stream = "".join(
                        f"event: {name}\ndata: {json.dumps(data)}\n\n"
                        for name, data in sse_events(message)
                    )
                    self._send(200, stream.encode(), "text/event-stream")
                else:
                    self._json(200, message)
            else:
                self._json(
                    404,
                    {"type": "error", "error": {"type": "not_found_error", "message": path}},
                )

        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            self._handle()

        def do_POST(self) -> None:  # noqa: N802
            self._handle()

        def do_HEAD(self) -> None:  # noqa: N802
            self._handle()

    return Handler
