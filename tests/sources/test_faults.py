"""Each injected fault gives a partial result (the other source still loads) and a clear message."""

from __future__ import annotations

import asyncio
import time

import pytest

from agentops_lite.catalog.http_cache import HttpCache
from agentops_lite.errors import NetworkError, RateLimited, SourceError
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.fetch import fetch_many
from agentops_lite.sources.http import HttpClient, NetConfig
from tests.fake_github import FakeGitHub
from tests.sources.conftest import fast_config, good_repo

GOOD = SourceSpec(kind="github", location="acme/good")
BAD = SourceSpec(kind="github", location="acme/tools")


@pytest.fixture
def two(fake: FakeGitHub) -> FakeGitHub:
    fake.add_repo("acme/good", good_repo())
    return fake


def run(
    fake: FakeGitHub,
    specs: list[SourceSpec],
    config: NetConfig | None = None,
    cache: HttpCache | None = None,
    token: str | None = None,
) -> list[LoadResult | SourceError]:
    async def go() -> list[LoadResult | SourceError]:
        async with HttpClient(config or fast_config(fake), token=token, cache=cache) as c:
            return await fetch_many(specs, client=c)

    return asyncio.run(go())


def bad_then_good(fake: FakeGitHub, **kw: object) -> SourceError:
    bad, good = run(fake, [BAD, GOOD], **kw)  # type: ignore[arg-type]
    assert isinstance(good, LoadResult), good
    assert len(good.manifest.plugins) == 4
    assert isinstance(bad, SourceError), bad
    return bad


def test_server_error_then_ok_is_retried(two: FakeGitHub) -> None:
    two.fault("/api/repos/acme/tools", "error", status=502, times=2)
    results = run(two, [BAD, GOOD])
    assert all(isinstance(r, LoadResult) for r in results)
    assert two.count("/api/repos/acme/tools") >= 3


def test_persistent_server_error(two: FakeGitHub) -> None:
    two.fault("/api/repos/acme/tools", "error", status=500)
    err = bad_then_good(two)
    assert isinstance(err, NetworkError)
    assert "server error 500" in err.message and "/repos/acme/tools" in err.message
    assert two.count("/api/repos/acme/tools") == 3  # 1 + 2 retries, then give up


def test_hang_past_the_read_timeout(two: FakeGitHub) -> None:
    two.fault("/api/repos/acme/tools", "hang", seconds=30)
    started = time.monotonic()
    err = bad_then_good(two, config=fast_config(two, retries=1, read_timeout=1.0))
    assert "timed out" in err.message
    assert time.monotonic() - started < 10  # two 1 s attempts, not the 30 s hang


def test_rate_limit_far_away_stops_asking(two: FakeGitHub) -> None:
    two.fault("/api/*", "rate-limit", seconds=3600)
    results = run(two, [BAD, GOOD, SourceSpec(kind="github", location="acme/gamma-plugin")])
    assert all(isinstance(r, RateLimited) for r in results)
    err = results[0]
    assert isinstance(err, RateLimited) and err.reset_at is not None
    assert abs(err.reset_at - (time.time() + 3600)) < 60
    assert "rate limit" in err.message and "retry after" in err.message
    assert err.hint is not None and "GITHUB_TOKEN" in err.hint
    # After the first 403 the client refuses GitHub calls itself instead of hammering the API.
    # Requests already in flight when it arrives cannot be called back: each of the 3 sources
    # sends its repo lookup and its first plugin-repo lookup together (two at once at most).
    assert two.count("/api/") <= 2 * 3


def test_short_retry_after_is_waited_out(two: FakeGitHub) -> None:
    two.fault("/api/repos/acme/tools", "retry-after", seconds=1, times=1)
    started = time.monotonic()
    results = run(two, [BAD])
    assert isinstance(results[0], LoadResult)
    assert time.monotonic() - started >= 1.0


def test_long_retry_after_on_raw_host_uses_the_api(two: FakeGitHub) -> None:
    two.fault("/raw/*", "retry-after", seconds=600)
    results = run(two, [BAD, GOOD])
    assert all(isinstance(r, LoadResult) for r in results)
    # The raw host said "10 minutes": asked once (maybe twice in parallel), then left alone.
    assert two.count("/raw/") <= 2
    assert two.count("/api/repos/acme/tools/contents/") == 1


def test_not_found(two: FakeGitHub) -> None:
    two.fault("/api/repos/acme/tools", "not-found")
    err = bad_then_good(two)
    assert err.message == "GitHub repository acme/tools not found"


def test_malformed_manifest_json_is_a_problem_not_a_crash(two: FakeGitHub) -> None:
    two.fault("/raw/acme/tools/*", "malformed-json")
    bad, good = run(two, [BAD, GOOD])
    assert isinstance(good, LoadResult)
    assert isinstance(bad, LoadResult)
    assert [p.code for p in bad.manifest.problems] == ["invalid-json"]
    assert bad.manifest.plugins == ()


def test_malformed_repo_json(two: FakeGitHub) -> None:
    two.fault("/api/repos/acme/tools", "malformed-json")
    err = bad_then_good(two)
    assert "malformed JSON" in err.message


@pytest.mark.parametrize("declared", [True, False])
def test_oversize_manifest(two: FakeGitHub, declared: bool) -> None:
    two.fault("/raw/acme/tools/*", "oversize", size=20 * 1024 * 1024, declared=declared)
    two.fault("/api/repos/acme/tools/contents/*", "oversize", size=20 * 1024 * 1024)
    err = bad_then_good(two)
    assert "limit" in err.message and "bytes" in err.message


def test_oversize_tarball_keeps_the_manifest(two: FakeGitHub) -> None:
    two.fault("/codeload/acme/tools/*", "oversize", size=80 * 1024 * 1024)
    bad, good = run(two, [BAD, GOOD])
    assert isinstance(bad, LoadResult) and isinstance(good, LoadResult)
    assert len(bad.manifest.plugins) == 4
    assert "tarball-too-large" in [p.code for p in bad.manifest.problems]
    assert bad.manifest.plugins[0].components == ()


def test_redirect_loop(two: FakeGitHub) -> None:
    two.fault("/api/repos/acme/tools/tarball/*", "redirect-loop")
    err = bad_then_good(two)
    assert "too many redirects" in err.message


def test_connection_refused_raw_host_falls_back_to_api(two: FakeGitHub) -> None:
    config = fast_config(two, raw_base=FakeGitHub.closed_port_url() + "/raw")
    results = run(two, [BAD, GOOD], config=config)
    assert all(isinstance(r, LoadResult) for r in results)


def test_connection_refused_everywhere(two: FakeGitHub) -> None:
    closed = FakeGitHub.closed_port_url()
    config = fast_config(two, api_base=closed + "/api", raw_base=closed + "/raw")
    results = run(two, [BAD, GOOD], config=config)
    for r in results:
        assert isinstance(r, NetworkError)
        assert "connection refused" in r.message


def test_failed_source_leaves_no_validators_behind(two: FakeGitHub) -> None:
    """If a source fails half-way, its next refresh must not claim "not modified"."""
    cache = HttpCache.in_memory()
    two.fault("/codeload/acme/tools/*", "error", status=500)
    bad, good = run(two, [BAD, GOOD], cache=cache)
    assert isinstance(bad, NetworkError) and isinstance(good, LoadResult)
    two.faults.clear()
    again, good2 = run(two, [BAD, GOOD], cache=cache)
    assert isinstance(again, LoadResult) and not again.not_modified
    assert len(again.manifest.plugins[0].components) == 3
    assert isinstance(good2, LoadResult) and good2.not_modified
