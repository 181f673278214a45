"""Marketplace ids: the declared name wins over the slug a source was added under."""

from __future__ import annotations

from agentops_lite.catalog import Catalog
from agentops_lite.manifest import parse_marketplace
from agentops_lite.sources.base import LoadResult, SourceSpec


def _result(name: str) -> LoadResult:
    data = f'{{"name": "{name}", "owner": {{"name": "o"}}, "plugins": []}}'.encode()
    return LoadResult(spec_kind="github", location="x", manifest=parse_marketplace(data))


def test_catalog_key_becomes_declared_name_even_when_slug_starts_with_it() -> None:
    with Catalog.open() as cat:
        record = cat.add_marketplace(SourceSpec(kind="github", location="docker/claude-plugins"))
        assert record.key == "docker/claude-plugins"
        assert cat.store_load(record.id, _result("docker")).key == "docker"


def test_catalog_disambiguated_key_stays_stable_across_refreshes() -> None:
    with Catalog.open() as cat:
        a = cat.add_marketplace(SourceSpec(kind="github", location="a/one"))
        b = cat.add_marketplace(SourceSpec(kind="github", location="b/two"))
        assert cat.store_load(a.id, _result("same")).key == "same"
        assert cat.store_load(b.id, _result("same")).key == "same@b"
        assert cat.store_load(b.id, _result("same")).key == "same@b"
        assert cat.store_load(a.id, _result("same")).key == "same"
