"""Ranking behaviour of `discover` on small fixture catalogs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.discovery.rank import combine, discover, parse_weights
from agentops_lite.errors import UsageError
from tests.discovery.conftest import PLUGINS


def names(cat: Catalog, query: str, **kw: object) -> list[str]:
    return [h.plugin for h in discover(cat, query, **kw).results]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("kubernetes manifests", "kubernetes-deployer"),
        ("kubernets", "kubernetes-deployer"),  # typo
        ("k8s", "kubernetes-deployer"),  # abbreviation
        ("review my PRs", "pr-reviewer"),  # abbreviation + plural
        ("postgress indexes", "postgres-tuner"),  # typo
        ("db queries slow", "postgres-tuner"),  # synonym
        ("ts strict types", "typescript-strict"),
        ("e2e testing", "e2e-runner"),
    ],
)
def test_discover_finds_the_right_plugin(
    fixture_catalog: Callable[..., Catalog], query: str, best: str
) -> None:
    assert names(fixture_catalog(), query)[0] == best


def test_discover_field_weighting_puts_focused_plugin_first(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    found = names(fixture_catalog(), "kubernetes")
    assert found.index("kubernetes-deployer") < found.index("general-notes")


def test_discover_relevance_gate_drops_non_matches(fixture_catalog: Callable[..., Catalog]) -> None:
    cat = fixture_catalog()
    assert names(cat, "quantum chromodynamics") == []
    assert "pr-reviewer" not in names(cat, "kubernetes helm")


def test_combine_counts_an_unknown_signal_at_the_typical_value() -> None:
    w = parse_weights(None)
    signals: dict[str, float | None] = {"stars": 0.5, "recency": None, "installs": None}
    typical: dict[str, float | None] = {"stars": 0.4, "recency": 0.8, "installs": None}
    score, notes = combine(1.0, signals, w, typical)
    # recency takes the typical 0.8; installs (nobody has it) is spread over the rest.
    assert score == pytest.approx((0.4 + 0.2 * 0.5 + 0.2 * 0.8) / 0.8)
    assert any("recency" in n and "median" in n for n in notes)
    assert any("no installs data" in n and "spread" in n for n in notes)
    known, _ = combine(1.0, {"stars": 0.5, "recency": 0.9, "installs": None}, w, typical)
    worse, _ = combine(1.0, {"stars": 0.5, "recency": 0.7, "installs": None}, w, typical)
    assert worse < score < known  # unknown ranks between better and worse known values


def test_combine_spreads_missing_signals_and_gates_popularity() -> None:
    w = parse_weights(None)
    score, notes = combine(1.0, {"stars": None, "recency": None, "installs": None}, w)
    assert score == pytest.approx(1.0) and "spread" in notes[0]
    popular, _ = combine(0.2, {"stars": 1.0, "recency": 1.0, "installs": 1.0}, w)
    relevant, _ = combine(1.0, {"stars": 0.0, "recency": 0.0, "installs": 0.0}, w)
    assert popular <= 0.2 + 1e-9 < relevant


@pytest.mark.parametrize("text", ["stars=x", "bogus=1", "relevance=0", "stars=-1"])
def test_parse_weights_rejects_bad_input(text: str) -> None:
    with pytest.raises(UsageError):
        parse_weights(text)


# pr-reviewer again, from the same source, in a second marketplace
TWIN = {
    "name": "pr-reviewer",
    "source": "./plugins/pr-reviewer",
    "description": "Review pull requests before you merge them",
}


def test_discover_folds_the_same_plugin_across_marketplaces(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    cat = fixture_catalog(second=[TWIN])
    hits = [h for h in discover(cat, "review pull requests").results if h.plugin == "pr-reviewer"]
    assert len(hits) == 1
    assert {hits[0].marketplace, hits[0].also_in[0].marketplace} == {"alpha-market", "beta-market"}
    assert hits[0].also_in[0].install.command.startswith("/plugin install pr-reviewer@")


@pytest.mark.parametrize(
    ("stale", "fresh"), [("alpha-market", "beta-market"), ("beta-market", "alpha-market")]
)
def test_the_same_plugin_is_shown_from_its_freshest_listing(
    fixture_catalog: Callable[..., Catalog], stale: str, fresh: str
) -> None:
    from agentops_lite.discovery.compare import show

    cat = fixture_catalog(second=[TWIN])
    with cat.conn:
        for key, when in ((stale, "2024-01-01T00:00:00Z"), (fresh, "2026-11-01T00:00:00Z")):
            cat.conn.execute("UPDATE marketplaces SET pushed_at = ? WHERE key = ?", (when, key))
        cat.conn.execute("UPDATE marketplaces SET stars = 500 WHERE key = ?", (stale,))
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    [hit] = [
        h
        for h in discover(cat, "review pull requests", now=now).results
        if h.plugin == "pr-reviewer"
    ]
    # A stale copy elsewhere is only an extra install option, never the listing shown.
    assert (hit.marketplace, hit.also_in[0].marketplace) == (fresh, stale)
    assert "stale" not in hit.flags
    assert show(cat, "pr-reviewer", now=now).marketplace == fresh
    # --min-stars weighs the plugin by its most starred listing, whichever one is shown.
    starred = discover(cat, "review pull requests", now=now, min_stars=100).results
    assert [h.plugin for h in starred] == ["pr-reviewer"] and starred[0].marketplace == fresh


def _plain_agrees(cat: Catalog, query: str, limit: int = 10) -> None:
    """The warm path (plain listings, `found` tuples) folds aliases as the models do."""
    from agentops_lite.discovery.found import as_json

    now = datetime(2026, 12, 4, tzinfo=timezone.utc)
    plain = discover(cat, query, limit=limit, now=now, explain=True, plain=True)
    model = discover(cat, query, limit=limit, now=now, explain=True)
    assert as_json(plain) == model.model_dump(mode="json")


def test_one_marketplaces_aliases_fold_into_one_result(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    # Listed after kubernetes-deployer from the same folder, differing only in name and blurb:
    # one plugin, shown once under the name the marketplace lists first.
    alias = {
        "name": "k8s-deployer",
        "source": "./plugins/kubernetes-deployer",
        "description": "Generate Kubernetes manifests and helm charts",
    }
    cat = fixture_catalog([*PLUGINS, alias])
    hits = discover(cat, "k8s deployer kubernetes manifests").results
    [hit] = [h for h in hits if "k8s-deployer" in (h.plugin, *h.also_named)]
    assert (hit.plugin, hit.also_named, hit.also_in) == (
        "kubernetes-deployer",
        ["k8s-deployer"],
        [],
    )
    assert hit.flags == ["duplicate"] and "k8s-deployer" in hit.flag_notes["duplicate"]
    assert hit.install.command == "/plugin install kubernetes-deployer@alpha-market"
    _plain_agrees(cat, "k8s deployer kubernetes manifests")


def test_only_strict_aliases_fold(fixture_catalog: Callable[..., Catalog]) -> None:
    """Same folder is not enough: what the entry picks out of it, its ref and its pin count;
    the same files under two folders fold, two folders alike in their README only do not."""
    deploy = "---\ndescription: Deploy charts to the cluster\n---\nRun helm upgrade.\n"
    kit = {"description": "Cluster kit", "strict": False}
    plugins = [
        {**kit, "name": "kit-charts", "source": "./plugins/kit", "skills": ["./skills/charts"]},
        {**kit, "name": "kit-probes", "source": "./plugins/kit", "skills": ["./skills/probes"]},
        {"name": "ship", "source": {"source": "github", "repo": "acme/ship"},
         "description": "Cluster ship"},
        {"name": "ship-dev", "source": {"source": "github", "repo": "acme/ship", "ref": "dev"},
         "description": "Cluster ship"},
        {"name": "roll", "source": "./plugins/roll", "description": "Cluster roll"},
        {"name": "roll-copy", "source": "./plugins/roll-copy", "description": "Cluster roll"},
        {"name": "note-a", "source": "./plugins/note-a", "description": "Cluster note"},
        {"name": "note-b", "source": "./plugins/note-b", "description": "Cluster note"},
    ]  # fmt: skip
    files = {
        "plugins/kit/skills/charts/SKILL.md": "---\nname: charts\ndescription: c\n---\nx\n",
        "plugins/kit/skills/probes/SKILL.md": "---\nname: probes\ndescription: p\n---\nx\n",
        "plugins/roll/commands/deploy.md": deploy,
        "plugins/roll-copy/commands/deploy.md": deploy,
    }
    cat = fixture_catalog(plugins, files=files)
    hits = {h.plugin: h.also_named for h in discover(cat, "cluster", limit=20).results}
    _plain_agrees(cat, "cluster", limit=20)
    assert hits == {
        "kit-charts": [],
        "kit-probes": [],
        "ship": [],
        "ship-dev": [],
        "roll": ["roll-copy"],
        "note-a": [],
        "note-b": [],
    }
    # The catalog lookup (show, and names beyond the candidates) agrees with the fold.
    from agentops_lite.discovery.plugin_facts import alias_names

    records = {r.name: r for r in cat.plugins()}
    found = alias_names(cat.conn, list(records.values()))
    assert {n: found[r.id] for n, r in records.items() if found[r.id]} == {
        "roll": ["roll-copy"],
        "roll-copy": ["roll"],
    }


def test_discover_flags_stale_archived_and_orders_by_recency(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    cat = fixture_catalog()
    now = datetime.now(timezone.utc)
    cat.conn.execute(
        "INSERT INTO repo_metrics VALUES ('o/old', 5, ?, 1, NULL, NULL, NULL, ?, NULL)",
        ((now - timedelta(days=800)).isoformat(), now.isoformat()),
    )
    cat.conn.execute("UPDATE plugins SET source_repo = 'o/old' WHERE name = 'pr-reviewer'")
    hit = discover(cat, "review pull requests", explain=True).results[0]
    assert {"stale", "archived"} <= set(hit.flags)
    assert hit.components.stars is not None and hit.explain


def test_discover_filters(fixture_catalog: Callable[..., Catalog]) -> None:
    cat = fixture_catalog()
    assert names(cat, "kubernetes", category="productivity") == ["general-notes"]
    assert names(cat, "kubernetes", installed=True) == []
    assert names(cat, "kubernetes", min_stars=1) == []
    assert len(names(cat, "kubernetes", limit=1)) == 1


def test_rank_does_not_import_typer_or_rich() -> None:
    import subprocess

    code = (
        "import agentops_lite.discovery.rank, agentops_lite.discovery.prime, sys; "
        "import agentops_lite.discovery.compare; "
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_possessive_s_is_not_a_query_word() -> None:
    from agentops_lite.search.tokens import raw_tokens, terms

    assert raw_tokens("a company's model and Claude\u2019s tools") == [
        "a",
        "company",
        "model",
        "and",
        "claude",
        "tools",
    ]
    assert terms("the team's plugin's docs") == ["team", "plugin", "docs"]


def test_a_missing_signal_counts_the_same_whatever_the_limit_or_filters(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    # 45 well-matching plugins from popular repos, 60 weaker matches from tiny ones, and the
    # best match with no repo data at all: its stars count at the typical value of its peers.
    strong = [
        {"name": f"lint-kit-{i}", "source": f"./plugins/lint-kit-{i}", "description": "Lint fixer"}
        for i in range(45)
    ]
    weak = [
        {"name": f"tool-{i}", "source": f"./plugins/tool-{i}", "description": f"Has lint {i}"}
        for i in range(60)
    ]
    target = {"name": "lint", "source": "./plugins/lint", "description": "Lint fixer, lint"}
    cat = fixture_catalog([target, *strong, *weak])
    now = datetime.now(timezone.utc).isoformat()
    for group, stars in (("lint-kit-%", 5000), ("tool-%", 1)):
        cat.conn.execute(
            "INSERT INTO repo_metrics VALUES (?, ?, NULL, 0, NULL, NULL, NULL, ?, NULL)",
            (group, stars, now),
        )
        cat.conn.execute("UPDATE plugins SET source_repo = ? WHERE name LIKE ?", (group, group))
    scores = {
        (limit, installed): next(
            h.score
            for h in discover(cat, "lint", limit=limit, installed=installed, explain=True).results
            if h.plugin == "lint"
        )
        for limit in (3, 30)
        for installed in (None, False)
    }
    assert len(set(scores.values())) == 1, scores
    hit = discover(cat, "lint", limit=3, explain=True).results[0]
    assert hit.plugin == "lint" and hit.components.stars is None
    assert any("stars" in line and "median" in line for line in hit.explain or [])
