"""`refresh --timeout`: one deadline for the whole refresh; a hanging host costs at most that
(issue 16: 30 s read timeout x retries per request made one hang cost 125-248 s)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.errors import NetworkError
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.fetch import fetch_many
from agentops_lite.sources.http import HttpClient, NetConfig
from tests.fake_github import FakeGitHub
from tests.sources.conftest import good_repo


@pytest.fixture
def served(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    fake.add_repo("acme/good", good_repo())
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    return fake


def plugins_of(key: str) -> list[Any]:
    with Catalog.open() as cat:
        return [p.entry for p in cat.plugins() if p.marketplace_key == key]


def test_hanging_host_costs_at_most_the_deadline(
    served: FakeGitHub, cli: Callable[..., Any]
) -> None:
    for repo in ("acme/tools", "acme/good"):
        assert cli("marketplace", "add", repo).exit_code == 0
    assert cli("refresh", "acme/tools", "acme/good").exit_code == 0
    before = plugins_of("acme-tools")
    assert len(before) == 4
    served.push("acme/tools", "README.md", b"changed")
    # The default network settings: 30 s read timeout and 3 retries, minutes for this host.
    served.fault("/api/repos/acme/tools", "hang", seconds=300)
    started = time.monotonic()
    result = cli("refresh", "acme-tools", "acme-good", "--timeout", "3", "--json")
    took = time.monotonic() - started
    assert took < 15, f"{took:.1f} s"
    assert result.exit_code == 3, result.stdout + result.stderr
    outcomes = {o["key"]: o for o in json.loads(result.stdout)["outcomes"]}
    assert outcomes["acme-tools"]["status"] == "error"
    assert "timed out" in outcomes["acme-tools"]["message"]
    assert outcomes["acme-good"]["status"] in ("ok", "unchanged")
    assert plugins_of("acme-tools") == before


def test_sources_still_waiting_for_their_turn_time_out_too(served: FakeGitHub) -> None:
    served.fault("/api/repos/acme/tools", "hang", seconds=300)
    config = NetConfig(api_base=served.api_base, raw_base=served.raw_base, concurrency=1)
    specs = [SourceSpec(kind="github", location=r) for r in ("acme/tools", "acme/good")]

    async def go() -> list[LoadResult | Exception]:
        async with HttpClient(config) as client:
            deadline = time.monotonic() + 1.5
            return list(await fetch_many(specs, client=client, concurrency=1, deadline=deadline))

    started = time.monotonic()
    hung, waiting = asyncio.run(go())
    assert time.monotonic() - started < 10
    assert isinstance(hung, NetworkError) and "timed out" in hung.message
    assert isinstance(waiting, NetworkError) and "timed out" in waiting.message


def test_timeout_must_be_positive(cli: Callable[..., Any]) -> None:
    result = cli("refresh", "--timeout", "0")
    assert result.exit_code == 2
