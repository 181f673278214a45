"""GroupCommit and nested db.write: one failing store is undone alone, the rest commit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from agentops_lite.catalog import db


def _conn(tmp_path: Path) -> sqlite3.Connection:
    conn = db.connect(tmp_path / "c.db")
    conn.execute("CREATE TABLE t (v INTEGER)")
    return conn


def test_a_failing_nested_write_is_undone_alone_and_the_group_commits_the_rest(
    tmp_path: Path,
) -> None:
    conn = _conn(tmp_path)
    group = db.GroupCommit(conn, hold=60)
    with group:
        group.join()
        with db.write(conn):
            conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(ValueError), db.write(conn):
            conn.execute("INSERT INTO t VALUES (2)")
            raise ValueError("this store fails")
        with db.write(conn):
            conn.execute("INSERT INTO t VALUES (3)")
        assert conn.in_transaction  # nothing committed yet: one transaction for all three
    assert not conn.in_transaction
    other = sqlite3.connect(tmp_path / "c.db")
    assert [v for (v,) in other.execute("SELECT v FROM t ORDER BY v")] == [1, 3]


def test_a_group_commits_when_due_and_runs_its_hooks_once_per_transaction(
    tmp_path: Path,
) -> None:
    conn = _conn(tmp_path)
    seen: list[int] = []

    def hook(c: sqlite3.Connection) -> None:
        seen.append(c.execute("SELECT COUNT(*) FROM t").fetchone()[0])

    group = db.GroupCommit(conn, hold=0)  # always due: each join commits the last one
    for v in (1, 2):
        group.join()
        group.before_commit(hook)
        group.before_commit(hook)  # the same hook twice still runs once
        with db.write(conn):
            conn.execute("INSERT INTO t VALUES (?)", (v,))
    group.commit()
    assert seen == [1, 2]


def test_a_group_inside_a_callers_transaction_leaves_the_commit_to_the_caller(
    tmp_path: Path,
) -> None:
    conn = _conn(tmp_path)
    with db.write(conn):
        group = db.GroupCommit(conn, hold=0)
        group.join()
        with db.write(conn):
            conn.execute("INSERT INTO t VALUES (1)")
        group.commit()
        assert conn.in_transaction  # still the caller's
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 1
