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


def m010_search_index(db: sqlite3.Connection) -> None:
    """Discovery's search index (see search/index.py).

    A catalog that already holds plugins is marked for re-indexing rather than indexed here:
    migrations are frozen history and must not call today's indexer (refresh/store.py
    `reindex_if_marked` does that, as its own step, when the catalog is opened)."""
    run_ddl(
        db,
        """
        CREATE TABLE search_postings (
            term TEXT NOT NULL,
            plugin_id INTEGER NOT NULL,
            marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id) ON DELETE CASCADE,
            weight REAL NOT NULL,
            PRIMARY KEY (term, plugin_id)
        ) WITHOUT ROWID;
        CREATE INDEX search_postings_marketplace ON search_postings(marketplace_id);
        CREATE TABLE search_terms (
            term TEXT NOT NULL,
            marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id) ON DELETE CASCADE,
            df INTEGER NOT NULL,
            PRIMARY KEY (term, marketplace_id)
        ) WITHOUT ROWID;
        CREATE INDEX search_terms_marketplace ON search_terms(marketplace_id);
        """,
    )
    db.execute(
        "INSERT OR REPLACE INTO meta (key, value) SELECT 'reindex', 'm010' "
        "WHERE EXISTS (SELECT 1 FROM plugins)"
    )


def m020_http_cache(db: sqlite3.Connection) -> None:
    """ETag / Last-Modified store of the crawler (see catalog/http_cache.py)."""
    run_ddl(
        db,
        """
        CREATE TABLE IF NOT EXISTS http_cache (
            url TEXT NOT NULL,
            variant TEXT NOT NULL DEFAULT '',
            etag TEXT,
            last_modified TEXT,
            body BLOB NOT NULL,
            stored_at REAL NOT NULL,
            PRIMARY KEY (url, variant)
        )
        """,
    )


def m030_workflow_runs(db: sqlite3.Connection) -> None:
    """Workflow runs, their steps and every recorded outcome (documented in workflow/store.py)."""
    run_ddl(
        db,
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            workflow_name TEXT NOT NULL,
            workflow_hash TEXT NOT NULL,
            source TEXT,
            status TEXT NOT NULL,
            reason TEXT,
            inputs_json TEXT NOT NULL,
            workflow_json TEXT NOT NULL,
            state_json TEXT NOT NULL,
            steps_total INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX runs_workflow ON runs(workflow_name);
        CREATE TABLE run_steps (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            step_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            plugin TEXT,
            marketplace TEXT,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            output_json TEXT,
            artifacts_json TEXT NOT NULL DEFAULT '[]',
            error TEXT,
            started_at TEXT,
            finished_at TEXT,
            PRIMARY KEY (run_id, step_id)
        );
        CREATE INDEX run_steps_plugin ON run_steps(plugin);
        CREATE TABLE run_events (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            workflow_name TEXT NOT NULL,
            step_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            plugin TEXT,
            marketplace TEXT,
            attempt INTEGER NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX run_events_run ON run_events(run_id);
        CREATE INDEX run_events_plugin ON run_events(plugin);
        """,
    )


def m031_search_impact_order(db: sqlite3.Connection) -> None:
    """Postings by falling weight per term: discover reads only each term's strongest ones."""
    db.execute("CREATE INDEX search_postings_impact ON search_postings(term, weight DESC)")


def m040_pinned_marketplace_id(db: sqlite3.Connection) -> None:
    """`marketplace add --name`: an id the user chose is kept, whatever the manifest declares."""
    db.execute("ALTER TABLE marketplaces ADD COLUMN key_pinned INTEGER NOT NULL DEFAULT 0")


def m050_search_document_frequency(db: sqlite3.Connection) -> None:
    """Each term's document frequency over the whole catalog, kept up to date by triggers.

    A query then reads one row per term instead of summing one row per marketplace that has it
    (at 50,000 plugins in 200 marketplaces, about 3 ms of a 15 ms query)."""
    db.execute("CREATE TABLE search_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    db.execute(
        "CREATE TRIGGER search_df_add AFTER INSERT ON search_terms BEGIN "
        "INSERT OR IGNORE INTO search_df VALUES (new.term, 0); "
        "UPDATE search_df SET df = df + new.df WHERE term = new.term; END"
    )
    # Fires for the cascade when a marketplace is removed, too.
    db.execute(
        "CREATE TRIGGER search_df_remove AFTER DELETE ON search_terms BEGIN "
        "UPDATE search_df SET df = df - old.df WHERE term = old.term; "
        "DELETE FROM search_df WHERE term = old.term AND df <= 0; END"
    )
    db.execute("INSERT INTO search_df SELECT term, SUM(df) FROM search_terms GROUP BY term")


def m060_star_dates(db: sqlite3.Connection) -> None:
    """When each star count was recorded: a count carried in the snapshot is months older than
    the snapshot itself, and views say how old it is."""
    db.execute("ALTER TABLE marketplaces ADD COLUMN stars_at TEXT")
    db.execute("ALTER TABLE repo_metrics ADD COLUMN stars_at TEXT")


def m070_plugin_surfaces(db: sqlite3.Connection) -> None:
    """Drift history: each plugin's runnable surface at each refresh where it changed, and the
    surface a user last reviewed (see catalog/surface.py)."""
    run_ddl(
        db,
        """
        CREATE TABLE plugin_surfaces (
            id INTEGER PRIMARY KEY,
            marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id) ON DELETE CASCADE,
            plugin_name TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            version TEXT,
            sha TEXT,
            surface_digest TEXT NOT NULL,
            files_digest TEXT,
            surface_json TEXT NOT NULL
        );
        CREATE INDEX plugin_surfaces_plugin ON plugin_surfaces(marketplace_id, plugin_name, id);
        CREATE TABLE plugin_reviews (
            plugin_name TEXT NOT NULL,
            marketplace_name TEXT NOT NULL,
            reviewed_at TEXT NOT NULL,
            surface_digest TEXT NOT NULL,
            PRIMARY KEY (plugin_name, marketplace_name)
        );
        """,
    )


def m080_listing_vectors(db: sqlite3.Connection) -> None:
    """Semantic vectors of listings (float16 blobs), one per listing and model.

    No foreign key to plugins: a refresh deletes a marketplace's rows before re-indexing it, and
    the indexer finds an unchanged listing's old vector by (model, text hash) before dropping it.
    A catalog made before this holds none: the first discover with the model fills them. A
    rowid table, not WITHOUT ROWID: a query reads every row, and rows this long scan faster so."""
    run_ddl(
        db,
        """
        CREATE TABLE listing_vectors (
            plugin_id INTEGER NOT NULL,
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (plugin_id, model)
        );
        CREATE INDEX listing_vectors_text ON listing_vectors(model, text_hash)
        """,
    )


MIGRATIONS: list[Migration] = [
    m001_catalog,
    m010_search_index,
    m020_http_cache,
    m030_workflow_runs,
    m031_search_impact_order,
    m040_pinned_marketplace_id,
    m050_search_document_frequency,
    m060_star_dates,
    m070_plugin_surfaces,
    m080_listing_vectors,
]
