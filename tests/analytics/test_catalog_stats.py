"""`stats`: figures checked against counts computed here, straight from the marketplace files."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.analytics.conftest import corpus_manifests

GITHUB_URL = re.compile(
    r"^(?:https?://(?:www\.)?github\.com/|git@github\.com:)([^/]+)/([^/]+?)(?:\.git)?/?$"
)


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,;]", value)
    return [w for w in value if isinstance(w, str)] if isinstance(value, list) else []


def _identity(entry: dict[str, Any], manifest: Path, plugin_root: str | None) -> tuple[str, ...]:
    """What makes two listings the same plugin: one GitHub repo + subfolder, or one folder."""
    src = entry.get("source")
    if isinstance(src, dict):
        kind, url = src.get("source"), src.get("url")
        if kind == "github" and isinstance(src.get("repo"), str):
            return ("repo", src["repo"].lower(), "")
        if kind in ("url", "git-subdir") and isinstance(url, str):
            m = GITHUB_URL.match(url.strip())
            repo = f"{m[1]}/{m[2]}" if m else url
            sub = src.get("path") if isinstance(src.get("path"), str) else ""
            return ("repo", repo.lower(), sub.strip("/"))
        if kind == "npm":
            return ("npm", str(src.get("package")).lower())
        return ("entry", str(manifest), entry["name"].lower())
    text = src.strip() if isinstance(src, str) else ""
    m = GITHUB_URL.match(text)
    if m:
        return ("repo", f"{m[1]}/{m[2]}".lower(), "")
    parts = text.replace("\\", "/").split("/")
    if not text or ".." in parts or text.startswith("/"):
        return ("entry", str(manifest), entry["name"].lower())
    if plugin_root and not text.startswith("./") and "/" not in text.strip("/"):
        parts = [*plugin_root.split("/"), *parts]
    return ("path", str(manifest), "/".join(p for p in parts if p not in ("", ".")))


def _plugin_json(manifest: Path, identity: tuple[str, ...]) -> dict[str, Any]:
    """A local plugin's own plugin.json (its keywords add to the entry's), if it has one."""
    if identity[0] != "path":
        return {}
    root = manifest.parent.parent
    for base in (root, *root.parents):
        candidate = base / identity[2] / ".claude-plugin" / "plugin.json"
        if candidate.is_file():
            try:
                doc = json.loads(candidate.read_text(encoding="utf-8-sig"))
            except ValueError:
                return {}
            return doc if isinstance(doc, dict) else {}
        if (base / "_meta.json").exists():
            break
    return {}


def independent_counts(corpus: Path) -> dict[str, Any]:
    listings, uncategorised = 0, 0
    categories: Counter[str] = Counter()
    keywords: Counter[str] = Counter()
    per_marketplace: list[int] = []
    identities: set[tuple[str, ...]] = set()
    for manifest in corpus_manifests(corpus):
        doc = json.loads(manifest.read_text(encoding="utf-8-sig"))
        root = (doc.get("metadata") or {}).get("pluginRoot")
        entries = [
            e
            for e in doc.get("plugins") or []
            if isinstance(e, dict) and isinstance(e.get("name"), str) and e["name"].strip()
        ]
        listings += len(entries)
        per_marketplace.append(len(entries))
        for e in entries:
            cat = e.get("category")
            slug = (
                re.sub(r"[\W]+", "-", cat.strip().lower()).strip("-_")
                if isinstance(cat, str)
                else ""
            )
            if slug:
                categories[slug] += 1
            else:
                uncategorised += 1
            found = _words(e.get("keywords")) + _words(e.get("tags"))
            found += _words(_plugin_json(manifest, _identity(e, manifest, root)).get("keywords"))
            words = {w.strip().lower() for w in found}
            keywords.update(w for w in words if w)
            identities.add(tuple(x.lower() for x in _identity(e, manifest, root)))
    return {
        "marketplaces": len(per_marketplace),
        "listings": listings,
        "unique": len(identities),
        "categories": categories,
        "uncategorised": uncategorised,
        "keywords": keywords,
        "per_marketplace": sorted(per_marketplace, reverse=True),
    }


def stats_json(cli: Callable[..., Result]) -> dict[str, Any]:
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.corpus
def test_stats_corpus_matches_marketplace_files(
    corpus_dir: Path, corpus_catalog: Path, cli: Callable[..., Result]
) -> None:
    want = independent_counts(corpus_dir)
    got = stats_json(cli)
    t = got["totals"]
    assert t["marketplaces"] == want["marketplaces"] == 42
    assert t["plugin_listings"] == want["listings"]
    assert t["unique_plugins"] == want["unique"]
    assert 0 < t["plugins_with_errors"] < t["plugin_listings"]
    assert [m["plugins"] for m in got["marketplaces"]] == want["per_marketplace"]
    d = got["distributions"]
    assert {c["name"]: c["count"] for c in d["categories"]} == dict(want["categories"])
    assert d["uncategorised"] == want["uncategorised"]
    top = {c["name"]: c["count"] for c in d["keywords"]}
    assert all(want["keywords"][k] == n for k, n in top.items())
    # Nothing left out of the top list has more listings than the least one in it.
    assert max(n for k, n in want["keywords"].items() if k not in top) <= min(top.values())
    assert sum(c["count"] for c in d["stars"]) == t["plugin_listings"]
    assert sum(c["count"] for c in d["age"]) == t["plugin_listings"]
    # One refresh per `add_source`, all today: one growth point with the final size.
    assert got["growth"][-1]["plugins"] == want["listings"]
    assert got["growth"][-1]["marketplaces"] == 42
    assert sum(g["refreshes"] for g in got["growth"]) == 42


@pytest.mark.corpus
def test_stats_corpus_human_output(corpus_catalog: Path, cli: Callable[..., Result]) -> None:
    result = cli("stats")
    assert result.exit_code == 0, result.stdout + result.stderr
    for heading in ("Totals", "Marketplaces", "Categories", "Component kinds", "Growth"):
        assert heading in result.stdout


def _plugin(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "source": f"./plugins/{name}", **fields}


@pytest.fixture
def small_catalog(make_marketplace: Callable[..., Path]) -> Path:
    """Two marketplaces sharing one GitHub plugin, with components, errors and odd categories."""
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.refresh.update import add_source

    files = {
        "plugins/alpha/commands/go.md": "---\ndescription: go\n---\n",
        "plugins/alpha/skills/s1/SKILL.md": "---\nname: s1\ndescription: d\n---\n",
        "plugins/alpha/agents/a1.md": "---\nname: a1\ndescription: d\n---\n",
        "plugins/beta/.mcp.json": json.dumps({"mcpServers": {"x": {"command": "x"}}}),
        "plugins/beta/hooks/hooks.json": json.dumps(
            {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo"}]}]}}
        ),
    }
    one = make_marketplace(
        "one",
        plugins=[
            _plugin("alpha", category="Orchestration & Automation", keywords=["Kube", "helm"]),
            _plugin("beta", category="orchestration-automation", tags=["kube"]),
            _plugin("bad name!", category="  "),
            {"name": "shared", "source": {"source": "github", "repo": "Acme/Shared"}},
        ],
        files=files,
    )
    two = make_marketplace(
        "two",
        plugins=[
            {"name": "shared", "source": {"source": "github", "repo": "acme/shared"}},
            {"name": "escape", "source": "../outside", "description": "\x1b[31mred"},
        ],
    )
    with Catalog.open() as cat:
        add_source(cat, str(one))
        add_source(cat, str(two))
        cat.conn.execute(
            "INSERT INTO repo_metrics VALUES "
            "('acme/shared', 1500, ?, 0, NULL, NULL, NULL, ?, NULL)",
            ((datetime.now(timezone.utc) - timedelta(days=40)).isoformat(), "2026-01-01"),
        )
        cat.conn.execute(
            "INSERT INTO refreshes (started_at, finished_at, marketplaces, plugins, ok, "
            "unchanged, failed) VALUES ('2020-01-01T10:00:00+00:00', '2020-01-01T10:00:01+00:00', "
            "1, 2, 1, 0, 1)"
        )
    return one


def test_stats_small_catalog_figures(small_catalog: Path, cli: Callable[..., Result]) -> None:
    got = stats_json(cli)
    t = got["totals"]
    assert (t["marketplaces"], t["plugin_listings"], t["unique_plugins"]) == (2, 6, 5)
    assert t["plugins_with_errors"] == 2  # the invalid name and the `..` source
    d = got["distributions"]
    assert d["categories"] == [{"name": "orchestration-automation", "count": 2}]
    assert d["uncategorised"] == 4
    assert {c["name"]: c["count"] for c in d["keywords"]} == {"kube": 2, "helm": 1}
    assert {c["name"]: c["count"] for c in d["components"]} == {
        "command": 1,
        "skill": 1,
        "agent": 1,
        "hook": 1,
        "mcp": 1,
        "lsp": 0,
    }
    stars = {c["name"]: c["count"] for c in d["stars"]}
    assert stars["1000+"] == 2 and stars["unknown"] == 4
    ages = {c["name"]: c["count"] for c in d["age"]}
    assert ages["30-89 days"] == 2 and ages["unknown"] == 4
    growth = got["growth"]
    assert growth[0] == {
        "date": "2020-01-01",
        "marketplaces": 1,
        "plugins": 2,
        "refreshes": 1,
        "failed": 1,
    }
    assert growth[-1]["plugins"] == 6 and growth[-1]["refreshes"] == 2
    assert got["workflows"] is None or got["workflows"]["runs"] == 0


def test_stats_human_output_is_inert(small_catalog: Path, cli: Callable[..., Result]) -> None:
    result = cli("stats")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "\x1b" not in result.stdout
    assert "orchestration-automation" in result.stdout


def test_stats_empty_catalog(cli: Callable[..., Result]) -> None:
    assert cli("defaults", "drop").exit_code == 0  # set up, and empty
    got = stats_json(cli)
    assert got["totals"]["plugin_listings"] == 0
    assert got["growth"] == []
    human = cli("stats")
    assert human.exit_code == 0 and "no refresh history yet" in human.stdout


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("Orchestration & Automation", "orchestration-automation"),
        ("  AI/ML ", "ai-ml"),
        ("", None),
        (None, None),
        ("---", None),
        ("DevOps", "devops"),
    ],
)
def test_normalise_category(raw: str | None, slug: str | None) -> None:
    from agentops_lite.analytics.catalog_stats import normalise_category

    assert normalise_category(raw) == slug


def test_stats_core_imports_no_cli_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys, agentops_lite.analytics.catalog_stats, agentops_lite.analytics.report; "
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
