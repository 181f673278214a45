"""The vocabulary directly: equivalents both ways, weaker neighbours, joined phrases, no loops."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentops_lite.search.synonyms import (
    GENERIC,
    QUERY_FILLER,
    join_phrases,
    phrases,
    vocabulary,
)
from agentops_lite.search.tokens import STOPWORDS, terms


def expansions(text: str) -> dict[str, float]:
    return vocabulary()[tuple(terms(text))]


@pytest.mark.parametrize(
    ("a", "b"),
    [("kubernetes", "k8s"), ("typescript", "ts"), ("postgres", "psql"), ("mongodb", "mongo")],
)
def test_equivalents_stand_in_for_each_other_both_ways(a: str, b: str) -> None:
    (ta,), (tb,) = terms(a), terms(b)
    assert expansions(a)[tb] == pytest.approx(0.9)
    assert expansions(b)[ta] == pytest.approx(0.9)


def test_related_terms_are_weaker_than_equivalents() -> None:
    k8s = expansions("kubernetes")
    assert k8s["k8s"] == pytest.approx(0.9)
    assert k8s["helm"] == pytest.approx(0.45)


def test_an_equivalent_inherits_its_partners_neighbours_at_a_discount() -> None:
    # "helm" is a neighbour of kubernetes, not of k8s directly: k8s gets it at 0.9 * 0.45.
    assert expansions("k8s")["helm"] == pytest.approx(0.9 * 0.45)


def test_a_phrase_stands_in_as_its_joined_term() -> None:
    assert expansions("pr")["pullrequest"] == pytest.approx(0.9)
    assert expansions("pull request")["pr"] == pytest.approx(0.9)
    # "end to end" loses its stopword exactly as the index does: both sides say "endend".
    assert expansions("e2e")["endend"] == pytest.approx(0.9)


def test_a_phrase_shrunk_to_one_word_leads_to_its_group_but_never_stands_in() -> None:
    # "sign in" -> "sign" (stopword gone): typing it finds authentication tools...
    assert expansions("sign in")["authenticat"] == pytest.approx(0.9)
    # ...but a search for authentication does not look for the bare word "sign".
    assert "sign" not in expansions("authentication")
    assert "tidy" not in expansions("refactor") and "clean" not in expansions("refactor")
    assert expansions("clean up")["refactor"] == pytest.approx(0.9)


def test_no_entry_expands_to_itself_and_weights_are_bounded() -> None:
    for key, exp in vocabulary().items():
        assert "".join(key) not in exp, key
        assert all(0 < w <= 0.9 for w in exp.values()), key


def test_vocabulary_is_built_once() -> None:
    assert vocabulary() is vocabulary()


def test_phrases_are_the_multi_word_entries() -> None:
    known = phrases()
    assert ("pull", "request") in known
    assert tuple(terms("large language model")) in known
    assert all(len(p) > 1 for p in known)
    assert ("k8s",) not in known


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("open a pull request now", ["pullrequest"]),
        ("a large language model tool", ["languagmodel", "larglanguagmodel"]),  # 2- and 3-grams
        ("pull the request", ["pullrequest"]),  # stopwords go first: "pull request" after all
        ("request pull", []),  # order matters
        ("", []),
    ],
)
def test_join_phrases(text: str, joined: list[str]) -> None:
    assert join_phrases(terms(text)) == joined


def test_generic_and_filler_are_stemmed_and_apart() -> None:
    assert terms("create")[0] in GENERIC and terms("generate")[0] in GENERIC
    assert terms("plugins")[0] in QUERY_FILLER and terms("best")[0] in QUERY_FILLER
    assert not GENERIC & QUERY_FILLER
    assert not (GENERIC | QUERY_FILLER) & STOPWORDS
    assert terms("kubernetes")[0] not in GENERIC | QUERY_FILLER


def test_the_packaged_vocabulary_is_the_one_these_groups_give() -> None:
    """data/vocabulary.json saves every process the stemming; it must say exactly what stemming
    says (a stale file is ignored at run time; this test says to rebuild it)."""
    import json

    from agentops_lite.search import synonyms

    doc = json.loads(synonyms.VOCABULARY_FILE.read_text("utf-8"))
    assert doc["signature"] == synonyms.signature(), "run scripts/build_snapshot.py"
    packaged = synonyms._packaged()
    assert packaged == synonyms.build_vocabulary()
    assert synonyms.VOCABULARY_FILE.read_text("utf-8") == synonyms.vocabulary_document()


def test_a_stale_packaged_vocabulary_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentops_lite.search import synonyms

    stale = tmp_path / "vocabulary.json"
    stale.write_text('{"signature": "old", "entries": [[["kubernetes"], {"nope": 1.0}]]}')
    monkeypatch.setattr(synonyms, "VOCABULARY_FILE", stale)
    assert synonyms._packaged() is None
    stale.write_text("not json")
    assert synonyms._packaged() is None
