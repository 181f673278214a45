"""ETag / Last-Modified store for conditional GET requests, kept in the catalog database."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

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
    """The DDL, shared by the catalog migration and standalone caches."""
    conn.execute(SCHEMA)


@dataclass(frozen=True)
class CacheEntry:
    """Validators and body of one earlier 200 response."""

    etag: str | None
    last_modified: str | None
    body: bytes
    stored_at: float


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
        from agentops_lite import db

        with db.write(self._conn):
            self._conn.executemany(
                "INSERT OR REPLACE INTO http_cache"
                " (url, variant, etag, last_modified, body, stored_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def forget(self, url_prefix: str) -> int:
        """Drop every entry whose URL starts with `url_prefix` (forces a full reload)."""
        escaped = url_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        from agentops_lite import db

        with db.write(self._conn):
            cur = self._conn.execute(
                "DELETE FROM http_cache WHERE url LIKE ? ESCAPE '\\'", (escaped + "%",)
            )
        return cur.rowcount

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM http_cache").fetchone()[0])

    def begin(self) -> CacheTxn:
        return CacheTxn(self)


class CacheTxn:
    """Pending writes for one source: read-your-writes, committed only when the source loaded."""

    def __init__(self, cache: HttpCache) -> None:
        self.cache = cache
        self._pending: dict[tuple[str, str], CacheEntry] = {}

    def get(self, url: str, variant: str = "") -> CacheEntry | None:
        pending = self._pending.get((url, variant))
        return pending if pending is not None else self.cache.get(url, variant)

    def put(
        self, url: str, variant: str, etag: str | None, last_modified: str | None, body: bytes
    ) -> None:
        if not (etag or last_modified) or len(body) > self.cache.max_body:
            return
        self._pending[(url, variant)] = CacheEntry(etag, last_modified, body, time.time())

    def commit(self) -> None:
        self.cache.put_many(self._pending)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()
