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

from agentops_lite.catalog.meta import SIGNATURE_KEY

SEED_FILE = "seed.db.xz"

_PACKAGE = Path(__file__).resolve().parent.parent
# Modules whose code decides what the seed holds: stored rows, problems, and index weights.
_SHAPERS = (
    "catalog/store.py",
    "catalog/rows.py",
    "catalog/migrations.py",
    "models.py",
    "search/index.py",
    "search/synonyms.py",
    "search/tokens.py",
    "sources/snapshot.py",
)


def seed_path() -> Path:
    return _PACKAGE / "data" / SEED_FILE


def signature(snapshot: Path | None = None) -> str:
    """Hash of the packaged snapshot and of the code that turns it into catalog rows."""
    from agentops_lite.sources.snapshot import snapshot_path

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
