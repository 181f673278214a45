"""The semantic stage: the model read from its package, vectors kept at index time, fusion."""

from __future__ import annotations

import gzip
import json
import lzma
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.discovery.rank import discover
from agentops_lite.search import encoder, semantic
from agentops_lite.search.fusion import MIN_SIMILARITY, rrf
from tests.discovery.conftest import PLUGINS

pytestmark = pytest.mark.usefixtures("semantic")

TEXTS = [
    "kubernetes helm",
    "Review pull requests before you merge them",
    "écrire des tests für Python 🚀 — naïve café",
    "  CI/CD pipeline   with\ttabs\nand newlines ",
    "",
    "x" * 50,
]


def _model() -> semantic.Model:
    model = semantic.load_model()
    assert model is not None
    return model


@pytest.mark.parametrize("text", TEXTS)
def test_query_encoder_matches_the_package_tokenizer(text: str) -> None:
    import numpy as np

    model = _model()
    bulk = model.encode([text])[0]
    one = np.asarray(model.encode_query(text), dtype=np.float32)
    assert np.allclose(bulk, one, atol=1e-6)
    assert bulk.shape == (semantic.DIM,)


def test_query_encoder_matches_on_real_listing_texts() -> None:
    from agentops_lite.sources.snapshot import snapshot_path

    model = _model()
    model.encode(["warm up"])  # loads the package's tokenizer
    raw = json.loads(gzip.decompress(snapshot_path().read_bytes()))
    texts = [
        semantic.listing_text(
            p["name"],
            p.get("description") if isinstance(p.get("description"), str) else None,
            None,
            [k for k in p.get("keywords") or [] if isinstance(k, str)],
            [str(c.get("name")) for c in p.get("components") or [] if isinstance(c, dict)],
        )
        for m in raw["marketplaces"]
        for p in m["plugins"][:30]
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    ]
    assert len(texts) > 200
    tokenizer = model._tokenizer
    for text in texts:
        expected = tokenizer.encode(encoder._clean(text), add_special_tokens=False).ids
        assert model.query_ids(text) == expected, text


def test_similar_meaning_is_nearer_than_unrelated() -> None:
    model = _model()
    a, b, c = model.encode(
        ["deploy to kubernetes", "ship containers to a k8s cluster", "bake a cake"]
    )
    assert float(a @ b) > float(a @ c) + 0.1


def _vectors(cat: Catalog) -> dict[str, tuple[str, bytes]]:
    rows = cat.conn.execute(
        "SELECT p.name, v.text_hash, v.vector FROM listing_vectors v "
        "JOIN plugins p ON p.id = v.plugin_id WHERE v.model = ?",
        (semantic.MODEL_ID,),
    )
    return {name: (h, blob) for name, h, blob in rows}


def test_indexing_stores_a_float16_vector_per_listing(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    import numpy as np

    cat = fixture_catalog()
    stored = _vectors(cat)
    assert set(stored) == {p["name"] for p in PLUGINS}
    text_hash, blob = stored["pr-reviewer"]
    assert len(blob) == semantic.DIM * 2
    vec = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-2
    row = cat.conn.execute(
        "SELECT id, name, description, category, keywords_json, tags_json, components_json "
        "FROM plugins WHERE name = 'pr-reviewer'"
    ).fetchone()
    assert text_hash == semantic.text_hash(semantic._row_text(row))


def test_only_changed_listings_are_encoded_again(fixture_catalog: Callable[..., Catalog]) -> None:
    cat = fixture_catalog()
    before = _vectors(cat)
    mid = cat.conn.execute("SELECT id FROM marketplaces").fetchone()[0]
    with cat.conn:
        assert semantic.index_vectors(cat.conn, mid) == 0  # nothing changed: all reused
        cat.conn.execute(
            "UPDATE plugins SET description = 'Audit smart contracts' WHERE name = 'pr-reviewer'"
        )
        assert semantic.index_vectors(cat.conn, mid) == 1
    after = _vectors(cat)
    assert after["pr-reviewer"] != before["pr-reviewer"]
    assert {k: v for k, v in after.items() if k != "pr-reviewer"} == {
        k: v for k, v in before.items() if k != "pr-reviewer"
    }


def test_without_the_model_unchanged_listings_keep_their_vectors(
    fixture_catalog: Callable[..., Catalog], monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = fixture_catalog()
    before = _vectors(cat)
    mid = cat.conn.execute("SELECT id FROM marketplaces").fetchone()[0]
    monkeypatch.setenv("AGENTOPS_SEMANTIC", "0")
    with cat.conn:
        cat.conn.execute("DELETE FROM plugins WHERE name = 'postgres-tuner'")
        cat.conn.execute("UPDATE plugins SET description = 'changed' WHERE name = 'e2e-runner'")
        semantic.index_vectors(cat.conn, mid)
    after = _vectors(cat)
    assert "postgres-tuner" not in after and "e2e-runner" not in after
    assert after["pr-reviewer"] == before["pr-reviewer"]
    count = cat.conn.execute("SELECT COUNT(*) FROM listing_vectors").fetchone()[0]
    assert count == len(after)  # the removed listing's row went too


def test_a_catalog_indexed_without_the_extra_is_filled_on_first_discover(
    fixture_catalog: Callable[..., Catalog], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTOPS_SEMANTIC", "0")
    cat = fixture_catalog()
    assert _vectors(cat) == {}
    assert discover(cat, "helm charts").semantic is None
    monkeypatch.delenv("AGENTOPS_SEMANTIC")
    assert discover(cat, "helm charts").semantic == semantic.MODEL_ID
    assert set(_vectors(cat)) == {p["name"] for p in PLUGINS}


def test_discover_fuses_and_explains(fixture_catalog: Callable[..., Catalog]) -> None:
    cat = fixture_catalog()
    res = discover(cat, "kubernetes helm", explain=True)
    assert res.semantic == semantic.MODEL_ID
    top = res.results[0]
    assert top.plugin == "kubernetes-deployer"
    assert top.components.semantic is not None and top.components.semantic > MIN_SIMILARITY
    assert top.explain is not None
    assert top.explain[0].startswith("lexical rank 1")
    assert top.explain[1].startswith("semantic rank ")
    assert "similarity" in top.explain[1]
    scores = [h.score for h in res.results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


def test_model_only_hits_enter_and_nonsense_finds_nothing(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    cat = fixture_catalog(
        [
            *PLUGINS,
            {
                "name": "weather-station",
                "source": "./plugins/weather-station",
                "description": "Forecast rain and temperature",
            },
        ]
    )
    # No word of the query is in the catalog's index, so the lexical ranker finds nothing.
    res = discover(cat, "meteorology climate", explain=True)
    assert [h.plugin for h in discover(cat, "quantum chromodynamics").results] == []
    assert res.results, "the model should find the weather plugin"
    hit = res.results[0]
    assert hit.plugin == "weather-station"
    assert hit.components.relevance == 0.0 and hit.matched == []
    assert hit.explain and hit.explain[0].startswith("not found by its words")


def test_without_the_stage_discover_is_the_lexical_ranking(
    fixture_catalog: Callable[..., Catalog], monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = fixture_catalog()
    monkeypatch.setenv("AGENTOPS_SEMANTIC", "0")
    res = discover(cat, "kubernetes helm", explain=True)
    assert res.semantic is None
    assert all(h.components.semantic is None for h in res.results)
    assert not any("semantic" in line for h in res.results for line in h.explain or [])


def test_rrf_is_one_for_first_in_both_and_favours_agreement() -> None:
    assert rrf(1, 1) == pytest.approx(1.0)
    assert rrf(3, 3) > rrf(1, None)
    assert rrf(None, None) == 0.0


def test_the_packaged_seed_ships_a_vector_for_every_listing(tmp_path: Path) -> None:
    from agentops_lite.refresh.seed import seed_path

    db_file = tmp_path / "seed.db"
    db_file.write_bytes(lzma.decompress(seed_path().read_bytes()))
    conn = sqlite3.connect(db_file)
    try:
        plugins = conn.execute("SELECT COUNT(*) FROM plugins").fetchone()[0]
        missing = conn.execute(
            "SELECT COUNT(*) FROM plugins p WHERE NOT EXISTS (SELECT 1 FROM listing_vectors v "
            "WHERE v.plugin_id = p.id AND v.model = ?)",
            (semantic.MODEL_ID,),
        ).fetchone()[0]
    finally:
        conn.close()
    assert plugins > 1000 and missing == 0


def test_the_numpy_scan_ranks_as_the_plain_one(
    fixture_catalog: Callable[..., Catalog], monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = fixture_catalog()
    model = _model()

    def ranking() -> semantic.Ranking | None:
        return semantic.rank_listings(
            cat.conn, model, "helm charts", feedback=[1], beta=1.0, depth=5
        )

    plain = ranking()
    monkeypatch.setattr(semantic, "PYTHON_SCAN_LIMIT", 0)
    with_numpy = ranking()
    assert plain is not None and with_numpy is not None
    assert plain.ids == with_numpy.ids
    assert plain.similarity == pytest.approx(with_numpy.similarity, abs=1e-4)


def test_a_query_on_a_small_catalog_does_not_import_numpy(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    import subprocess
    import sys

    fixture_catalog().close()
    code = (
        "import sys\n"
        "from agentops_lite.catalog.store import Catalog\n"
        "from agentops_lite.discovery.rank import discover\n"
        "res = discover(Catalog.open(), 'helm charts')\n"
        "print(res.semantic, 'numpy' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [semantic.MODEL_ID, "False"]


def test_vectors_of_another_model_are_replaced_on_first_discover(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    cat = fixture_catalog()
    cat.conn.execute("UPDATE listing_vectors SET model = 'an-older-model'")
    assert discover(cat, "helm charts").semantic == semantic.MODEL_ID
    models = {m for (m,) in cat.conn.execute("SELECT model FROM listing_vectors")}
    assert models == {semantic.MODEL_ID}
    assert set(_vectors(cat)) == {p["name"] for p in PLUGINS}


def test_a_removed_marketplace_leaves_no_vectors_behind(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    cat = fixture_catalog(second=[{"name": "solo", "source": "./plugins/solo"}])
    assert "solo" in _vectors(cat)
    cat.remove_marketplace("beta-market")
    discover(cat, "helm charts")
    count = cat.conn.execute("SELECT COUNT(*) FROM listing_vectors").fetchone()[0]
    assert count == len(PLUGINS)
