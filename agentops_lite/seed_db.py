"""A prebuilt catalog database of the embedded snapshot, so a first run answers in well under 2 s.

Seeding from `snapshot.json.gz` means storing ~2,400 plugins and building their search index
(seconds of CPU). The package therefore also ships `seed.db.xz`: the same snapshot, already
stored and indexed by this very code. On first use, when there is no catalog file yet, it is
unpacked into place. It is only used when its signature matches the running code (the snapshot
bytes, the schema and everything that shapes stored rows and index weights); otherwise seeding
falls back to the slow path, so a stale file can cost time but never correctness. A test keeps
the packaged file current (`python scripts/build_snapshot.py` rebuilds both).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

SEED_FILE = "seed.db.xz"
SIGNATURE_KEY = "seed_signature"
SEEDED_KEY = "seeded_from"  # meta value "seed-db" on catalogs unpacked from the seed

_PACKAGE = Path(__file__).resolve().parent
# Modules whose code decides what the seed holds: stored rows, problems, and index weights.
_SHAPERS = (
    "catalog.py",
    "catalog_rows.py",
    "migrations.py",
    "models.py",
    "search_index.py",
    "synonyms.py",
    "tokens.py",
    "snapshot.py",
)


def seed_path() -> Path:
    return _PACKAGE / "data" / SEED_FILE


def signature(snapshot: Path | None = None) -> str:
    """Hash of the packaged snapshot and of the code that turns it into catalog rows."""
    from agentops_lite.snapshot import snapshot_path

    digest = hashlib.sha256()
    for part in [snapshot or snapshot_path(), *(_PACKAGE / name for name in _SHAPERS)]:
        digest.update(part.name.encode())
        digest.update(part.read_bytes())
    return digest.hexdigest()[:32]


def _signature_of(db_bytes: bytes) -> str | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "seed.db"
        path.write_bytes(db_bytes)
        conn = sqlite3.connect(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (SIGNATURE_KEY,)).fetchone()
        except sqlite3.DatabaseError:
            row = None
        finally:
            conn.close()
    return str(row[0]) if row else None


def install_if_fresh(target: Path) -> bool:
    """Unpack the seed to `target` when no catalog exists there yet and the seed is current."""
    source = seed_path()
    if target.exists() or not source.is_file():
        return False
    import lzma  # here, not at the top: every read command imports this module

    try:
        data = lzma.decompress(source.read_bytes())
    except (OSError, lzma.LZMAError):
        return False
    header = data[:100]
    if not header.startswith(b"SQLite format 3\x00"):
        return False
    # The signature lives in the file; reading it from bytes avoids opening `target` early.
    if _signature_of(data) != signature():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".seed-", dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    if target.exists():  # another process got there first: keep its catalog
        os.unlink(tmp)
        return False
    os.replace(tmp, target)
    return True


def build(out: Path, snapshot: Path | None = None) -> int:
    """Store the snapshot in a fresh catalog with the normal code path and pack it (xz)."""
    import lzma

    from agentops_lite import bootstrap
    from agentops_lite.catalog import Catalog
    from agentops_lite.snapshot import info

    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "catalog.db"
        with Catalog.open(db_file) as cat:
            bootstrap.load_defaults(cat)
            when = info(snapshot).date.isoformat()
            conn = cat.conn
            # Fixed timestamps make the file depend only on its inputs (same inputs, same bytes).
            conn.execute("UPDATE marketplaces SET added_at = ?, refreshed_at = ?", (when, when))
            conn.execute("UPDATE repo_metrics SET fetched_at = ?", (when,))
            conn.execute("UPDATE _migrations SET applied_at = 0")
            conn.execute("DELETE FROM meta WHERE key = ?", (bootstrap.SETUP_KEY,))
            conn.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [(SIGNATURE_KEY, signature(snapshot)), (SEEDED_KEY, "seed-db")],
            )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("VACUUM")
        packed = lzma.compress(db_file.read_bytes(), preset=9 | lzma.PRESET_EXTREME)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".tmp").write_bytes(packed)
    out.with_suffix(".tmp").replace(out)
    return len(packed)
