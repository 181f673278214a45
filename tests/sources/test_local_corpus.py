"""Every real marketplace in ../shared/corpus loads, with the counts and oddities INDEX.md lists."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from agentops_lite.models import MarketplaceManifest
from agentops_lite.sources.local import load_local

pytestmark = pytest.mark.corpus


def _load_all(corpus: Path) -> dict[str, tuple[dict[str, object], MarketplaceManifest]]:
    out = {}
    for folder in sorted(p for p in corpus.iterdir() if (p / "_meta.json").is_file()):
        meta = json.loads((folder / "_meta.json").read_text())
        result = load_local(folder / meta["marketplace_path"], repo=meta["repo"], repo_root=folder)
        out[str(meta["repo"])] = (meta, result.manifest)
    return out


@pytest.fixture(scope="module")
def loaded(corpus_dir: Path) -> dict[str, tuple[dict[str, object], MarketplaceManifest]]:
    return _load_all(corpus_dir)


def test_corpus_every_marketplace_loads_with_its_plugin_count(loaded: dict) -> None:  # type: ignore[type-arg]
    assert len(loaded) == 42
    for repo, (meta, manifest) in loaded.items():
        assert len(manifest.plugins) == meta["plugin_count"], repo
    assert sum(len(m.plugins) for _, m in loaded.values()) == 2973


def _codes(manifest: MarketplaceManifest) -> Counter[str]:
    return Counter(p.code for _, p in manifest.all_problems())


@pytest.mark.parametrize(
    ("repo", "code", "count"),
    [
        ("0motionguy/gICM", "source-github-shorthand", 442),
        ("0dd/my-marketplace", "invalid-name", 1),
        ("JosiahSiegel/claude-code-marketplace", "invalid-name", 1),
        ("ComposioHQ/awesome-claude-skills", "source-wrong-root", 28),
        ("ComposioHQ/awesome-claude-skills", "source-missing", 79),
        ("nicholls-inc/claude-code-marketplace", "source-missing", 1),
        ("anthropics/claude-plugins-official", "url-with-path", 4),
        ("0k-software/0k-plugins", "missing-description", 1),
    ],
)
def test_corpus_oddities_become_problems(loaded: dict, repo: str, code: str, count: int) -> None:  # type: ignore[type-arg]
    assert _codes(loaded[repo][1])[code] == count


def test_corpus_unresolved_sources_are_errors(loaded: dict) -> None:  # type: ignore[type-arg]
    for repo, (meta, manifest) in loaded.items():
        flagged = {
            name
            for name, p in manifest.all_problems()
            if p.code in ("source-missing", "source-wrong-root", "source-github-shorthand")
        }
        for item in meta.get("unresolved_local_sources") or []:
            assert item["plugin"] in flagged, (repo, item)


def test_corpus_marketplace_without_plugins_key(loaded: dict) -> None:  # type: ignore[type-arg]
    manifest = loaded["davila7/claude-code-templates"][1]
    missing = {p.path for p in manifest.problems if p.code == "missing-field"}
    assert missing == {"name", "owner", "plugins"}
    assert any(p.path == "agents" and p.code == "unknown-field" for p in manifest.problems)


def test_corpus_unknown_entry_keys_are_warnings(loaded: dict) -> None:  # type: ignore[type-arg]
    gicm = loaded["0motionguy/gICM"][1]
    unknown = Counter(
        p.path.rsplit(".", 1)[1] for _, p in gicm.all_problems() if p.code == "unknown-field"
    )
    assert unknown["components"] == 442 and unknown["envKeys"] == 106


def test_corpus_frontmatter_census(loaded: dict) -> None:  # type: ignore[type-arg]
    totals: Counter[str] = Counter()
    for _, manifest in loaded.values():
        totals.update(_codes(manifest))
    assert totals["agent-no-frontmatter"] == 17
    assert totals["skill-no-frontmatter"] == 34


def test_corpus_shared_source_dirs_are_one_plugin(loaded: dict) -> None:  # type: ignore[type-arg]
    from agentops_lite.catalog.rows import dedup_key

    han_meta, han = loaded["TheBushidoCollective/han"]
    keys = Counter(dedup_key(e, "TheBushidoCollective/han", "x") for e in han.plugins)
    assert sum(1 for n in keys.values() if n > 1) == 154


def test_corpus_historical_malformed_files_give_problems(corpus_dir: Path) -> None:
    from agentops_lite.parse.marketplace_json import parse_marketplace
    from agentops_lite.parse.plugin_json import parse_plugin_json

    folder = corpus_dir.parent / "historical_malformed"
    files = [p for p in folder.rglob("*.json") if p.name != "_meta.json"]
    assert len(files) == 6
    for f in files:
        data = f.read_bytes()
        if f.name == "marketplace.json":
            problems = parse_marketplace(data).problems
        else:
            problems = tuple(parse_plugin_json(data).problems)
        assert [p.code for p in problems] == ["invalid-json"], f
        if "laurigates" in str(f):
            assert "merge-conflict" in problems[0].message
