"""MCP server start-up: median time from spawning `agentops-lite mcp` (stdio) to its first
`tools/list` answer, vs `python -c pass`; and the first `search_plugins` answer on a fresh home.

Speaks newline-delimited JSON-RPC itself, so the client's own start-up is not in the figure.
Usage: python benchmarks/mcp_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import python_pass  # noqa: E402


def _send(stream: IO[str], message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def _answer(stream: IO[str], ident: int) -> dict[str, Any]:
    for line in stream:
        message: dict[str, Any] = json.loads(line)
        if message.get("id") == ident:
            return message
    raise RuntimeError("the server closed stdout before answering")


def first_answers(exe: str, home: str) -> tuple[float, float]:
    """Seconds from spawn to the tools/list answer, and to the first search answer after it."""
    env = dict(os.environ, AGENTOPS_HOME=home)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [exe, "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        hello = {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"},
        }
        _send(proc.stdin, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello})
        _answer(proc.stdout, 1)
        _send(proc.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        _send(proc.stdin, {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}})
        tools = _answer(proc.stdout, 2)
        listed = time.perf_counter() - start
        assert len(tools["result"]["tools"]) >= 10, tools
        call = {"name": "search_plugins", "arguments": {"query": "kubernetes helm", "limit": 5}}
        _send(proc.stdin, {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": call})
        found = _answer(proc.stdout, 3)
        searched = time.perf_counter() - start - listed
        assert not found["result"].get("isError"), found
        return listed, searched
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    exe = shutil.which("agentops-lite", path=str(Path(sys.executable).parent)) or "agentops-lite"
    base = python_pass(args.runs)
    listed: list[float] = []
    searched: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        first_answers(exe, str(Path(tmp) / "warm-up"))
        for i in range(args.runs):
            # A fresh home each run: the first search also unpacks the seeded catalog.
            a, b = first_answers(exe, str(Path(tmp) / f"home-{i}"))
            listed.append(a)
            searched.append(b)
    lst, srch = statistics.median(listed), statistics.median(searched)
    print(f"python -c pass                       median {base * 1000:7.1f} ms")
    print(f"spawn -> first tools/list answer     median {lst * 1000:7.1f} ms  ({lst / base:.1f}x)")
    print(f"then first search_plugins (fresh)    median {srch * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
