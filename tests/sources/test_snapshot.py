"""The packaged snapshot: deterministic, small, sourced (repo + commit), and nothing else copied."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.errors import SourceError
from agentops_lite.sources import snapshot
from agentops_lite.sources.default_repos import DEFAULT_REPOS, FOUNDING, NOT_DEFAULTS
from tests.conftest import REPO, corpus_meta
from tests.snapshot_fixtures import COMMIT, build_from

SCRIPT = REPO / "scripts" / "build_snapshot.py"
PLUGIN_KEYS = {
    "components_read",
    "name",
    "index",
    "description",
    "version",
    "category",
    "keywords",
    "tags",
    "author",
    "homepage",
    "repository",
    "license",
    "source",
    "strict",
    "components",
    "has_plugin_json",
    "files",  # trust and quality facts of the folder (issue 22)
    "problems",
}


def _packaged() -> dict[str, object]:
    doc: dict[str, object] = json.loads(gzip.decompress(snapshot.snapshot_path().read_bytes()))
    return doc


def test_snapshot_packaged_is_small_and_names_repo_and_commit_of_every_marketplace() -> None:
    assert snapshot.snapshot_path().stat().st_size < 1_500_000
    doc = _packaged()
    markets = doc["marketplaces"]
    assert isinstance(markets, list)
    assert {m["repo"] for m in markets} == set(DEFAULT_REPOS)
    for m in markets:
        assert re.fullmatch(r"[0-9a-f]{40}", m["commit"]), m["repo"]
        assert m["snapshot_date"] and m["manifest_path"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(doc["date"]))


def test_snapshot_packaged_keeps_only_normalised_plugin_fields() -> None:
    for m in _packaged()["marketplaces"]:  # type: ignore[attr-defined]
        assert "raw" not in m
        for p in m["plugins"]:
            assert set(p) <= PLUGIN_KEYS, set(p) - PLUGIN_KEYS
            for c in p.get("components", ()):
                assert set(c) <= {"kind", "name", "description", "command"}


def test_snapshot_info_and_load_all_agree() -> None:
    info = snapshot.info()
    results = snapshot.load_all()
    assert info.marketplaces == len(results) == len(DEFAULT_REPOS)
    assert info.plugins == sum(len(r.manifest.plugins) for r in results)
    assert all(r.spec_kind == "embedded" and r.commit and r.snapshot_date for r in results)
    assert info.age_days() >= 0


def test_defaults_cover_every_corpus_repo(corpus_dir: Path) -> None:
    repos = {str(corpus_meta(f)["repo"]) for f in corpus_dir.iterdir() if f.is_dir()}
    assert repos == set(DEFAULT_REPOS) | set(NOT_DEFAULTS)
    assert not set(DEFAULT_REPOS) & set(NOT_DEFAULTS)
    assert set(FOUNDING) <= set(DEFAULT_REPOS)


def test_snapshot_commits_match_the_corpus(corpus_dir: Path) -> None:
    commits = {str(corpus_meta(f)["repo"]): corpus_meta(f)["commit"] for f in corpus_dir.iterdir()}
    for m in _packaged()["marketplaces"]:  # type: ignore[attr-defined]
        assert m["commit"] == commits[m["repo"]]


@pytest.mark.slow
def test_build_snapshot_script_is_deterministic(corpus_dir: Path, tmp_path: Path) -> None:
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"s{n}.json.gz"
        subprocess.run(
            [sys.executable, str(SCRIPT), str(corpus_dir), "-o", str(out)],
            check=True,
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    doc = json.loads(gzip.decompress(outputs[0]))
    assert doc["date"] == "2026-11-24"  # the corpus's stats.json generated_at
    assert len(doc["marketplaces"]) == len(DEFAULT_REPOS)


def test_encode_is_deterministic_and_roundtrips(fixture_repos: list[Path], tmp_path: Path) -> None:
    first, second = build_from(fixture_repos), build_from(list(reversed(fixture_repos)))
    assert first == second
    path = tmp_path / "s.json.gz"
    path.write_bytes(first)
    result = snapshot.load_embedded("ACME/k8s-market", path)
    assert result.commit == COMMIT and result.location == "acme/k8s-market"
    [entry] = result.manifest.plugins
    assert entry.name == "helm-pro" and entry.raw == {}
    assert [c.name for c in entry.components] == ["helm-pro-run"]
    assert result.repo_metrics is not None and result.repo_metrics.pushed_at is not None
    with pytest.raises(SourceError, match="not in the embedded snapshot"):
        snapshot.load_embedded("nobody/nothing", path)


def test_long_descriptions_are_capped(fixture_repos: list[Path]) -> None:
    from agentops_lite.models import PluginEntry, PluginSource

    entry = PluginEntry(
        name="x", index=0, description="word " * 500, source=PluginSource(kind="relative")
    )
    encoded = snapshot.encode_entry(entry)
    assert len(encoded["description"]) <= snapshot.MAX_DESCRIPTION


def test_missing_snapshot_is_a_clear_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no embedded snapshot"):
        snapshot.load_all(tmp_path / "nope.json.gz")


def test_star_counts_from_popularity_json_keep_their_date(
    fixture_repos: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any
) -> None:
    base = fixture_repos[0].parent
    (base.parent / "popularity.json").write_text(
        json.dumps(
            {"repos": {"Acme/K8s-Market": {"stars": 1234, "stars_fetched_at": "2026-04-06T14:06Z"}}}
        )
    )
    out = tmp_path / "snap.json.gz"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(base), "--all", "--date", "2026-11-01", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    by_repo = {r.location: r for r in snapshot.load_all(out)}
    acme = by_repo["acme/k8s-market"].repo_metrics
    assert acme is not None and acme.stars == 1234
    assert acme.stars_at is not None and acme.stars_at.date().isoformat() == "2026-04-06"
    assert acme.pushed_at is not None  # the commit date is kept beside the stars
    beta = by_repo["beta/tools"].repo_metrics
    assert beta is None or beta.stars is None  # not listed: unknown, never 0

    monkeypatch.setattr(snapshot, "snapshot_path", lambda: out)
    doc = json.loads(cli("discover", "helm kubernetes", "--json").stdout)
    [hit] = [h for h in doc["results"] if h["plugin"] == "helm-pro"]
    assert hit["stars"] == 1234 and hit["stars_at"].startswith("2026-04-06")
    shown = cli("show", "helm-pro").stdout
    assert re.search(r"stars\s+1,234 \(recorded 2026-04-06, \d+ days ago\)", shown)
    assert re.search(r"stars\s+unknown", cli("show", "lint").stdout)
    assert "star counts recorded 2026-04-06" in cli("discover", "helm kubernetes").stderr
