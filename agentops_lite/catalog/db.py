"""SQLite connection for the catalog: WAL, busy timeout, write retries, migrations on open."""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
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


def begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retried (with jittered backoff) while another process holds the lock."""
    for attempt in range(LOCK_RETRIES + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or attempt == LOCK_RETRIES:
                raise CatalogError(f"the catalog is busy: {exc}") from exc
            import random  # only when the catalog is busy: not on every open

            time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))


_savepoints = itertools.count()


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE), retried when another process holds the lock.

    Nested use joins the outer transaction, so a caller can make several writes atomic (and
    commit once, which matters when seeding dozens of marketplaces). A nested block is a
    savepoint: when it fails, its own writes are undone and the outer transaction keeps the rest
    (a refresh storing many marketplaces in one transaction loses only the one that failed).
    """
    if conn.in_transaction:
        name = f"w{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    begin(conn)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


class GroupCommit:
    """Many small write transactions as one, committed at least every `hold` seconds.

    Storing a marketplace is a short transaction; committing each one rewrote the index pages
    they share (and checkpointed the WAL) once per marketplace, which grew with the catalog.
    Inside an open group, each `db.write` block is a savepoint, so one failing store is undone
    alone. `hold` bounds how long another process waiting to write can be kept out. Callbacks
    given to `before_commit` run once in each transaction, just before it commits.
    """

    def __init__(self, conn: sqlite3.Connection, hold: float) -> None:
        self.conn = conn
        self.hold = hold
        self._since: float | None = None
        self._hooks: list[Callable[[sqlite3.Connection], None]] = []

    @property
    def open(self) -> bool:
        return self._since is not None

    def join(self) -> None:
        """Begin the group's transaction unless it is open (commit first when it is due)."""
        if self._since is not None and time.monotonic() - self._since >= self.hold:
            self.commit()
        if self._since is None:
            if self.conn.in_transaction:
                return  # the caller's own transaction: the writes join it, the caller commits
            begin(self.conn)
            self._since = time.monotonic()

    def before_commit(self, hook: Callable[[sqlite3.Connection], None]) -> None:
        if hook not in self._hooks:
            self._hooks.append(hook)

    def due(self) -> bool:
        return self._since is not None and time.monotonic() - self._since >= self.hold

    def commit(self) -> None:
        if self._since is None:
            return
        try:
            for hook in self._hooks:
                hook(self.conn)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self._since = None
            self._hooks.clear()

    def __enter__(self) -> GroupCommit:
        return self

    def __exit__(self, *exc: object) -> None:
        # Also on an error: every store that finished is kept, as with one commit each (the
        # one interrupted was undone by its savepoint).
        self.commit()


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
