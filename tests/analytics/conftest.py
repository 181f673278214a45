"""Analytics fixtures: the corpus loaded once into a catalog file, copied into each test's home."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest


def corpus_manifests(corpus: Path) -> list[Path]:
    """Each corpus marketplace's manifest file (not always at the root: see `_meta.json`)."""
    out = []
    for meta_file in sorted(corpus.glob("*/_meta.json")):
        meta = json.loads(meta_file.read_text())
        out.append(meta_file.parent / str(meta["marketplace_path"]))
    return out


@pytest.fixture(scope="session")
def corpus_db(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.refresh.update import add_source

    path = tmp_path_factory.mktemp("corpus-catalog") / "catalog.db"
    cat = Catalog.open(path)
    try:
        for manifest in corpus_manifests(corpus_dir):
            add_source(cat, str(manifest))
        cat.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        cat.close()
    return path


@pytest.fixture
def corpus_catalog(corpus_db: Path, isolated_home: Path) -> Path:
    """The corpus catalog as this test's catalog (a copy, so tests cannot disturb each other)."""
    from agentops_lite.settings import db_path

    target = db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(corpus_db, target)
    return target
