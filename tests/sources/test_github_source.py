"""GitHub source over real HTTP against the loopback fake: counts, metrics, revalidation, refs."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from agentops_lite.catalog.http_cache import HttpCache
from agentops_lite.errors import SourceError
from agentops_lite.sources.base import LoadResult, SourceSpec, parse_source
from agentops_lite.sources.fetch import fetch_many
from agentops_lite.sources.http import HttpClient
from tests.fake_github import FakeGitHub
from tests.sources.conftest import TOOLS_SHA, fast_config

TOOLS = SourceSpec(kind="github", location="acme/tools")


def load(fake: FakeGitHub, specs: list[SourceSpec], cache: HttpCache | None = None, **kw: object):
    async def go() -> list[LoadResult | SourceError]:
        async with HttpClient(fast_config(fake), token=kw.pop("token", None), cache=cache) as c:
            return await fetch_many(specs, client=c, **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


def only(results: list[LoadResult | SourceError]) -> LoadResult:
    (result,) = results
    assert isinstance(result, LoadResult), result
    return result


def test_plugins_components_and_metrics(fake: FakeGitHub) -> None:
    result = only(load(fake, [TOOLS], token="tok"))
    m = result.manifest
    assert m.name == "acme-tools"
    assert [p.name for p in m.plugins] == ["alpha", "beta", "gamma", "delta"]
    alpha, beta = m.plugins[0], m.plugins[1]
    assert alpha.has_plugin_json and alpha.version == "1.2.0"
    assert {(c.kind, c.name) for c in alpha.components} == {
        ("command", "deploy"),
        ("command", "rollback"),
        ("agent", "reviewer"),
    }
    assert {(c.kind, c.name) for c in beta.components} == {
        ("skill", "review"),
        ("hook", "PostToolUse"),
    }
    metrics = result.repo_metrics
    assert metrics is not None
    assert metrics.stars == 120
    assert metrics.license == "Apache-2.0"
    assert metrics.default_branch == "main"
    assert metrics.pushed_at == datetime(2026, 5, 1, 10, tzinfo=timezone.utc)
    assert result.commit == TOOLS_SHA  # from the tarball's pax header, as git archive writes it
    assert set(result.plugin_repo_metrics) == {"acme/gamma-plugin", "other/delta"}
    assert result.plugin_repo_metrics["acme/gamma-plugin"].stars == 7
    assert result.plugin_repo_metrics["other/delta"].archived is True
    assert not result.not_modified
    # One tarball, fetched through the API redirect and downloaded from the archive host.
    assert fake.count("/api/repos/acme/tools/tarball/") == 1
    assert fake.count("/codeload/acme/tools/") == 1


def test_plugin_repo_metrics_need_a_token(fake: FakeGitHub) -> None:
    result = only(load(fake, [TOOLS]))
    assert result.plugin_repo_metrics == {}
    assert fake.count("/api/repos/acme/gamma-plugin") == 0


def test_second_refresh_of_unchanged_source_downloads_no_body(fake: FakeGitHub) -> None:
    cache = HttpCache.in_memory()
    first = only(load(fake, [TOOLS], cache))
    assert not first.not_modified
    fake.reset_counts()
    second = only(load(fake, [TOOLS], cache))
    assert second.not_modified
    assert fake.body_bytes() == 0
    assert {h.status for h in fake.hits} == {304}
    assert fake.count("/codeload/") == 0 and fake.count("/api/repos/acme/tools/tarball") == 0
    assert second.manifest.name == "acme-tools"


def test_push_is_noticed_and_reloaded(fake: FakeGitHub) -> None:
    cache = HttpCache.in_memory()
    only(load(fake, [TOOLS], cache))
    fake.push("acme/tools", "plugins/alpha/commands/status.md", b"---\ndescription: Status\n---\n")
    fake.reset_counts()
    again = only(load(fake, [TOOLS], cache))
    assert not again.not_modified
    names = {c.name for c in again.manifest.plugins[0].components}
    assert "status" in names
    assert fake.count("/codeload/") == 1


def test_star_change_without_push_skips_the_tarball(fake: FakeGitHub) -> None:
    cache = HttpCache.in_memory()
    only(load(fake, [TOOLS], cache))
    fake.repos["acme/tools"].stars = 999
    fake.reset_counts()
    again = only(load(fake, [TOOLS], cache))
    assert again.not_modified
    assert again.repo_metrics is not None and again.repo_metrics.stars == 999
    assert fake.count("/codeload/") == 0


def test_force_reloads_even_when_unchanged(fake: FakeGitHub) -> None:
    cache = HttpCache.in_memory()
    only(load(fake, [TOOLS], cache))
    again = only(load(fake, [TOOLS], cache, force=True))
    assert not again.not_modified
    assert len(again.manifest.plugins[0].components) == 3


def test_source_forms_and_refs(fake: FakeGitHub) -> None:
    specs = [
        parse_source("acme/tools@main"),
        parse_source("acme/tools#" + TOOLS_SHA),
        parse_source("https://github.com/acme/tools.git"),
        parse_source("acme/tools@no-such-branch"),
    ]
    results = load(fake, specs)
    for result in results[:3]:
        assert isinstance(result, LoadResult), result
        assert len(result.manifest.plugins) == 4
    assert isinstance(results[3], SourceError)
    assert "no .claude-plugin/marketplace.json at no-such-branch" in results[3].message
    assert fake.count("/raw/acme/tools/main/") == 1


def test_contents_api_fallback_when_raw_host_fails(fake: FakeGitHub) -> None:
    fake.fault("/raw/*", "not-found")
    result = only(load(fake, [TOOLS]))
    assert len(result.manifest.plugins) == 4
    assert fake.count("/api/repos/acme/tools/contents/.claude-plugin/marketplace.json") == 1


def test_contents_api_base64_form_is_decoded(fake: FakeGitHub) -> None:
    # Some mirrors ignore the raw media type; the JSON + base64 form must work too.
    fake.fault("/raw/*", "error", times=-1)
    from agentops_lite.sources.github import _maybe_base64

    body = b'{"type": "file", "encoding": "base64", "content": "eyJhIjogMX0=\\n"}'
    assert _maybe_base64(body) == b'{"a": 1}'
    result = only(load(fake, [TOOLS]))
    assert len(result.manifest.plugins) == 4


def test_missing_repo_is_a_clear_error(fake: FakeGitHub) -> None:
    (err,) = load(fake, [SourceSpec(kind="github", location="acme/nope")])
    assert isinstance(err, SourceError)
    assert "acme/nope" in err.message and "not found" in err.message


def test_url_source_and_revalidation(fake: FakeGitHub) -> None:
    url = f"http://localhost:{fake.port}/raw/acme/tools/main/.claude-plugin/marketplace.json"
    cache = HttpCache.in_memory()
    first = only(load(fake, [parse_source(url)], cache, token="tok-url-123"))
    assert first.spec_kind == "url" and len(first.manifest.plugins) == 4
    second = only(load(fake, [parse_source(url)], cache, token="tok-url-123"))
    assert second.not_modified
    # localhost is not a configured GitHub host: the token never went there.
    assert all(h.authorization is None for h in fake.hits)


def test_failed_manifest_leaves_no_request_running(fake: FakeGitHub) -> None:
    # The manifest fails at once while the repo metadata is still in flight: the load must wait
    # for it instead of leaving an orphan request that asyncio.run later cancels mid-socket.
    fake.fault("/raw/acme/tools/*", "not-found")
    fake.fault("/api/repos/acme/tools/contents/*", "not-found")
    fake.fault("/api/repos/acme/tools", "hang", seconds=0.5, times=1)

    async def go() -> tuple[list[LoadResult | SourceError], int]:
        async with HttpClient(fast_config(fake)) as c:
            results = await fetch_many([TOOLS], client=c)
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            return results, len(pending)

    (err,), pending = asyncio.run(go())
    assert isinstance(err, SourceError) and "has no .claude-plugin/marketplace.json" in err.message
    assert pending == 0
