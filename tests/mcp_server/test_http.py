"""The MCP server over streamable HTTP: parity with the CLI, 200 calls, concurrent clients, RSS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from tests.mcp_server.conftest import HttpServer, structured

pytest.importorskip("mcp", reason="the [mcp] extra is not installed")

# Calls that between them touch the catalog, the index and the run store.
MIX: list[tuple[str, dict[str, Any]]] = [
    ("search_plugins", {"query": "review my pull requests", "limit": 3}),
    ("show_plugin", {"plugin": "helm-pilot"}),
    ("similar_plugins", {"plugin": "sql-tuner", "limit": 2}),
    ("catalog_status", {}),
    ("show_plugin", {"plugin": "no-such-plugin"}),  # an error every few calls, too
]


def stable(result: Any) -> Any:
    if result.is_error:
        return ("error", result.content[0].text)
    data = dict(structured(result))
    data.pop("seq", None)  # counts searches
    return data


async def calls(url: str, n: int, offset: int = 0) -> list[Any]:
    from mcp import Client

    out = []
    async with Client(url) as client:
        for i in range(n):
            name, args = MIX[(i + offset) % len(MIX)]
            out.append(stable(await client.call_tool(name, args)))
    return out


def test_mcp_http_lists_tools_and_answers_as_the_cli(
    http_server: HttpServer, prepared: Callable[..., Any]
) -> None:
    async def main() -> Any:
        from mcp import Client

        async with Client(http_server.url) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            found = await client.call_tool("search_plugins", {"query": "helm charts", "limit": 2})
            return names, structured(found)

    names, found = anyio.run(main)
    assert "search_plugins" in names and "run_record" in names
    want = prepared("discover", "helm charts", "--limit", "2")
    assert {**found, "seq": 0} == {**want, "seq": 0}
    assert found["results"][0]["plugin"] == "helm-pilot"


@pytest.mark.slow
def test_mcp_http_survives_200_calls_and_concurrent_clients_with_bounded_rss(
    http_server: HttpServer, record_property: pytest.RecordProperty
) -> None:
    reference = anyio.run(calls, http_server.url, len(MIX))
    assert reference[-1][0] == "error" and reference[0]["results"]
    anyio.run(calls, http_server.url, 20)  # warm-up: imports, caches, the SQLite page cache
    warm = http_server.rss_kib()

    in_a_row = anyio.run(calls, http_server.url, 200)
    assert in_a_row == [reference[i % len(MIX)] for i in range(200)]
    after_serial = http_server.rss_kib()

    async def concurrent() -> list[list[Any]]:
        results: list[list[Any]] = [[] for _ in range(8)]

        async def one(k: int) -> None:
            results[k] = await calls(http_server.url, 25, offset=k)

        async with anyio.create_task_group() as group:
            for k in range(8):
                group.start_soon(one, k)
        return results

    for k, got in enumerate(anyio.run(concurrent)):
        assert got == [reference[(i + k) % len(MIX)] for i in range(25)], k
    after_concurrent = http_server.rss_kib()
    assert http_server.proc.poll() is None, http_server.log.read_text()
    record_property("rss_kib", [warm, after_serial, after_concurrent])
    print(f"RSS KiB: warm {warm}, after 200 calls {after_serial}, after 8x25 {after_concurrent}")
    # 400 calls over 9 sessions; a leak of even 50 KiB a call would pass 20 MiB.
    assert after_concurrent - warm < 20 * 1024, (warm, after_serial, after_concurrent)


def test_mcp_http_refuses_a_foreign_host_header(http_server: HttpServer) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the tools."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream", "Host": "evil.example"}
    refused = httpx.post(http_server.url, json=body, headers=headers, timeout=10)
    assert refused.status_code in (400, 403, 421), refused.text
    assert "search_plugins" not in refused.text
