"""Read stored plugin listings back as PluginRecords, joined with metrics and Claude Code state."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentops_lite.catalog.stored import Listing
    from agentops_lite.models import PluginRecord

# Stars and recency come from the plugin's own repo when it has one, else its marketplace's.
_SQL = """
SELECT p.id, m.key, m.name, m.source, p.entry_json, p.dedup_key,
       COALESCE(r.stars, m.stars), COALESCE(r.pushed_at, m.pushed_at),
       COALESCE(r.archived, 0) OR m.archived,
       EXISTS (SELECT 1 FROM installed_plugins i
               WHERE i.plugin_name = p.name AND i.marketplace_name = m.name),
       ic.installs,
       CASE WHEN r.stars IS NOT NULL THEN r.stars_at ELSE m.stars_at END
FROM plugins p
JOIN marketplaces m ON m.id = p.marketplace_id
LEFT JOIN repo_metrics r ON r.repo = LOWER(p.source_repo)
LEFT JOIN install_counts ic ON ic.plugin_name = p.name AND ic.marketplace_name = m.name
"""


def record_from_row(row: tuple[Any, ...]) -> PluginRecord:
    # Here, not at the top: `query_listings` (the warm discover path) never loads pydantic.
    from agentops_lite.models import PluginEntry, PluginRecord

    return PluginRecord(
        id=row[0],
        marketplace_key=row[1],
        marketplace_name=row[2],
        marketplace_source=row[3],
        entry=PluginEntry.model_validate_json(row[4]),
        dedup_key=row[5],
        stars=row[6],
        pushed_at=datetime.fromisoformat(row[7]) if row[7] else None,
        archived=bool(row[8]),
        installed=bool(row[9]),
        installs=row[10],
        stars_at=datetime.fromisoformat(row[11]) if row[11] else None,
    )


def _select(
    marketplace_id: int | None, name: str | None, ids: list[int] | None
) -> tuple[str, list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if marketplace_id is not None:
        where.append("p.marketplace_id = ?")
        args.append(marketplace_id)
    if name is not None:
        where.append("LOWER(p.name) = LOWER(?)")
        args.append(name)
    if ids is not None:
        where.append(f"p.id IN ({','.join('?' * len(ids))})")
        args.extend(ids)
    sql = _SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY m.key, p.position"
    return sql, args


def query_plugins(
    conn: sqlite3.Connection,
    *,
    marketplace_id: int | None = None,
    name: str | None = None,
    ids: list[int] | None = None,
) -> list[PluginRecord]:
    return [record_from_row(r) for r in conn.execute(*_select(marketplace_id, name, ids))]


def query_listings(conn: sqlite3.Connection, *, ids: list[int]) -> list[Listing]:
    """The same listings as `query_plugins(ids=...)`, as plain `stored.Listing` views."""
    from agentops_lite.catalog.stored import listing_from_row

    return [listing_from_row(r) for r in conn.execute(*_select(None, None, ids))]
