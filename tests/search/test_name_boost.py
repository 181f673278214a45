"""The name boost directly: a plugin named for a need of the query ranks up, renormalised to 1."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from agentops_lite.search.name_boost import NAME_BONUS, name_terms, rerank
from agentops_lite.search.query_plan import Concept, QueryPlan


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE plugins (id INTEGER PRIMARY KEY, name TEXT)")
    db.executemany(
        "INSERT INTO plugins VALUES (?, ?)",
        [(1, "helm-deployer"), (2, "cluster-tools"), (3, "kube_ops"), (4, "pr-review")],
    )
    yield db
    db.close()


def plan(*concepts: Concept) -> QueryPlan:
    return QueryPlan(text="q", concepts=list(concepts), documents=10, dfs={})


def kubernetes(importance: float = 1.0) -> Concept:
    terms = {"kubernet": 1.0, "kube": 0.9, "helm": 0.45}
    return Concept(label="kubernetes", terms=terms, importance=importance)


def test_name_terms_stems_splits_and_joins() -> None:
    assert name_terms("Helm-Deployer") == {"helm", "deploy", "helmdeployer"}
    assert name_terms("kube_ops") == {"kube", "ops", "kubeops"}
    assert "pullrequest" in name_terms("pull-request-helper")  # a vocabulary phrase, joined


def test_rerank_raises_a_plugin_named_as_typed_or_by_an_equivalent(
    conn: sqlite3.Connection,
) -> None:
    pool = {1: 1.0, 2: 1.0, 3: 1.0}
    out = rerank(conn, pool, plan(kubernetes()))
    # "kube" is an equivalent (0.9): kube_ops is named for the need. "helm" is only a
    # neighbour (0.45), so helm-deployer gets nothing for its name.
    assert out[3] == 1.0
    assert out[1] == out[2] == pytest.approx(1 / (1 + NAME_BONUS))


def test_rerank_bonus_grows_with_the_share_of_the_query_named(conn: sqlite3.Connection) -> None:
    review = Concept(label="review", terms={"review": 1.0}, importance=3.0)
    out = rerank(conn, {2: 1.0, 3: 1.0, 4: 1.0}, plan(kubernetes(1.0), review))
    # pr-review names 3/4 of the query, kube_ops 1/4, cluster-tools none.
    assert out[4] == 1.0
    assert out[3] == pytest.approx((1 + NAME_BONUS * 0.25) / (1 + NAME_BONUS * 0.75))
    assert out[2] == pytest.approx(1 / (1 + NAME_BONUS * 0.75))


def test_rerank_keeps_order_when_names_say_nothing(conn: sqlite3.Connection) -> None:
    other = Concept(label="lint", terms={"lint": 1.0}, importance=1.0)
    out = rerank(conn, {1: 0.5, 2: 1.0}, plan(other))
    assert out == {1: 0.5, 2: 1.0}


def test_rerank_can_overtake_a_better_blurb_but_stays_in_unit_range(
    conn: sqlite3.Connection,
) -> None:
    out = rerank(conn, {2: 1.0, 3: 0.7}, plan(kubernetes()))
    assert out[3] == 1.0 and out[2] < 1.0
    assert max(out.values()) == 1.0 and min(out.values()) > 0


@pytest.mark.parametrize(
    ("pool", "concepts"),
    [({3: 0.4}, [kubernetes()]), ({1: 1.0, 3: 0.5}, [])],
)
def test_rerank_leaves_tiny_pools_and_empty_plans_alone(
    conn: sqlite3.Connection, pool: dict[int, float], concepts: list[Concept]
) -> None:
    assert rerank(conn, pool, plan(*concepts)) is pool


def test_rerank_unknown_ids_get_no_bonus(conn: sqlite3.Connection) -> None:
    out = rerank(conn, {3: 1.0, 99: 1.0}, plan(kubernetes()))
    assert out[3] == 1.0 and out[99] == pytest.approx(1 / (1 + NAME_BONUS))
