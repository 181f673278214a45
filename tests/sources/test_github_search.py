"""`marketplace find` core: code search over the loopback fake, sharded past the 1,000 cap."""

from __future__ import annotations

import asyncio
import random

import pytest

from agentops_lite.errors import SourceError
from agentops_lite.sources.github_search import FindResult, find_marketplaces
from agentops_lite.sources.http import HttpClient
from tests.fake_github import FakeGitHub
from tests.sources.conftest import fast_config, small_repos


def find(fake: FakeGitHub, token: str | None = "tok", **kw: object) -> FindResult:
    async def go() -> FindResult:
        async with HttpClient(fast_config(fake), token=token) as c:
            return await find_marketplaces(c, pace=0, **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    server = FakeGitHub(small_repos())
    rng = random.Random(7)
    # 2,400 more repos with a root manifest, plus duplicates and a nested one: past the cap.
    server.search_extra = [
        (f"user{i}/market{i}", ".claude-plugin/marketplace.json", rng.randint(50, 60_000))
        for i in range(2400)
    ]
    server.search_extra.append(("user1/market1", "sub/.claude-plugin/marketplace.json", 900))
    server.search_extra.append(("deep/only", "a/b/.claude-plugin/marketplace.json", 900))
    with server:
        yield server


def test_needs_a_token(fake: FakeGitHub) -> None:
    with pytest.raises(SourceError, match="needs a GitHub token") as info:
        find(fake, token=None)
    assert info.value.hint is not None and "GITHUB_TOKEN" in info.value.hint
    assert fake.count() == 0


def test_sharded_paginated_and_deduplicated(fake: FakeGitHub) -> None:
    result = find(fake, metrics=False)
    repos = [f.repo for f in result.found]
    assert len(repos) == len(set(repos)) == 2400 + 2  # acme/tools + deep/only
    assert not result.incomplete
    by_repo = {f.repo: f for f in result.found}
    assert by_repo["user1/market1"].path == ".claude-plugin/marketplace.json"
    assert not by_repo["deep/only"].addable and by_repo["acme/tools"].addable
    # Sharding split the size range; no query asked past the 1,000th result.
    queries = [h.query for h in fake.hits if h.path == "/api/search/code"]
    assert len(queries) == result.queries and all("size%3A" in q for q in queries)
    assert all(h.status == 200 for h in fake.hits if h.path == "/api/search/code")


def test_min_stars_reads_metrics_and_filters(fake: FakeGitHub) -> None:
    fake.search_extra = fake.search_extra[:50]
    result = find(fake, min_stars=100)
    assert [(f.repo, f.stars) for f in result.found] == [("acme/tools", 120)]


def test_search_rate_limit_stops_with_partial_results(fake: FakeGitHub) -> None:
    fake.search_per_minute = 4
    result = find(fake, metrics=False)
    assert result.incomplete and result.rate_limited_until is not None
    assert 0 < len(result.found) < 2400
    assert sum(1 for h in fake.hits if h.path == "/api/search/code") == 5
