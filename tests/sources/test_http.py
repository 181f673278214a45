"""The HTTP seam over real loopback HTTP: token scoping, redirects, caps, revalidation, retries."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from agentops_lite.catalog.http_cache import HttpCache
from agentops_lite.errors import NetworkError, RateLimited
from agentops_lite.sources.base import SourceSpec
from agentops_lite.sources.fetch import fetch_many
from agentops_lite.sources.github_token import discover_token
from agentops_lite.sources.http import HttpClient, ResponseTooLarge
from tests.fake_github import FakeGitHub
from tests.sources.conftest import fast_config, small_repos

TOKEN = "ghp_TESTTOKEN0123456789abcdefSECRET"


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with FakeGitHub(small_repos()) as server:
        yield server


def get(fake: FakeGitHub, url: str, cache: HttpCache | None = None, **kw: object):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with HttpClient(fast_config(fake), token=kw.pop("token", None), cache=cache) as c:
            return await c.get(url, **kw), c.stats  # type: ignore[arg-type]

    return asyncio.run(go())


def test_token_reaches_github_hosts_only_and_is_never_stored(
    fake: FakeGitHub,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "catalog.db"
    cache = HttpCache.open(db)
    specs = [
        SourceSpec(kind="github", location="acme/tools"),
        SourceSpec(kind="github", location="acme/nope"),
    ]

    async def go():  # type: ignore[no-untyped-def]
        async with HttpClient(fast_config(fake), token=TOKEN, cache=cache) as c:
            assert TOKEN not in repr(c) and TOKEN not in str(vars(c))
            return await fetch_many(specs, client=c)

    results = asyncio.run(go())
    api_hits = [h for h in fake.hits if h.path.startswith(("/api/", "/raw/"))]
    archive_hits = [h for h in fake.hits if h.path.startswith("/codeload/")]
    assert api_hits and all(h.authorization == f"Bearer {TOKEN}" for h in api_hits)
    # The tarball redirect points at another host (like codeload.github.com): no token there.
    assert archive_hits and all(h.authorization is None for h in archive_hits)
    assert all(h.host.startswith("localhost:") for h in archive_hits)
    assert all(TOKEN not in str(r) for r in results)
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err + caplog.text
    cache._conn.close()
    for f in tmp_path.iterdir():
        assert TOKEN.encode() not in f.read_bytes()


def test_redirect_to_another_host_drops_the_token(fake: FakeGitHub) -> None:
    # /api/repos/o/r/tarball answers 302 to http://localhost:port/codeload/...
    resp, _ = get(fake, f"{fake.api_base}/repos/acme/tools/tarball/main", token=TOKEN)
    assert resp.status == 200 and resp.url.startswith("http://localhost:")
    tar_hits = [h for h in fake.hits if h.path.startswith("/codeload/")]
    assert [h.authorization for h in tar_hits] == [None]


def test_etag_revalidation_reuses_the_stored_body(fake: FakeGitHub) -> None:
    cache = HttpCache.in_memory()
    url = f"{fake.api_base}/repos/acme/tools"
    first, _ = get(fake, url, cache)
    second, stats = get(fake, url, cache)
    assert not first.revalidated and second.revalidated
    assert second.body == first.body and stats.not_modified == 1 and stats.body_bytes == 0
    assert [h.status for h in fake.hits] == [200, 304]


def test_if_modified_since_alone_revalidates(fake: FakeGitHub) -> None:
    cache = HttpCache.in_memory()
    url = f"{fake.api_base}/repos/acme/tools"
    first, _ = get(fake, url, cache)
    cache._conn.execute("UPDATE http_cache SET etag = NULL")  # as if the server sent no ETag
    second, _ = get(fake, url, cache)
    assert second.revalidated and second.body == first.body


def test_accept_variants_are_cached_apart(fake: FakeGitHub) -> None:
    cache = HttpCache.in_memory()
    url = f"{fake.api_base}/repos/acme/tools/contents/.claude-plugin/marketplace.json"
    as_json, _ = get(fake, url, cache)
    as_raw, _ = get(fake, url, cache, accept="application/vnd.github.raw+json")
    assert as_json.body.startswith(b'{"type": "file"') and as_raw.body.startswith(b"{\n")


def test_retries_then_success(fake: FakeGitHub) -> None:
    fake.fault("/api/repos/acme/tools", "error", status=503, times=2)
    resp, stats = get(fake, f"{fake.api_base}/repos/acme/tools")
    assert resp.status == 200 and stats.retries == 2


@pytest.mark.parametrize("declared", [True, False])
def test_body_cap_aborts_the_download(fake: FakeGitHub, declared: bool) -> None:
    fake.fault("/raw/big", "oversize", size=50 * 1024 * 1024, declared=declared)
    with pytest.raises(ResponseTooLarge):
        get(fake, f"{fake.raw_base}/big", max_bytes=1024 * 1024)
    # Aborted early: far fewer bytes than the 50 MB body went out before the connection closed.
    fake.wait_for("/raw/big")
    assert fake.body_bytes("/raw/big") < 50 * 1024 * 1024


def test_redirect_loop_is_capped(fake: FakeGitHub) -> None:
    fake.fault("/api/loop", "redirect-loop")
    with pytest.raises(NetworkError, match="too many redirects"):
        get(fake, f"{fake.api_base}/loop")
    assert fake.count("/api/loop") == 6  # the request plus max_redirects (5) hops


def test_rate_limit_blocks_further_calls_without_asking(fake: FakeGitHub) -> None:
    fake.fault("/api/*", "rate-limit", seconds=7200)

    async def go() -> list[BaseException | None]:
        async with HttpClient(fast_config(fake)) as c:

            async def attempt(path: str) -> BaseException | None:
                try:
                    await c.get(fake.api_base + path)
                except RateLimited as exc:
                    return exc
                return None

            # One after the other: the second must be refused without a request.
            return [await attempt(p) for p in ("/repos/acme/tools", "/repos/acme/gamma-plugin")]

    errors = asyncio.run(go())
    assert all(isinstance(e, RateLimited) for e in errors)
    assert fake.count("/api/") == 1


def test_token_discovery_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert discover_token({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}, use_gh=False) == "a"
    assert discover_token({"GH_TOKEN": " b "}, use_gh=False) == "b"
    assert discover_token({}, use_gh=False) is None
    # A `gh` on PATH that prints a token.
    gh = tmp_path / "gh"
    gh.write_text("#!/bin/sh\n[ \"$1 $2\" = 'auth token' ] && echo gho_fromgh\n")
    gh.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert discover_token({}) == "gho_fromgh"
    gh.write_text("#!/bin/sh\necho 'not logged in' >&2; exit 1\n")
    assert discover_token({}) is None


def test_cache_file_schema(tmp_path: Path) -> None:
    cache = HttpCache.open(tmp_path / "c.db")
    txn = cache.begin()
    txn.put("http://x/a", "", '"e"', None, b"body")
    assert txn.get("http://x/a") is not None and cache.get("http://x/a") is None
    txn.commit()
    assert cache.get("http://x/a") is not None
    txn.put("http://x/b", "", '"e"', None, b"b")
    txn.discard()
    assert cache.count() == 1
    cols = [
        r[1] for r in sqlite3.connect(tmp_path / "c.db").execute("PRAGMA table_info(http_cache)")
    ]
    assert cols[:2] == ["url", "variant"] and "etag" in cols and "last_modified" in cols
