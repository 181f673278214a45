"""Every corpus marketplace crawled from the loopback fake: counts match, second pass is all 304."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agentops_lite.catalog.http_cache import HttpCache
from agentops_lite.errors import SourceError
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.fetch import fetch_many
from agentops_lite.sources.http import HttpClient
from tests.fake_github import FakeGitHub, iter_corpus, repo_from_corpus
from tests.sources.conftest import fast_config

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def test_corpus_crawl(corpus_dir: Path) -> None:
    corpus = list(iter_corpus(corpus_dir))
    repos = {name: repo_from_corpus(folder) for name, folder in corpus}
    metas = {name: json.loads((folder / "_meta.json").read_text()) for name, folder in corpus}
    cache = HttpCache.in_memory()
    specs = [SourceSpec(kind="github", location=name) for name in repos]
    with FakeGitHub(repos) as fake:

        async def go() -> list[LoadResult | SourceError]:
            config = fast_config(fake, read_timeout=30.0)
            async with HttpClient(config, token="t", cache=cache) as client:
                return await fetch_many(specs, client=client)

        first = asyncio.run(go())
        for spec, result in zip(specs, first, strict=True):
            meta = metas[spec.location]
            if meta["marketplace_path"] != ".claude-plugin/marketplace.json":
                # Not at the repo root: Claude Code could not add it as owner/repo either.
                assert isinstance(result, SourceError), spec.location
                assert "has no .claude-plugin/marketplace.json" in result.message
                continue
            assert isinstance(result, LoadResult), (spec.location, result)
            assert len(result.manifest.plugins) == meta["plugin_count"], spec.location
            if any(p.source.kind == "relative" for p in result.manifest.plugins):
                assert result.commit == meta["commit"], spec.location  # from the tarball
            assert result.repo_metrics is not None
            assert result.repo_metrics.stars == repos[spec.location].stars
            if meta.get("local_plugin_count"):
                with_json = sum(p.has_plugin_json for p in result.manifest.plugins)
                missing = len(meta.get("plugins_without_plugin_json") or [])
                assert with_json >= meta["local_plugin_count"] - missing - 1, spec.location
        loaded = [r for r in first if isinstance(r, LoadResult)]
        assert len(loaded) >= 40
        fake.reset_counts()
        second = asyncio.run(go())
        ok_names = {r.location for r in loaded}
        for spec, result in zip(specs, second, strict=True):
            if spec.location in ok_names:
                assert isinstance(result, LoadResult) and result.not_modified
        unchanged_hits = [h for h in fake.hits if any(f"/{n}/" in h.path + "/" for n in ok_names)]
        assert unchanged_hits and all(h.status == 304 for h in unchanged_hits)
        assert sum(h.body_bytes for h in unchanged_hits) == 0
