"""Store one marketplace's load result (or failure) and its search index, and say what happened."""

from __future__ import annotations

import sqlite3
from typing import Literal

from agentops_lite.catalog import db
from agentops_lite.catalog.meta import REINDEX_KEY
from agentops_lite.catalog.store import Catalog, Indexer, now
from agentops_lite.catalog.surface import record_surfaces
from agentops_lite.errors import AgentOpsError, NotFoundError, SourceError
from agentops_lite.models import MarketplaceManifest, MarketplaceRecord, Problem, RefreshOutcome
from agentops_lite.parse.safejson import UNREADABLE_CODES
from agentops_lite.search.index import index_all, index_marketplace
from agentops_lite.search.semantic import drop_orphan_vectors, index_vectors
from agentops_lite.sources.base import LoadResult


def outcome_of(
    record: MarketplaceRecord,
    status: Literal["ok", "unchanged", "error"],
    message: str | None = None,
) -> RefreshOutcome:
    return RefreshOutcome(
        key=record.key,
        source=record.source,
        status=status,
        plugins=record.plugin_count,
        errors=record.error_count,
        warnings=record.warning_count,
        message=message,
    )


# Problems that leave nothing of a manifest to read (see manifest.parse_marketplace).
UNREADABLE = UNREADABLE_CODES | {"not-an-object"}


def unreadable(manifest: MarketplaceManifest) -> Problem | None:
    """The error that made a manifest unreadable as a whole (not JSON, not an object), if any.

    Stored, such a manifest would be an empty marketplace that looks fine."""
    return next((p for p in manifest.problems if p.code in UNREADABLE), None)


def index_listings(
    conn: sqlite3.Connection, marketplace_id: int, *, drop_orphans: bool = True
) -> None:
    """The index of one stored marketplace: BM25F postings, then the listings' vectors (encoded
    only with the `[semantic]` extra; without it the step only drops vectors of removed rows,
    unless `drop_orphans` is False: see `index_vectors`)."""
    index_marketplace(conn, marketplace_id)
    index_vectors(conn, marketplace_id, drop_orphans=drop_orphans)


def store_result(
    catalog: Catalog,
    record: MarketplaceRecord,
    result: LoadResult | AgentOpsError,
    group: db.GroupCommit | None = None,
) -> RefreshOutcome:
    """Store one load result (or failure) and say what happened.

    With `group` (its transaction open), the writes join it, each store a savepoint of its own,
    and steps that read whole tables run once, before the group commits."""
    if not isinstance(result, AgentOpsError) and (fatal := unreadable(result.manifest)):
        result = SourceError(f"unreadable manifest: {fatal.message}")
    if isinstance(result, AgentOpsError):
        catalog.mark_failed(record.id, result.message)
        return outcome_of(record, "error", result.message)
    if result.not_modified:
        catalog.mark_unchanged(record.id, result.repo_metrics)
        return outcome_of(record, "unchanged")
    index: Indexer = index_and_record
    if group is not None:
        group.before_commit(drop_orphan_vectors)
        index = _index_and_record_in_group
    try:
        return outcome_of(catalog.store_load(record.id, result, index=index), "ok")
    except NotFoundError:
        # Another process removed it meanwhile: that one outcome fails, the refresh goes on.
        return outcome_of(record, "error", "removed from the catalog during the refresh")
    except AgentOpsError:
        raise  # the catalog itself is failing (busy, unwritable): every store would
    except Exception as exc:  # noqa: BLE001 - data one marketplace sent that could not be stored
        # The transaction rolled back, so its previous data stands; the others still load.
        message = f"could not store it: {type(exc).__name__}: {exc}"[:300]
        catalog.mark_failed(record.id, message)
        return outcome_of(record, "error", message)


def index_and_record(
    conn: sqlite3.Connection, marketplace_id: int, *, drop_orphans: bool = True
) -> None:
    """Index the stored plugins and add their changed surfaces to the drift history, in the
    store's own transaction."""
    index_listings(conn, marketplace_id, drop_orphans=drop_orphans)
    record_surfaces(conn, marketplace_id, now())


def _index_and_record_in_group(conn: sqlite3.Connection, marketplace_id: int) -> None:
    index_and_record(conn, marketplace_id, drop_orphans=False)


def reindex_if_marked(catalog: Catalog) -> bool:
    """Rebuild the search index when a migration marked it missing; True if it did.

    One indexed read when nothing is marked, so every command can afford to ask."""
    if catalog.get_meta(REINDEX_KEY) is None:
        return False
    with db.write(catalog.conn):
        # Re-check inside the lock: another process may have re-indexed meanwhile.
        if catalog.conn.execute("SELECT 1 FROM meta WHERE key = ?", (REINDEX_KEY,)).fetchone():
            index_all(catalog.conn)
            for (mid,) in catalog.conn.execute("SELECT id FROM marketplaces").fetchall():
                index_vectors(catalog.conn, mid)
            catalog.conn.execute("DELETE FROM meta WHERE key = ?", (REINDEX_KEY,))
    return True
