"""The prebuilt seed database: current with the code, equivalent to seeding the slow way."""

from __future__ import annotations

import json
import lzma
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.refresh import seed as seed_db
from agentops_lite.settings import db_path


def test_packaged_seed_matches_the_code_and_snapshot() -> None:
    data = lzma.decompress(seed_db.seed_path().read_bytes())
    assert seed_db._signature_of(data) == seed_db.signature(), (
        "agentops_lite/data/seed.db.xz is stale: run `python scripts/build_snapshot.py`"
    )


def _seeded_from(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'seeded_from'").fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else None


def _discover(cli: Callable[..., Any], query: str) -> dict[str, Any]:
    result = cli("discover", query, "--limit", "15", "--json")
    assert result.exit_code == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.mark.parametrize("query", ["kubernetes helm", "review my pull requests", "postgres"])
def test_seeded_fast_and_slow_first_runs_give_the_same_answer(
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    query: str,
) -> None:
    fast = _discover(cli, query)
    assert _seeded_from(db_path()) == "seed-db"
    with_seed = json.loads(cli("defaults", "status", "--json").stdout)
    monkeypatch.setenv("AGENTOPS_HOME", str(tmp_path / "slow-home"))
    monkeypatch.setattr(seed_db, "install_if_fresh", lambda target: False)
    monkeypatch.setattr(
        "agentops_lite.cli.common.install_if_fresh", lambda target: False, raising=False
    )
    slow = _discover(cli, query)
    assert _seeded_from(db_path()) is None
    without_seed = json.loads(cli("defaults", "status", "--json").stdout)
    assert [(r["plugin"], r["marketplace"]) for r in fast["results"]] == [
        (r["plugin"], r["marketplace"]) for r in slow["results"]
    ]
    # Recency decays with the clock between the two runs: a score on a rounding edge may
    # differ in its last printed digit, nothing more.
    assert [r["score"] for r in fast["results"]] == pytest.approx(
        [r["score"] for r in slow["results"]], abs=2e-4
    )
    assert fast["catalog"]["plugins"] == slow["catalog"]["plugins"] > 2000
    assert with_seed["embedded"] == without_seed["embedded"]


def test_stale_seed_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(seed_db, "signature", lambda snapshot=None: "not-the-packaged-one")
    target = tmp_path / "catalog.db"
    assert seed_db.install_if_fresh(target) is False
    assert not target.exists()


def test_existing_catalog_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "catalog.db"
    target.write_bytes(b"mine")
    assert seed_db.install_if_fresh(target) is False
    assert target.read_bytes() == b"mine"


def test_seeded_catalog_still_imports_claude_code_marketplaces(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    market = make_marketplace(
        "team-only",
        plugins=[{"name": "zzqx-tool", "source": "./z"}],
        files={"z/commands/run.md": "---\ndescription: zzqx\n---\n"},
    )
    plugins_dir = tmp_path / "claude-config" / "plugins"
    plugins_dir.mkdir(parents=True)
    (plugins_dir / "known_marketplaces.json").write_text(
        json.dumps(
            {
                "team-only": {
                    "source": {"source": "directory", "path": str(market)},
                    "installLocation": str(market),
                }
            }
        )
    )
    result = _discover(cli, "zzqx")
    assert [r["plugin"] for r in result["results"]][:1] == ["zzqx-tool"]
    assert result["catalog"]["plugins"] > 2000
