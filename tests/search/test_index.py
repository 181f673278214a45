"""The BM25F index directly: fields, field weights, saturation, bundles, storing and retrieval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.search.index import (
    FIELDS,
    K1,
    MAX_COMPONENT_TOKENS,
    QueryTerm,
    bundle_factor,
    doc_count,
    doc_freqs,
    index_marketplace,
    plugin_fields,
    retrieve,
    term_weights,
    vocabulary_near,
)


def _plugin(name: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "source": f"./plugins/{name}", "description": description, **extra}


def test_plugin_fields_split_text_into_the_indexed_fields() -> None:
    fields = plugin_fields(
        "type-script",
        "Open a pull request",
        "Dev",
        ["Kubernetes"],
        [{"name": "lint-all", "description": "lints every file"}],
    )
    # A hyphenated name also matches its joined spelling; stopwords ("a", "all") are gone.
    assert fields["name"] == ["type", "script", "typescript"]
    assert fields["keywords"] == ["kubernet"]
    assert fields["category"] == ["dev"]
    # A vocabulary phrase adds its joined term, as the query side joins it.
    assert fields["description"] == ["open", "pull", "request", "pullrequest"]
    assert fields["components"] == ["lint"]
    assert fields["component_text"] == ["lint", "every", "file"]
    assert set(fields) == set(FIELDS)


def test_plugin_fields_single_word_name_gets_no_joined_copy() -> None:
    assert plugin_fields("linter", None, None, [], [])["name"] == ["lint"]


def test_plugin_fields_cap_component_text() -> None:
    many = [{"name": f"c{i}", "description": "alpha beta gamma delta " * 50} for i in range(40)]
    fields = plugin_fields("big", None, None, [], many)
    assert len(fields["component_text"]) == MAX_COMPONENT_TOKENS
    assert len(fields["components"]) == 40  # names are not capped, only the long text


@pytest.mark.parametrize(
    ("stronger", "weaker"),
    [("name", "description"), ("description", "component_text"), ("keywords", "category")],
)
def test_term_weights_field_weighting(stronger: str, weaker: str) -> None:
    """The same single term weighs more in a field that says more about the plugin."""
    hi = term_weights({stronger: ["lint"]})["lint"]
    lo = term_weights({weaker: ["lint"]})["lint"]
    assert hi > lo > 0


def test_term_weights_fields_add_up_for_one_term() -> None:
    alone = term_weights({"description": ["lint"]})["lint"]
    both = term_weights({"name": ["lint"], "description": ["lint"]})["lint"]
    assert both > alone


def test_term_weights_saturate_below_k1_plus_one() -> None:
    weights = [term_weights({"description": ["lint"] * tf})["lint"] for tf in (1, 2, 5, 50, 500)]
    assert weights == sorted(weights)  # more occurrences never weigh less
    assert weights[-1] - weights[-2] < weights[1] - weights[0]  # but gain less and less
    assert all(w < K1 + 1 for w in weights)


def test_term_weights_long_fields_are_normalised_down() -> None:
    short = term_weights({"description": ["lint", "code"]})["lint"]
    long = term_weights({"description": ["lint", *["word"] * 60]})["lint"]
    assert long < short


def test_term_weights_scale_multiplies_and_empty_fields_are_skipped() -> None:
    full = term_weights({"name": ["lint"], "keywords": []})
    half = term_weights({"name": ["lint"], "keywords": []}, scale=0.5)
    assert half["lint"] == pytest.approx(full["lint"] / 2, abs=1e-4)
    assert term_weights({"name": []}) == {}


@pytest.mark.parametrize(
    ("components", "description", "expected"),
    [
        (0, None, 1.0),
        (8, "eight focused commands", 1.0),
        (16, None, 1 / 1.3),  # twice the free count: one doubling of damping
        (0, "A pack of 64 skills for everything", 1 / 1.9),  # announced, not counted
        (3, "Over 120+ agents", None),
    ],
)
def test_bundle_factor(components: int, description: str | None, expected: float | None) -> None:
    got = bundle_factor(components, description)
    if expected is None:
        assert got < bundle_factor(16, None)
    else:
        assert got == pytest.approx(expected)


@pytest.fixture
def indexed(make_marketplace: Callable[..., Any], isolated_home: Any) -> Catalog:
    from agentops_lite.refresh.update import add_source

    cat = Catalog.open()
    plugins = [
        _plugin("lint", "Checks code style"),
        _plugin("helper", "Does many things; also runs a lint pass"),
        _plugin("notes", "Keep notes"),
        _plugin("toolbox", "Everything in one", keywords=["lint"], category="productivity"),
    ]
    files = {f"plugins/{p['name']}/README.md": "x" for p in plugins}
    files["plugins/notes/commands/tidy.md"] = "---\ndescription: lint your notes\n---\n"
    add_source(cat, str(make_marketplace("idx-market", plugins, files)))
    return cat


def _ids(cat: Catalog) -> dict[str, int]:
    return {n: i for i, n in cat.conn.execute("SELECT id, name FROM plugins")}


def test_index_marketplace_stores_postings_and_document_frequencies(indexed: Catalog) -> None:
    conn = indexed.conn
    assert doc_count(conn) == 4
    assert doc_freqs(conn, ["lint", "note", "absent-term"]) == {"lint": 4, "note": 1}
    assert doc_freqs(conn, []) == {}
    ids = _ids(indexed)
    weights = dict(
        conn.execute("SELECT plugin_id, weight FROM search_postings WHERE term = 'lint'")
    )
    # Field weighting as stored: the name beats keywords, which beat a mention in a description,
    # which beats a component's description.
    assert weights[ids["lint"]] > weights[ids["toolbox"]] > weights[ids["helper"]]
    assert weights[ids["helper"]] > weights[ids["notes"]]


def test_index_marketplace_rebuild_is_idempotent(indexed: Catalog) -> None:
    conn = indexed.conn
    before = conn.execute("SELECT * FROM search_postings ORDER BY term, plugin_id").fetchall()
    (mid,) = conn.execute("SELECT id FROM marketplaces").fetchone()
    conn.execute("BEGIN")
    index_marketplace(conn, mid)
    conn.execute("COMMIT")
    after = conn.execute("SELECT * FROM search_postings ORDER BY term, plugin_id").fetchall()
    assert after == before
    assert doc_freqs(conn, ["lint"]) == {"lint": 4}  # the df triggers did not double count


def test_retrieve_ranks_by_field_and_takes_the_best_variant_per_concept(indexed: Catalog) -> None:
    conn = indexed.conn
    ids = _ids(indexed)
    lint = [QueryTerm("lint", 0, 1.0, 1.0, 1.0)]
    found = retrieve(conn, lint)
    assert [pid for pid, _, _ in found][:3] == [ids["lint"], ids["toolbox"], ids["helper"]]
    # A second variant of the same concept counts as a max, never added on top.
    both = retrieve(conn, [*lint, QueryTerm("check", 0, 1.0, 1.0, 1.0)])
    by_id = {pid: total for pid, total, _ in both}
    alone = {pid: total for pid, total, _ in found}
    assert by_id[ids["lint"]] == pytest.approx(
        max(alone[ids["lint"]], _weight(conn, "check", ids["lint"]))
    )


def _weight(conn: Any, term: str, pid: int) -> float:
    row = conn.execute(
        "SELECT weight FROM search_postings WHERE term = ? AND plugin_id = ?", (term, pid)
    ).fetchone()
    return float(row[0]) if row else 0.0


def test_retrieve_coverage_counts_each_concept_once(indexed: Catalog) -> None:
    ids = _ids(indexed)
    query = [QueryTerm("lint", 0, 1.0, 0.5, 0.1), QueryTerm("note", 1, 1.0, 0.5, 0.1)]
    covered = {pid: cov for pid, _, cov in retrieve(indexed.conn, query)}
    assert covered[ids["notes"]] == pytest.approx(1.0)  # both concepts, each fully
    assert covered[ids["lint"]] == pytest.approx(0.5)


def test_retrieve_sql_path_agrees_with_the_impact_ordered_path(indexed: Catalog) -> None:
    query = [QueryTerm("lint", 0, 1.3, 0.7, 1.5), QueryTerm("note", 1, 0.8, 0.3, 1.0)]
    fast = retrieve(indexed.conn, query)
    exhaustive = retrieve(indexed.conn, query, where="1 = 1")
    assert [r[0] for r in exhaustive] == [r[0] for r in fast]
    for (_, t1, c1), (_, t2, c2) in zip(fast, exhaustive, strict=True):
        assert t1 == pytest.approx(t2) and c1 == pytest.approx(c2)


def test_retrieve_filters_and_limits(indexed: Catalog) -> None:
    conn = indexed.conn
    ids = _ids(indexed)
    lint = [QueryTerm("lint", 0, 1.0, 1.0, 1.0)]
    assert retrieve(conn, []) == []
    assert len(retrieve(conn, lint, limit=2)) == 2
    only = retrieve(conn, lint, where="LOWER(p.category) = ?", args=["productivity"])
    assert [r[0] for r in only] == [ids["toolbox"]]
    (mid,) = conn.execute("SELECT id FROM marketplaces").fetchone()
    assert retrieve(conn, lint, marketplace_ids=[mid + 1]) == []
    assert len(retrieve(conn, lint, marketplace_ids=[mid])) == 4


def test_vocabulary_near_keeps_first_letter_and_length_window(indexed: Catalog) -> None:
    near = vocabulary_near(indexed.conn, "lintt")
    assert "lint" in near
    assert all(t.startswith("l") and 3 <= len(t) <= 7 for t in near)
    assert "note" not in near
