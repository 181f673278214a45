"""Refresh of GitHub marketplaces into the catalog, against the loopback fake."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.update import add_source, refresh
from tests.fake_github import FakeGitHub
from tests.sources.conftest import good_repo

TOKEN = "ghp_REFRESHTOKEN_must_never_be_stored_42"


@pytest.fixture
def served(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    fake.add_repo("acme/good", good_repo())
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return fake


def test_refresh_stores_then_revalidates_for_free(served: FakeGitHub, isolated_home: Path) -> None:
    with Catalog.open() as catalog:
        add_source(catalog, "acme/tools")
        add_source(catalog, "acme/good")
        first = refresh(catalog)
        assert [o.status for o in first.outcomes] == ["ok", "ok"]
        tools = catalog.marketplace("acme-tools")
        assert tools.plugin_count == 4 and tools.stars == 120 and tools.commit == "a" * 40
        served.reset_counts()
        second = refresh(catalog)
        assert [o.status for o in second.outcomes] == ["unchanged", "unchanged"]
        assert served.body_bytes() == 0 and {h.status for h in served.hits} == {304}
        assert served.count() == 4  # marketplace.json + /repos per source, nothing else
    for f in isolated_home.rglob("*"):
        if f.is_file():
            assert TOKEN.encode() not in f.read_bytes()


def test_failed_source_keeps_its_stored_data(served: FakeGitHub) -> None:
    with Catalog.open() as catalog:
        add_source(catalog, "acme/tools")
        add_source(catalog, "acme/good")
        refresh(catalog)
        before = [p.entry for p in catalog.plugins() if p.marketplace_key == "acme-tools"]
        served.push("acme/tools", ".claude-plugin/marketplace.json", b'{"name": "acme-tools"}')
        served.fault("/api/repos/acme/tools", "not-found")
        report = refresh(catalog)
        status = {o.source: (o.status, o.message) for o in report.outcomes}
        assert status["acme/tools"][0] == "error"
        assert "not found" in (status["acme/tools"][1] or "")
        assert status["acme/good"][0] == "unchanged"
        after = [p.entry for p in catalog.plugins() if p.marketplace_key == "acme-tools"]
        assert after == before and len(after) == 4
        assert catalog.marketplace("acme-tools").status == "error"


def test_rate_limit_reports_when_to_retry(served: FakeGitHub) -> None:
    with Catalog.open() as catalog:
        add_source(catalog, "acme/tools")
        served.fault("/api/*", "rate-limit", seconds=3600)
        served.fault("/raw/*", "rate-limit", seconds=3600)
        report = refresh(catalog)
        assert report.outcomes[0].status == "error"
        assert report.rate_limited_until is not None


def test_unchanged_marketplace_still_takes_new_star_counts(served: FakeGitHub) -> None:
    with Catalog.open() as catalog:
        add_source(catalog, "acme/tools")
        refresh(catalog)
        assert catalog.marketplace("acme-tools").stars == 120
        served.repos["acme/tools"].stars = 7_777  # starred, but nothing pushed
        report = refresh(catalog)
        assert [o.status for o in report.outcomes] == ["unchanged"]
        assert catalog.marketplace("acme-tools").stars == 7_777
        local = [p for p in catalog.plugins() if p.entry.source.kind == "relative"]
        assert local and {p.stars for p in local} == {7_777}
