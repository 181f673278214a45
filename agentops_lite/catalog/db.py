"""SQLite connection for the catalog: WAL, busy timeout, write retries, migrations on open."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from agentops_lite.errors import CatalogError

if TYPE_CHECKING:
    from pathlib import Path

BUSY_TIMEOUT_MS = 30_000
LOCK_RETRIES = 8


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the catalog database at `path`."""
    memory = str(path) == ":memory:"
    if not memory:
        os.makedirs(os.path.dirname(os.fspath(path)) or ".", exist_ok=True)
    try:
        # isolation_level=None: we issue BEGIN ourselves, so a refresh is exactly one transaction.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not memory:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise CatalogError(
            f"cannot open the catalog at {path}: {exc}",
            hint="set AGENTOPS_HOME to another folder, or move the damaged file away",
        ) from exc
    return conn


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE), retried when another process holds the lock.

    Nested use joins the outer transaction, so a caller can make several writes atomic (and
    commit once, which matters when seeding dozens of marketplaces).
    """
    if conn.in_transaction:
        yield conn
        return
    for attempt in range(LOCK_RETRIES + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or attempt == LOCK_RETRIES:
                raise CatalogError(f"the catalog is busy: {exc}") from exc
            import random  # only when the catalog is busy: not on every open

            time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection) -> None:
    """Run every migration not yet recorded in `_migrations`, each in its own transaction."""
    from agentops_lite.catalog.migrations import MIGRATIONS

    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
    for migration in MIGRATIONS:
        name = migration.__name__
        if name in done:
            continue
        with write(conn):
            # Re-check inside the lock: another process may have migrated meanwhile.
            if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                continue
            migration(conn)
            conn.execute("INSERT INTO _migrations VALUES (?, ?)", (name, time.time()))
