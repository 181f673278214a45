"""The crawler's ETag / Last-Modified store (a `sources.http.ValidatorStore`) in the catalog."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agentops_lite.catalog import db
from agentops_lite.sources.http import CacheEntry, CacheTxn

# A stored body is what a 304 hands back, so it must be kept whole; bodies above this size are
# not cached at all (nor their validators): a 304 for them would have nothing to reuse.
MAX_CACHED_BODY = 4 * 1024 * 1024

SCHEMA = """
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT NOT NULL,
    variant TEXT NOT NULL DEFAULT '',
    etag TEXT,
    last_modified TEXT,
    body BLOB NOT NULL,
    stored_at REAL NOT NULL,
    PRIMARY KEY (url, variant)
)
"""


def create_schema(conn: sqlite3.Connection) -> None:
    """The DDL of a standalone cache (the catalog's table comes from its migrations)."""
    conn.execute(SCHEMA)


class HttpCache:
    """Conditional-request store. `variant` is the Accept header (an ETag names one representation).

    Writes go through `CacheTxn` so a source that fails half-way leaves no validators behind that
    would make the next refresh believe its (never stored) data is current.
    """

    def __init__(self, conn: sqlite3.Connection, *, max_body: int = MAX_CACHED_BODY) -> None:
        self._conn = conn
        self.max_body = max_body

    @classmethod
    def open(cls, path: Path | str) -> HttpCache:
        """A cache with its own connection (standalone use; the catalog passes its connection)."""
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode=WAL")
        create_schema(conn)
        return cls(conn)

    @classmethod
    def in_memory(cls) -> HttpCache:
        return cls.open(":memory:")

    def get(self, url: str, variant: str = "") -> CacheEntry | None:
        row = self._conn.execute(
            "SELECT etag, last_modified, body, stored_at FROM http_cache"
            " WHERE url = ? AND variant = ?",
            (url, variant),
        ).fetchone()
        if row is None:
            return None
        return CacheEntry(row[0], row[1], bytes(row[2]), float(row[3]))

    def put_many(self, entries: dict[tuple[str, str], CacheEntry]) -> None:
        """Store entries in one transaction (one fsync for a whole source, not one per URL)."""
        if not entries:
            return
        rows = [
            (url, variant, e.etag, e.last_modified, e.body, e.stored_at)
            for (url, variant), e in entries.items()
            if len(e.body) <= self.max_body and (e.etag or e.last_modified)
        ]
        with db.write(self._conn):
            self._conn.executemany(
                "INSERT OR REPLACE INTO http_cache"
                " (url, variant, etag, last_modified, body, stored_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def forget(self, url_prefix: str) -> int:
        """Drop every entry whose URL starts with `url_prefix` (forces a full reload)."""
        escaped = url_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with db.write(self._conn):
            cur = self._conn.execute(
                "DELETE FROM http_cache WHERE url LIKE ? ESCAPE '\\'", (escaped + "%",)
            )
        return cur.rowcount

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM http_cache").fetchone()[0])

    def begin(self) -> CacheTxn:
        return CacheTxn(self)
