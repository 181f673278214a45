"""Upgrading a catalog made by the first schema: every migration applies, the index is built once.

tests/fixtures/old_catalog_v1.sql is frozen: m001's DDL copied as it was, plus a few rows. It is
never regenerated from today's migrations, so it keeps testing the upgrade path they must serve.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentops_lite.catalog import Catalog
from agentops_lite.catalog.meta import REINDEX_KEY
from agentops_lite.catalog.migrations import MIGRATIONS
from agentops_lite.discovery.rank import discover
from agentops_lite.refresh.store import reindex_if_marked
from tests.conftest import REPO

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "old_catalog_v1.sql"
OLD_PLUGINS = {
    "terraform-planner",
    "flaky-test-hunter",
    "changelog-writer",
    "sql-explainer",
    "terraform-lite",
    "broken",
}


def write_old_catalog(path: Path, *, keep_plugins: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(FIXTURE.read_text())
        if not keep_plugins:
            conn.executescript("DELETE FROM plugins; DELETE FROM problems;")
    finally:
        conn.close()
    return path


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def postings(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM search_postings").fetchone()[0])


def test_fixture_is_a_first_schema_catalog(tmp_path: Path) -> None:
    conn = sqlite3.connect(write_old_catalog(tmp_path / "old.db"))
    try:
        assert [r[0] for r in conn.execute("SELECT name FROM _migrations")] == ["m001_catalog"]
        assert "search_postings" not in tables(conn) and "runs" not in tables(conn)
        names = {r[0] for r in conn.execute("SELECT name FROM plugins")}
        assert names == OLD_PLUGINS
        assert conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 0
    finally:
        conn.close()


def test_open_applies_every_migration_and_marks_the_index_missing(tmp_path: Path) -> None:
    with Catalog.open(write_old_catalog(tmp_path / "old.db")) as cat:
        applied = [r[0] for r in cat.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
        assert applied == [m.__name__ for m in MIGRATIONS]
        assert {"search_postings", "search_terms", "search_df", "http_cache", "runs"} <= tables(
            cat.conn
        )
        # m010 only marks: a migration never runs today's indexer.
        assert cat.get_meta(REINDEX_KEY) == "m010"
        assert postings(cat.conn) == 0
        # The old rows survive, and later columns got their defaults.
        pinned = cat.conn.execute("SELECT key, key_pinned FROM marketplaces ORDER BY id")
        assert pinned.fetchall() == [("old-market", 0), ("legacy-tools", 0)]
        assert {r.name for r in cat.plugins()} == OLD_PLUGINS


def test_reindex_builds_the_index_once_and_discover_finds_old_plugins(tmp_path: Path) -> None:
    path = write_old_catalog(tmp_path / "old.db")
    with Catalog.open(path) as cat:
        assert reindex_if_marked(cat) is True
        assert cat.get_meta(REINDEX_KEY) is None
        indexed = postings(cat.conn)
        indexed_ids = {
            r[0] for r in cat.conn.execute("SELECT DISTINCT plugin_id FROM search_postings")
        }
        all_ids = {r[0] for r in cat.conn.execute("SELECT id FROM plugins")}
        assert indexed > 0 and indexed_ids == all_ids
        df = cat.conn.execute("SELECT df FROM search_df WHERE term = 'terraform'").fetchone()
        assert df == (2,)  # the df table's triggers saw the re-index
        assert reindex_if_marked(cat) is False  # once
        assert postings(cat.conn) == indexed

        found = [h.plugin for h in discover(cat, "terraform infrastructure").results]
        assert found[0] == "terraform-planner" and "terraform-lite" in found
        flaky = discover(cat, "flaky tests in ci").results
        assert flaky[0].plugin == "flaky-test-hunter" and flaky[0].marketplace == "old-market"
    with Catalog.open(path) as again:  # re-opening migrates nothing and marks nothing
        assert again.get_meta(REINDEX_KEY) is None
        assert reindex_if_marked(again) is False


def test_two_handles_index_the_upgraded_catalog_only_once(tmp_path: Path) -> None:
    path = write_old_catalog(tmp_path / "old.db")
    with Catalog.open(path) as first, Catalog.open(path) as second:
        assert reindex_if_marked(first) is True
        assert reindex_if_marked(second) is False
        assert postings(second.conn) == postings(first.conn) > 0


def test_old_catalog_without_plugins_is_not_marked(tmp_path: Path) -> None:
    with Catalog.open(write_old_catalog(tmp_path / "old.db", keep_plugins=False)) as cat:
        assert cat.get_meta(REINDEX_KEY) is None
        assert reindex_if_marked(cat) is False


def test_catalog_at_the_latest_schema_is_never_marked(
    tmp_path: Path, make_marketplace: Callable[..., Path]
) -> None:
    from agentops_lite.refresh.update import add_source

    path = tmp_path / "new.db"
    with Catalog.open(path) as cat:
        assert cat.get_meta(REINDEX_KEY) is None
        plugins = [{"name": "x", "source": "./plugins/x", "description": "terraform"}]
        add_source(cat, str(make_marketplace("new-market", plugins, {"plugins/x/a.md": "a"})))
    with Catalog.open(path) as cat:  # a catalog with plugins, re-opened at the same schema
        assert cat.get_meta(REINDEX_KEY) is None
        assert reindex_if_marked(cat) is False
        assert [h.plugin for h in discover(cat, "terraform").results] == ["x"]


def test_cli_discover_on_a_copy_of_an_old_catalog(isolated_home: Path) -> None:
    """The real console entry, in its own process, with AGENTOPS_HOME at the copied catalog."""
    from agentops_lite.settings import db_path

    path = write_old_catalog(db_path())
    assert path.parent == isolated_home
    env = {**os.environ, "AGENTOPS_HOME": str(isolated_home), "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "agentops_lite", "discover", "terraform plans", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["results"][0]["plugin"] == "terraform-planner"
    assert {r["marketplace"] for r in doc["results"]} <= {"old-market", "legacy-tools"}
    # An existing catalog is not seeded with the packaged defaults on first use.
    assert doc["catalog"]["marketplaces"] == 2 and doc["catalog"]["snapshot"] is None
    with Catalog.open(path) as cat:
        assert cat.get_meta(REINDEX_KEY) is None
        assert postings(cat.conn) > 0


@pytest.mark.parametrize("query", ["changelog", "slow sql queries"])
def test_cli_in_process_reindexes_then_answers(
    isolated_home: Path, cli: Callable[..., Result], query: str
) -> None:
    from agentops_lite.settings import db_path

    write_old_catalog(db_path())
    result = cli("discover", query, "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    top = json.loads(result.stdout)["results"][0]["plugin"]
    assert top == {"changelog": "changelog-writer", "slow sql queries": "sql-explainer"}[query]
