"""The pydantic-free discover path gives the output models' document, field for field."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from agentops_lite.catalog.listings import alias_buckets, fold, install_spec
from agentops_lite.catalog.meta import SnapshotFacts, snapshot_age, snapshot_facts
from agentops_lite.catalog.read import query_listings, query_plugins
from agentops_lite.catalog.store import Catalog
from agentops_lite.discovery import found, quality, quality_parts, rank, rank_models
from agentops_lite.discovery.install_lines import InstallOption, InstallRecipe
from agentops_lite.discovery.plugin_facts import (
    MarketSources,
    Option,
    Recipe,
    _components_json,
    alias_names,
)
from agentops_lite.models import SnapshotAge

PAIRS: list[tuple[type[Any], type[BaseModel]]] = [
    (found.ScoreParts, rank_models.Components),
    (found.FoundHit, rank_models.Hit),
    (found.FoundCatalog, rank_models.CatalogInfo),
    (found.FoundConcept, rank_models.QueryConcept),
    (found.Found, rank_models.DiscoverResult),
    (Recipe, InstallRecipe),
    (Option, InstallOption),
    (SnapshotFacts, SnapshotAge),
    (quality_parts.Part, quality.QualityPart),
    (quality_parts.Finding, quality.DirectoryFinding),
    (quality_parts.Score, quality.QualityScore),
]
QUERIES = ["kubernetes helm", "review my pull requests", "postgress indexes", "helm for cooking"]


@pytest.mark.parametrize(("plain", "model"), PAIRS, ids=lambda c: c.__name__)
def test_each_tuple_has_its_model_s_fields_in_order(plain: type[Any], model: type[Any]) -> None:
    # The JSON document's key order is the tuple's field order: it must be the model's.
    assert plain._fields == tuple(model.model_fields)


@pytest.fixture
def seeded(isolated_home: Path) -> Iterator[Catalog]:
    """The built-in snapshot catalog (real stars, dates, flags and component facts)."""
    from agentops_lite.refresh.seed import install_if_fresh
    from agentops_lite.settings import db_path

    assert install_if_fresh(db_path())
    cat = Catalog.open()
    yield cat
    cat.close()


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("explain", [False, True])
def test_the_plain_document_is_the_model_s(seeded: Catalog, query: str, explain: bool) -> None:
    now = datetime(2026, 12, 4, tzinfo=timezone.utc)
    plain = rank.discover(seeded, query, explain=explain, now=now, plain=True)
    model = rank.discover(seeded, query, explain=explain, now=now)
    assert isinstance(model, rank_models.DiscoverResult)
    assert plain.results, "the snapshot answers these"
    assert found.as_json(plain) == model.model_dump(mode="json")


def test_listing_views_read_what_the_records_hold(seeded: Catalog) -> None:
    ids = [i for (i,) in seeded.conn.execute("SELECT id FROM plugins ORDER BY id")]
    views = query_listings(seeded.conn, ids=ids)
    records = query_plugins(seeded.conn, ids=ids)
    assert len(views) == len(records) == len(ids)
    now = datetime(2026, 12, 4, tzinfo=timezone.utc)
    sources = MarketSources.read(seeded.conn)
    assert alias_names(seeded.conn, views) == alias_names(seeded.conn, records)
    assert [[x.id for x in g] for g in fold(views)] == [[x.id for x in g] for g in fold(records)]
    for view, record in zip(views, records, strict=True):
        for name in ("id", "marketplace_key", "marketplace_name", "marketplace_source", "stars",
                     "stars_at", "pushed_at", "installs", "installed", "archived", "dedup_key",
                     "name", "install_name"):  # fmt: skip
            assert getattr(view, name) == getattr(record, name), name
        v, r = view.entry, record.entry
        for name in ("description", "version", "category", "license", "components_read",
                     "has_errors"):  # fmt: skip
            assert getattr(v, name) == getattr(r, name), name
        assert list(v.keywords) == list(r.keywords) and list(v.tags) == list(r.tags)
        assert [(c.kind, c.name, c.description, c.command) for c in v.components] == [
            (c.kind, c.name, c.description, c.command) for c in r.components
        ]
        assert [p.severity for p in v.problems] == [p.severity for p in r.problems]
        # What the alias fold reads: the entry as written, its position, pin and files digest.
        assert (v.index, v.raw, v.source.ref, v.source.sha) == (
            r.index,
            r.raw,
            r.source.ref,
            r.source.sha,
        )
        assert (v.files and v.files.files_digest) == (r.files and r.files.files_digest)
        assert alias_buckets(view) == alias_buckets(record)
        assert install_spec(v.raw) == install_spec(r.raw)
        assert _components_json(view) == _components_json(record)
        assert found.as_json(quality_parts.score_of(view, now)) == (
            quality.quality_of(record, now).model_dump(mode="json")
        )
        assert found.as_json(sources.plain_option(view)) == (
            sources.option(record).model_dump(mode="json")
        )


def test_an_entry_stored_before_components_read_existed_reads_as_the_model_does() -> None:
    from agentops_lite.catalog.stored import entry_from_json
    from agentops_lite.models import PluginEntry

    for stored in [
        '{"name": "a", "index": 0, "source": {"kind": "relative", "path": "a"}}',
        '{"name": "b", "index": 1, "source": {"kind": "npm"}, "has_plugin_json": true}',
        '{"name": "c", "index": 2, "source": {"kind": "npm"},'
        ' "components": [{"kind": "skill", "name": "s"}]}',
    ]:
        view, model = entry_from_json(stored), PluginEntry.model_validate_json(stored)
        assert view.components_read == model.components_read
        assert [c.name for c in view.components] == [c.name for c in model.components]


def test_snapshot_facts_are_the_snapshot_age(seeded: Catalog) -> None:
    facts, age = snapshot_facts(seeded), snapshot_age(seeded)
    assert facts is not None and age is not None
    assert facts._asdict() == age.model_dump()


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 4, 6, 14, 6, 50, 924000, tzinfo=timezone.utc),
        datetime(2026, 4, 6, 14, 6, 50, tzinfo=timezone.utc),
        datetime(2026, 4, 6, 14, 6, 50, 1),
        datetime(2026, 5, 2, 23, 39, 33, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 5, 2, 23, 39, 33, 120, tzinfo=timezone(timedelta(hours=-8, minutes=-30))),
        datetime(999, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    ],
)
def test_datetimes_are_written_as_pydantic_writes_them(when: datetime) -> None:
    assert found.iso(when) == TypeAdapter(datetime).dump_python(when, mode="json")


def test_a_warm_discover_json_loads_no_pydantic_nor_other_heavy_modules(seeded: Catalog) -> None:
    seeded.close()
    entry = Path(sys.executable).parent / "agentops-lite"
    first = subprocess.run([str(entry), "discover", "helm", "--json"], capture_output=True)
    assert first.returncode == 0  # the first use sets the catalog up (that path may load it)
    code = (
        "import sys\nfrom agentops_lite.cli import fast\n"
        "assert fast.run(['discover', 'kubernetes helm', '--json'])\n"
        "heavy = ('pydantic', 'pydantic_core', 'statistics', 'dataclasses', 'pathlib', 'hashlib')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
