"""Ordered schema migrations for the catalog database; each runs once, in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def run_ddl(db: sqlite3.Connection, script: str) -> None:
    """Execute `;`-separated DDL inside the caller's transaction.

    (sqlite3's executescript() would COMMIT first, breaking one-migration-one-transaction.)
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m001_catalog(db: sqlite3.Connection) -> None:
    run_ddl(
        db,
        """
        CREATE TABLE marketplaces (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT,
            source TEXT NOT NULL,
            source_kind TEXT NOT NULL,
            origin TEXT NOT NULL,
            repo TEXT,
            ref TEXT,
            description TEXT,
            owner TEXT,
            added_at TEXT NOT NULL,
            refreshed_at TEXT,
            status TEXT NOT NULL DEFAULT 'new',
            last_error TEXT,
            stars INTEGER,
            pushed_at TEXT,
            archived INTEGER NOT NULL DEFAULT 0,
            license TEXT,
            commit_sha TEXT,
            snapshot_date TEXT,
            raw_json TEXT,
            UNIQUE (source_kind, source)
        );
        CREATE TABLE plugins (
            id INTEGER PRIMARY KEY,
            marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            description TEXT,
            version TEXT,
            category TEXT,
            keywords_json TEXT NOT NULL DEFAULT '[]',
            tags_json TEXT NOT NULL DEFAULT '[]',
            author TEXT,
            license TEXT,
            source_kind TEXT NOT NULL,
            source_repo TEXT,
            source_path TEXT,
            components_json TEXT NOT NULL DEFAULT '[]',
            has_hooks INTEGER NOT NULL DEFAULT 0,
            has_mcp INTEGER NOT NULL DEFAULT 0,
            has_lsp INTEGER NOT NULL DEFAULT 0,
            error_count INTEGER NOT NULL DEFAULT 0,
            warning_count INTEGER NOT NULL DEFAULT 0,
            dedup_key TEXT NOT NULL,
            entry_json TEXT NOT NULL
        );
        CREATE INDEX plugins_marketplace ON plugins(marketplace_id);
        CREATE INDEX plugins_name ON plugins(name);
        CREATE INDEX plugins_dedup ON plugins(dedup_key);
        CREATE TABLE problems (
            id INTEGER PRIMARY KEY,
            marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id) ON DELETE CASCADE,
            plugin_name TEXT,
            severity TEXT NOT NULL,
            path TEXT NOT NULL,
            code TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX problems_marketplace ON problems(marketplace_id);
        CREATE TABLE repo_metrics (
            repo TEXT PRIMARY KEY,
            stars INTEGER,
            pushed_at TEXT,
            archived INTEGER NOT NULL DEFAULT 0,
            license TEXT,
            default_branch TEXT,
            description TEXT,
            fetched_at TEXT NOT NULL
        );
        CREATE TABLE installed_plugins (
            plugin_name TEXT NOT NULL,
            marketplace_name TEXT NOT NULL,
            scope TEXT,
            version TEXT,
            PRIMARY KEY (plugin_name, marketplace_name, scope)
        );
        CREATE TABLE install_counts (
            plugin_name TEXT NOT NULL,
            marketplace_name TEXT NOT NULL,
            installs INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (plugin_name, marketplace_name)
        );
        CREATE TABLE refreshes (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            marketplaces INTEGER NOT NULL,
            plugins INTEGER NOT NULL,
            ok INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            failed INTEGER NOT NULL
        );
        CREATE TABLE refresh_log (
            refresh_id INTEGER NOT NULL REFERENCES refreshes(id) ON DELETE CASCADE,
            marketplace_key TEXT NOT NULL,
            status TEXT NOT NULL,
            plugins INTEGER NOT NULL,
            message TEXT
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def m020_http_cache(db: sqlite3.Connection) -> None:
    """ETag / Last-Modified store of the crawler (see http_cache.py)."""
    from agentops_lite.http_cache import SCHEMA

    run_ddl(db, SCHEMA)


MIGRATIONS: list[Migration] = [m001_catalog, m020_http_cache]
