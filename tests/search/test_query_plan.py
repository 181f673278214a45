"""Query analysis directly: stopwords and filler out, phrases joined, generic damped, typos."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.search.query_plan import (
    DOMAIN_BOOST,
    GENERIC_WEIGHT,
    QueryPlan,
    plan_query,
    split_clauses,
)

PLUGINS = {
    "kubernetes-deployer": "Deploy to Kubernetes clusters with helm charts",
    "pr-reviewer": "Review pull requests",
    "pipeline-runner": "Run CI pipelines",
    "code-writer": "Write code and generate files",
    "image-studio": "Image generation with stable diffusion",
    "toolbox": "Handy tools",
    "notebook": "Keep notes",
}


@pytest.fixture
def conn(make_marketplace: Callable[..., Path], isolated_home: Path) -> Any:
    from agentops_lite.refresh.update import add_source

    cat = Catalog.open()
    plugins = [
        {"name": n, "source": f"./plugins/{n}", "description": d} for n, d in PLUGINS.items()
    ]
    files = {f"plugins/{n}/README.md": "x" for n in PLUGINS}
    add_source(cat, str(make_marketplace("qp-market", plugins, files)))
    yield cat.conn
    cat.close()


def labels(plan: QueryPlan) -> list[str]:
    return [c.label for c in plan.concepts]


def concept(plan: QueryPlan, label: str) -> Any:
    return next(c for c in plan.concepts if c.label == label)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("how do I deploy to kubernetes", ["deploy", "kubernetes"]),  # stopwords
        ("best tools for kubernetes", ["kubernetes"]),  # framing words ("best", "tools")
        ("please help me find a kubernetes plugin", ["kubernetes"]),
        ("best tools", ["tools"]),  # nothing but framing: still searches for something
        ("zzzz qqqq", []),  # nothing indexed comes near: no concept at all
    ],
)
def test_plan_drops_stopwords_and_framing(conn: Any, query: str, expected: list[str]) -> None:
    assert labels(plan_query(conn, query)) == expected


def test_plan_counts_documents_and_keeps_the_text(conn: Any) -> None:
    plan = plan_query(conn, "Deploy to Kubernetes")
    assert plan.text == "Deploy to Kubernetes"
    assert plan.documents == len(PLUGINS)
    assert labels(plan) == ["deploy", "kubernetes"]  # lower-cased


def test_plan_expands_with_vocabulary_equivalents(conn: Any) -> None:
    k8s = concept(plan_query(conn, "k8s"), "k8s")
    assert k8s.terms["k8s"] == 1.0
    assert k8s.terms["kubernet"] == pytest.approx(0.9)  # an equivalent
    assert k8s.terms["helm"] == pytest.approx(0.405)  # a neighbour of the equivalent
    assert k8s.domain and not k8s.generic and not k8s.corrected


def test_plan_keeps_unstemmed_token_as_a_variant(conn: Any) -> None:
    kube = concept(plan_query(conn, "kubernetes"), "kubernetes")
    assert kube.terms["kubernet"] == kube.terms["kubernetes"] == 1.0


def test_plan_joins_a_known_phrase_into_each_of_its_words(conn: Any) -> None:
    plan = plan_query(conn, "review my pull request")
    assert labels(plan) == ["review", "pull", "request"]
    for word in ("pull", "request"):
        c = concept(plan, word)
        assert c.terms["pullrequest"] == 1.0  # the joined phrase, as the index joins it
        assert c.terms["pr"] == pytest.approx(0.9)  # an equivalent of the phrase
    # "review" is outside the phrase: it knows the phrase only as a loose neighbour.
    assert concept(plan, "review").terms["pullrequest"] == pytest.approx(0.45)


def test_plan_a_generic_word_inside_a_phrase_is_not_generic(conn: Any) -> None:
    phrase = plan_query(conn, "image generation")
    assert not concept(phrase, "generation").generic
    assert concept(phrase, "generation").terms["imaggenerat"] == 1.0
    alone = plan_query(conn, "generate")
    assert concept(alone, "generate").generic


def test_plan_generic_words_weigh_less_and_get_no_expansions(conn: Any) -> None:
    plan = plan_query(conn, "write kubernetes")
    write, kube = concept(plan, "write"), concept(plan, "kubernetes")
    assert write.generic and not kube.generic
    assert write.terms == {"writ": 1.0, "write": 1.0}
    assert write.importance < kube.importance
    by_concept = dict.fromkeys(range(len(plan.concepts)), 0.0)
    for q in plan.query_terms():
        by_concept[q.concept] = max(by_concept[q.concept], q.weight)
    # "writ" and "kubernet" each occur in one plugin (same idf): only the damping differs.
    assert by_concept[0] == pytest.approx(by_concept[1] * GENERIC_WEIGHT, rel=1e-6)


def test_plan_domain_words_get_the_boost(conn: Any) -> None:
    plan = plan_query(conn, "kubernetes handy")
    kube, handy = concept(plan, "kubernetes"), concept(plan, "handy")
    assert kube.domain and not handy.domain
    # Both words are in exactly one plugin, so the boost is the whole difference.
    assert kube.importance == pytest.approx(handy.importance * DOMAIN_BOOST)


def test_plan_ci_slash_cd_is_one_word(conn: Any) -> None:
    plan = plan_query(conn, "ci/cd")
    assert labels(plan) == ["cicd"]
    assert concept(plan, "cicd").terms["pipelin"] == pytest.approx(0.9)


def test_plan_corrects_a_typo_to_the_indexed_spelling(conn: Any) -> None:
    typo = plan_query(conn, "kubernetis")
    right = plan_query(conn, "kubernetes")
    c = concept(typo, "kubernetis")
    assert c.corrected == {"kubernetis": "kubernet"}
    assert 0.8 <= c.terms["kubernet"] < 0.9  # weighted by similarity, below an exact spelling
    assert "helm" in c.terms  # and the corrected word brings its vocabulary along
    assert c.domain
    # A misspelt need counts as much as the same need spelt right.
    assert c.importance == pytest.approx(concept(right, "kubernetes").importance)
    assert typo.describe()[0][3] == {"kubernetis": "kubernet"}


def test_plan_does_not_correct_indexed_or_short_words(conn: Any) -> None:
    assert concept(plan_query(conn, "notes"), "notes").corrected == {}
    # "hel" is close to "helm" but too short to guess at: it is dropped, not corrected.
    assert plan_query(conn, "hel").concepts == []


def test_plan_query_terms_only_indexed_terms_and_shares_sum_to_one(conn: Any) -> None:
    plan = plan_query(conn, "deploy kubernetes with helm")
    terms = plan.query_terms()
    assert terms and all(plan.dfs.get(q.term) for q in terms)
    shares = {q.concept: q.importance for q in terms}
    assert sum(shares.values()) == pytest.approx(1.0)
    for q in terms:  # every term of a concept shares the concept's cover threshold
        assert q.full == max(t.weight for t in terms if t.concept == q.concept)


def test_plan_describe_lists_main_variants_first(conn: Any) -> None:
    label, variants, importance, corrected = plan_query(conn, "k8s").describe()[0]
    assert label == "k8s" and variants[0] == "k8s" and importance > 0 and corrected == {}
    assert len(variants) <= 12


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("build, test and deploy the app", ["build", "test", "deploy the app"]),
        ("lint then format; plus review", ["lint", "format", "review"]),
        ("Review PRs otherwise fix CI", ["review prs", "fix ci"]),
        ("deploy to kubernetes", []),  # one need: no split
        ("sandwich", []),
    ],
)
def test_split_clauses(text: str, clauses: list[str]) -> None:
    assert split_clauses(text) == clauses
