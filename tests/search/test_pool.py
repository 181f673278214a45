"""The candidate pool directly: retrieval, the relevance gate, filters, folding, concept labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.search.pool import (
    COVERAGE_POWER,
    Pool,
    candidates,
    matched_concepts,
    relevance,
)
from tests.discovery.conftest import PLUGINS

TWIN = {
    "name": "helm-twin",
    "source": {"source": "github", "repo": "acme/helm"},
    "description": "Helm charts for Kubernetes",
    "category": "DevOps",
}
ALIAS = {**TWIN, "name": "helm-alias"}


@pytest.fixture
def cat(make_marketplace: Callable[..., Path], isolated_home: Path) -> Any:
    """PLUGINS plus one GitHub plugin listed by two marketplaces, and under two names in one."""
    from agentops_lite.refresh.update import add_source

    cat = Catalog.open()
    files = {f"plugins/{p['name']}/README.md": "x" for p in PLUGINS}
    add_source(cat, str(make_marketplace("alpha-market", [*PLUGINS, TWIN], files)))
    add_source(cat, str(make_marketplace("beta-market", [TWIN, ALIAS])))
    yield cat
    cat.close()


def names(pool: Pool) -> list[str]:
    return [group[0].name for group, _ in pool.groups]


def listed(pool: Pool) -> set[str]:
    """Every listing's name, the folded ones included."""
    return {r.name for group, _ in pool.groups for r in group}


def ids_of(cat: Catalog, name: str) -> list[int]:
    rows = cat.conn.execute("SELECT id FROM plugins WHERE name = ? ORDER BY id", (name,))
    return [r[0] for r in rows]


def test_relevance_discounts_partial_coverage() -> None:
    assert relevance(2.0, 1.0) == 2.0
    assert relevance(2.0, 0.5) == pytest.approx(2.0 * 0.5**COVERAGE_POWER)
    assert relevance(5.0, 0.0) == 0.0


def test_candidates_best_first_relative_to_the_best(cat: Catalog) -> None:
    pool = candidates(cat.conn, "kubernetes helm", pool=50)
    scores = [s for _, s in pool.groups]
    assert scores[0] == 1.0 and scores == sorted(scores, reverse=True)
    assert names(pool)[0] == "kubernetes-deployer"
    assert "pr-reviewer" not in names(pool) and "typescript-strict" not in names(pool)
    assert [c.label for c in pool.plan.concepts] == ["kubernetes", "helm"]


def test_candidates_gate_drops_plugins_covering_little_of_the_query(cat: Catalog) -> None:
    # general-notes mentions kubernetes in passing: kept for that one word...
    assert "general-notes" in names(candidates(cat.conn, "kubernetes", pool=50))
    # ...but it covers one need of four, and falls below the floor.
    wide = candidates(cat.conn, "kubernetes helm charts manifests", pool=50)
    assert "general-notes" not in names(wide)
    assert names(wide)[0] == "kubernetes-deployer"


def test_candidates_fold_listings_of_one_plugin(cat: Catalog) -> None:
    pool = candidates(cat.conn, "helm", pool=50)
    (twin,) = [group for group, _ in pool.groups if group[0].name == "helm-twin"]
    # One plugin: in two marketplaces, and under a second name in beta (an alias).
    assert sorted((r.marketplace_key, r.name) for r in twin) == [
        ("alpha-market", "helm-twin"),
        ("beta-market", "helm-alias"),
        ("beta-market", "helm-twin"),
    ]
    assert pool.repos == {"alpha-market": None, "beta-market": None}


def test_candidates_exclude_and_pool_size(cat: Catalog) -> None:
    full = candidates(cat.conn, "kubernetes", pool=50)
    best = full.groups[0][0][0]
    without = candidates(cat.conn, "kubernetes", pool=50, exclude=frozenset({best.id}))
    assert best.name not in names(without)
    assert without.groups[0][1] == 1.0  # renormalised to the new best
    assert len(candidates(cat.conn, "kubernetes", pool=1).groups) == 1


def test_candidates_category_filter_is_case_insensitive(cat: Catalog) -> None:
    pool = candidates(cat.conn, "kubernetes", pool=50, category="devops")
    assert listed(pool) == {"kubernetes-deployer", "helm-twin", "helm-alias"}
    assert "general-notes" not in names(pool)  # it matches, but is filed under productivity
    assert candidates(cat.conn, "kubernetes", pool=50, category="cooking").groups == []


@pytest.mark.parametrize("category", [None, "DEVOPS"])  # the indexed path and the SQL path
def test_candidates_marketplace_filter(cat: Catalog, category: str | None) -> None:
    (beta,) = cat.conn.execute("SELECT id FROM marketplaces WHERE key = 'beta-market'").fetchone()
    pool = candidates(cat.conn, "helm", pool=50, marketplace_ids=[beta], category=category)
    keys = {r.marketplace_key for group, _ in pool.groups for r in group}
    assert keys == {"beta-market"}
    assert names(pool) == ["helm-twin"] and listed(pool) == {"helm-twin", "helm-alias"}


def test_candidates_unknown_words_give_an_empty_pool(cat: Catalog) -> None:
    pool = candidates(cat.conn, "zzzz qqqq", pool=50)
    assert pool.groups == [] and pool.plan.concepts == []


def test_matched_concepts_names_each_plugins_matched_needs(cat: Catalog) -> None:
    pool = candidates(cat.conn, "postgres kubernetes", pool=50)
    deployer, tuner = ids_of(cat, "kubernetes-deployer")[0], ids_of(cat, "postgres-tuner")[0]
    matched = matched_concepts(cat.conn, pool.plan, [deployer, tuner])
    assert matched == {deployer: ["kubernetes"], tuner: ["postgres"]}
    assert matched_concepts(cat.conn, pool.plan, []) == {}


def test_alias_names_of_pooled_listings_name_the_same_source(cat: Catalog) -> None:
    # pool.aliases_of moved to discovery.plugin_facts.alias_names (e6ff69f): the same check
    # over the listings the pool retrieves.
    from agentops_lite.discovery.plugin_facts import alias_names

    records = [r for group, _ in candidates(cat.conn, "helm", pool=50).groups for r in group]
    found = alias_names(cat.conn, records)
    by_listing = {(r.name, r.marketplace_key): found[r.id] for r in records}
    assert by_listing[("helm-twin", "beta-market")] == ["helm-alias"]  # beta lists it twice
    assert by_listing[("helm-alias", "beta-market")] == ["helm-twin"]
    assert by_listing[("helm-twin", "alpha-market")] == []
    assert by_listing[("kubernetes-deployer", "alpha-market")] == []
