"""Pseudo-relevance feedback: candidates like the best matches as a whole move up."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.search.feedback import RERANK_DEPTH, blurb_vectors, feedback_rerank


def _plugin(name: str, description: str, keywords: list[str] | None = None) -> dict[str, object]:
    return {
        "name": name,
        "source": f"./plugins/{name}",
        "description": description,
        "keywords": keywords or [],
    }


@pytest.fixture
def tuning_catalog(fixture_catalog: Callable[..., Catalog]) -> Catalog:
    return fixture_catalog(
        [
            _plugin("pg-tuner", "Tune slow postgres queries with index advice", ["postgres"]),
            _plugin("pg-advisor", "Postgres index advisor for slow query plans", ["postgres"]),
            _plugin("pg-explain", "Explain postgres query plans and missing indexes"),
            _plugin("helper-a", "Query helper: spots missing indexes in postgres plans"),
            _plugin("helper-b", "Query helper: builds graphql schemas for react apps"),
            _plugin("unrelated", "Draws charts for marketing decks"),
        ]
    )


def _ids(cat: Catalog) -> dict[str, int]:
    return {p.name: p.id for p in cat.plugins()}


def test_a_candidate_like_the_best_matches_beats_an_equal_one(tuning_catalog: Catalog) -> None:
    ids = _ids(tuning_catalog)
    pool = {
        ids["pg-tuner"]: 1.0,
        ids["pg-advisor"]: 0.95,
        ids["pg-explain"]: 0.9,
        ids["helper-a"]: 0.5,
        ids["helper-b"]: 0.5,
    }
    out = feedback_rerank(tuning_catalog.conn, pool, tuning_catalog.plugins())
    assert out[ids["helper-a"]] > out[ids["helper-b"]]
    assert max(out.values()) == pytest.approx(1.0)
    assert set(out) == set(pool)  # reorders, never adds


def test_feedback_leaves_pools_it_cannot_judge_alone(tuning_catalog: Catalog) -> None:
    ids = _ids(tuning_catalog)
    tiny = {ids["pg-tuner"]: 1.0, ids["helper-b"]: 0.4}
    records = tuning_catalog.plugins()
    assert feedback_rerank(tuning_catalog.conn, tiny, records) == tiny
    unknown = {1_000_000 + i: 0.9 - i * 0.001 for i in range(RERANK_DEPTH)}  # no such rows
    assert feedback_rerank(tuning_catalog.conn, unknown, records) == unknown  # no vectors


def test_blurb_vectors_are_unit_length_and_keep_only_shared_terms(tuning_catalog: Catalog) -> None:
    ids = _ids(tuning_catalog)
    vectors = blurb_vectors(tuning_catalog.conn, tuning_catalog.plugins())
    name, vec = vectors[ids["pg-tuner"]]
    assert name == "pg-tuner"
    assert sum(x * x for x in vec.values()) == pytest.approx(1.0)
    assert any(t.startswith("postgr") for t in vec)
    # "decks" is in one candidate only: it cannot make two candidates alike.
    assert not any(t.startswith("deck") for t in vectors[ids["unrelated"]][1])


def test_a_family_of_near_copies_does_not_take_over(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    from agentops_lite.discovery.rank import discover

    copies = [_plugin(f"lint-kit-{i}", "Lint fixer") for i in range(30)]
    cat = fixture_catalog([_plugin("lint", "Lint fixer, lint"), *copies])
    # Thirty copies of one template would make the centroid theirs and push the exact match
    # down; counted once, they do not.
    assert discover(cat, "lint", limit=3).results[0].plugin == "lint"
