"""Load the shared corpus of real marketplaces into a catalog (used by the benchmarks and tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AGENTOPS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "marketplaces"
EVAL = SHARED / "eval"


def index_code_digest() -> str:
    """A digest of the code that shapes a stored catalog's index: cached catalogs built by the
    benchmarks are rebuilt or re-indexed when it changes."""
    import hashlib

    code = b"".join(
        (REPO / "agentops_lite" / f).read_bytes()
        for f in (
            "search/index.py", "search/tokens.py", "search/synonyms.py", "catalog/store.py",
            "parse/components.py", "parse/plugin_files.py", "catalog/migrations.py", "models.py",
            "search/semantic.py",
        )
    )  # fmt: skip
    return hashlib.sha1(code).hexdigest()


def load_corpus(db_file: Path, corpus: Path = CORPUS, *, stars: bool = False) -> Path:
    """Build (once) a catalog at `db_file` holding every corpus marketplace; `stars`: with the
    star counts of popularity.json, as the packaged snapshot carries them."""
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.refresh.store import index_and_record
    from agentops_lite.sources.base import SourceSpec
    from agentops_lite.sources.local import load_local

    if db_file.exists():
        return db_file
    tmp = db_file.with_suffix(".tmp")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    known: dict[str, object] = {}
    if stars:
        import sys

        sys.path.insert(0, str(REPO / "scripts"))
        from build_snapshot import _with_stars, popularity

        known = popularity([corpus])
    cat = Catalog.open(tmp)
    try:
        for folder in sorted(p for p in corpus.iterdir() if (p / "_meta.json").is_file()):
            meta = json.loads((folder / "_meta.json").read_text())
            manifest = folder / meta.get("marketplace_path", ".claude-plugin/marketplace.json")
            result = load_local(manifest, repo=meta["repo"], repo_root=folder)
            if stars:
                result = _with_stars(result, meta["repo"], meta.get("commit_date"), known)
            record = cat.add_marketplace(SourceSpec(kind="local", location=str(folder)))
            cat.conn.execute(
                "UPDATE marketplaces SET repo = ? WHERE id = ?", (meta["repo"], record.id)
            )
            cat.store_load(record.id, result, index=index_and_record)
        cat.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        cat.close()
    os.replace(tmp, db_file)
    return db_file
