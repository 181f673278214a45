"""First-use seeding, defaults load/drop, and live data replacing snapshot copies (issue 9)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.catalog.meta import snapshot_age
from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh import defaults as bootstrap
from agentops_lite.refresh.update import add_source, refresh
from agentops_lite.search.index import index_marketplace
from agentops_lite.sources.base import SourceSpec
from agentops_lite.sources.snapshot import load_embedded


@pytest.fixture
def cat(isolated_home: Path) -> Iterator[Catalog]:
    catalog = Catalog.open()
    yield catalog
    catalog.close()


def _origins(cat: Catalog) -> dict[str, str]:
    return {(m.repo or m.source): m.origin for m in cat.marketplaces()}


def test_ensure_ready_seeds_a_never_set_up_catalog_once(cat: Catalog, small_snapshot: Path) -> None:
    report = bootstrap.ensure_ready(cat)
    assert report is not None and report.snapshot is not None
    assert report.snapshot.date == "2026-11-01" and report.snapshot.plugins == 3
    assert _origins(cat) == {"acme/k8s-market": "embedded", "beta/tools": "embedded"}
    assert {m.key for m in cat.marketplaces()} == {"acme", "beta-tools"}
    assert bootstrap.ensure_ready(cat) is None
    assert cat.counts() == (2, 3)


def test_ensure_ready_seeds_claude_code_marketplaces_too(
    cat: Catalog,
    small_snapshot: Path,
    make_marketplace: Callable[..., Path],
    known_to_claude: Callable[[Path, str], None],
) -> None:
    team = make_marketplace("team", plugins=[{"name": "a", "source": "./a"}], files={"a/x.md": ""})
    known_to_claude(team, "team")
    bootstrap.ensure_ready(cat)
    origins = {m.key: m.origin for m in cat.marketplaces()}
    assert origins == {"team": "claude", "acme": "embedded", "beta-tools": "embedded"}


def test_adding_a_marketplace_to_an_empty_catalog_does_not_pull_defaults_in(
    cat: Catalog, small_snapshot: Path, make_marketplace: Callable[..., Path]
) -> None:
    root = make_marketplace("mine", plugins=[{"name": "a", "source": "./a"}], files={"a/x.md": ""})
    add_source(cat, str(root))
    cat.remove_marketplace("mine")  # even emptied again, the catalog was set up by its user
    assert bootstrap.ensure_ready(cat) is None
    assert cat.marketplaces() == []
    assert bootstrap.defaults_status(cat).state == "not-loaded"


def test_drop_keeps_defaults_out_and_load_brings_them_back(
    cat: Catalog, small_snapshot: Path
) -> None:
    bootstrap.ensure_ready(cat)
    dropped = bootstrap.drop_defaults(cat)
    assert len(dropped) == 2 and cat.marketplaces() == []
    assert bootstrap.ensure_ready(cat) is None and cat.marketplaces() == []
    assert bootstrap.defaults_status(cat).state == "dropped"
    outcomes = bootstrap.load_defaults(cat)
    assert [o.status for o in outcomes] == ["ok", "ok"]
    status = bootstrap.defaults_status(cat)
    assert status.state == "loaded" and status.snapshot is not None
    assert status.snapshot.marketplaces == 2


def test_live_data_replaces_the_snapshot_copy_never_the_reverse(
    cat: Catalog, small_snapshot: Path
) -> None:
    bootstrap.ensure_ready(cat)
    spec = SourceSpec(kind="github", location="acme/k8s-market")
    live = cat.add_marketplace(spec, "user", key_hint="live:acme/k8s-market")
    fetched = load_embedded("acme/k8s-market").model_copy(
        update={"spec_kind": "github", "snapshot_date": None, "commit": "f" * 40}
    )
    stored = cat.store_load(live.id, fetched, index=index_marketplace)
    assert _origins(cat) == {"acme/k8s-market": "user", "beta/tools": "embedded"}
    assert stored.key == "acme"  # the declared name is free again once the copy is gone
    assert stored.snapshot_date is None and stored.commit == "f" * 40
    bootstrap.load_defaults(cat)  # the snapshot never replaces live data
    assert _origins(cat) == {"acme/k8s-market": "user", "beta/tools": "embedded"}
    age = snapshot_age(cat)
    assert age is not None and age.marketplaces == 1


def test_refresh_reloads_embedded_rows_from_the_snapshot(
    cat: Catalog, small_snapshot: Path
) -> None:
    bootstrap.ensure_ready(cat)
    report = refresh(cat, ["beta-tools"])
    assert [(o.status, o.plugins) for o in report.outcomes] == [("ok", 2)]


def test_seeding_without_a_snapshot_still_sets_up(
    cat: Catalog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from agentops_lite.sources import snapshot

    monkeypatch.setattr(snapshot, "snapshot_path", lambda: tmp_path / "missing.json.gz")
    report = bootstrap.ensure_ready(cat)
    assert report is not None and report.snapshot_error and report.snapshot is None
    assert bootstrap.ensure_ready(cat) is None


def test_github_unreachable_is_one_short_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    reason = bootstrap.github_unreachable(0.5)  # conftest points GitHub at a closed port
    assert reason is not None and reason.startswith("cannot reach 127.0.0.1:")
    monkeypatch.setenv("AGENTOPS_OFFLINE", "1")
    assert bootstrap.github_unreachable() == "AGENTOPS_OFFLINE is set"


def test_cli_first_read_command_seeds_and_says_snapshot_in_one_line(
    cli: Callable[..., Any], small_snapshot: Path
) -> None:
    result = cli("plugins")
    assert result.exit_code == 0, result.stderr
    assert "helm-pro" in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "snapshot of 2026-11-01" in lines[0] and lines[0].startswith("offline (cannot reach")
    again = cli("plugins")
    assert again.stderr.strip().startswith("results from the built-in snapshot of 2026-11-01")


def test_cli_defaults_commands(cli: Callable[..., Any], small_snapshot: Path) -> None:
    status = json.loads(cli("defaults", "status", "--json").stdout)
    assert status["state"] == "never-set-up" and status["packaged_marketplaces"] == 2
    loaded = json.loads(cli("defaults", "load", "--json").stdout)
    assert [o["plugins"] for o in loaded["loaded"]] == [1, 2] and loaded["live"] is None
    dropped = json.loads(cli("defaults", "drop", "--json").stdout)
    assert len(dropped["dropped"]) == 2
    assert json.loads(cli("plugins", "--json").stdout)["plugins"] == []
    result = cli("defaults", "load", "--live")
    assert result.exit_code == 0, result.stderr
    assert "cannot reach 127.0.0.1:" in result.stderr and "Traceback" not in result.stderr
