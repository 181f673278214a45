"""Small snapshots built from fixture marketplaces, so seeding tests stay fast.

Loaded for every test by `pytest_plugins` in tests/conftest.py: both `sources/` (the snapshot
format) and `refresh/` (seeding from it) use these fixtures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agentops_lite.sources import snapshot
from agentops_lite.sources.local import load_local
from agentops_lite.sources.snapshot import encode_marketplace, encode_snapshot

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _write(root: Path, rel: str, text: str) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def make_repo(base: Path, repo: str, name: str, plugins: dict[str, str]) -> Path:
    """A marketplace folder in the corpus layout: `plugins` maps plugin name -> description."""
    root = base / repo.replace("/", "__")
    doc = {
        "name": name,
        "owner": {"name": repo.split("/")[0]},
        "plugins": [
            {"name": p, "source": f"./plugins/{p}", "description": d, "category": "devops"}
            for p, d in plugins.items()
        ],
    }
    _write(root, ".claude-plugin/marketplace.json", json.dumps(doc))
    for p, d in plugins.items():
        _write(root, f"plugins/{p}/.claude-plugin/plugin.json", json.dumps({"name": p}))
        _write(root, f"plugins/{p}/commands/{p}-run.md", f"---\ndescription: Run {d}\n---\n")
    meta = {
        "repo": repo,
        "commit": COMMIT,
        "commit_date": "2026-10-01T12:00:00+00:00",
        "marketplace_path": ".claude-plugin/marketplace.json",
    }
    _write(root, "_meta.json", json.dumps(meta))
    return root


def build_from(folders: list[Path], when: str = "2026-11-01") -> bytes:
    records = []
    for folder in folders:
        meta = json.loads((folder / "_meta.json").read_text())
        result = load_local(folder, repo=meta["repo"], repo_root=folder)
        records.append(
            encode_marketplace(
                result,
                repo=meta["repo"],
                commit=meta["commit"],
                commit_date=meta["commit_date"],
                snapshot_date=when,
                manifest_path=meta["marketplace_path"],
            )
        )
    return encode_snapshot(records, when)


@pytest.fixture
def fixture_repos(tmp_path: Path) -> list[Path]:
    base = tmp_path / "repos"
    return [
        make_repo(base, "acme/k8s-market", "acme", {"helm-pro": "Helm charts for Kubernetes"}),
        make_repo(base, "beta/tools", "beta-tools", {"lint": "Lint code", "fmt": "Format code"}),
    ]


@pytest.fixture
def small_snapshot(
    tmp_path: Path, fixture_repos: list[Path], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The package's snapshot replaced by one of two fixture marketplaces."""
    path = tmp_path / "snapshot.json.gz"
    path.write_bytes(build_from(fixture_repos))
    monkeypatch.setattr(snapshot, "snapshot_path", lambda: path)
    return path


@pytest.fixture
def known_to_claude(tmp_path: Path) -> Callable[[Path, str], None]:
    """Register a local marketplace folder in Claude Code's known_marketplaces.json."""

    def register(folder: Path, name: str) -> None:
        plugins_dir = tmp_path / "claude-config" / "plugins"
        plugins_dir.mkdir(parents=True, exist_ok=True)
        doc = {
            name: {
                "source": {"source": "directory", "path": str(folder)},
                "installLocation": str(folder),
            }
        }
        (plugins_dir / "known_marketplaces.json").write_text(json.dumps(doc))

    return register
