"""A plugin's runnable surface as comparable lines, its digest, and the drift history table."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from agentops_lite.models import PluginEntry, RunItem


def run_items(entry: PluginEntry) -> list[RunItem] | None:
    """Everything the plugin runs on the user's machine; None when its files were never read.

    Entries stored before `files` existed still list their hooks and servers (one per name)."""
    if not entry.components_read:
        return None
    if entry.files is not None:
        return list(entry.files.runs)
    return [
        RunItem(kind=c.kind, name=c.name, command=c.command)
        for c in entry.components
        if c.kind in ("hook", "mcp", "lsp")
    ]


def surface_lines(entry: PluginEntry) -> list[str] | None:
    """One line per run item and per host, sorted: equal lists mean an equal surface."""
    items = run_items(entry)
    if items is None:
        return None
    lines = {f"{i.kind}\t{i.name}\t{i.command or ''}\t{i.detail or ''}" for i in items}
    lines |= {f"host\t{h}\t\t" for h in (entry.files.hosts if entry.files else ())}
    return sorted(lines)


def digest_of(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8", "replace")).hexdigest()[:32]


def pinned_sha(entry: PluginEntry) -> str | None:
    return entry.source.sha or entry.source.ref


@dataclass(frozen=True)
class SurfaceRow:
    """One recorded state of a plugin's surface (a row of `plugin_surfaces`)."""

    id: int
    marketplace_id: int
    marketplace: str
    marketplace_name: str | None
    plugin: str
    recorded_at: datetime
    version: str | None
    sha: str | None
    surface_digest: str
    files_digest: str | None
    lines: list[str]


def record_surfaces(conn: sqlite3.Connection, marketplace_id: int, at: datetime) -> int:
    """Add a row for each stored plugin of one marketplace whose surface, files, version or
    sha differ from its latest row (or that has none). Runs inside the caller's transaction,
    so the history never disagrees with the plugins stored. Returns the rows added."""
    latest = {
        name: (sd, fd, v, s)
        for name, sd, fd, v, s in conn.execute(
            "SELECT plugin_name, surface_digest, files_digest, version, sha FROM plugin_surfaces "
            "WHERE id IN (SELECT MAX(id) FROM plugin_surfaces WHERE marketplace_id = ? "
            "GROUP BY plugin_name)",
            (marketplace_id,),
        )
    }
    rows: list[tuple[Any, ...]] = []
    for (entry_json,) in conn.execute(
        "SELECT entry_json FROM plugins WHERE marketplace_id = ? ORDER BY position",
        (marketplace_id,),
    ):
        entry = PluginEntry.model_validate_json(entry_json)
        lines = surface_lines(entry)
        if lines is None:
            continue  # never read: what it runs is unknown, so nothing can have changed
        state = (
            digest_of(lines),
            entry.files.files_digest if entry.files else None,
            entry.version,
            pinned_sha(entry),
        )
        if latest.get(entry.name) == state:
            continue
        latest[entry.name] = state
        rows.append(
            (marketplace_id, entry.name, at.isoformat(), *state[2:], *state[:2], json.dumps(lines))
        )
    conn.executemany(
        "INSERT INTO plugin_surfaces (marketplace_id, plugin_name, recorded_at, version, sha, "
        "surface_digest, files_digest, surface_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def surface_history(
    conn: sqlite3.Connection, names: list[str] | None = None
) -> dict[tuple[int, str], list[SurfaceRow]]:
    """Every recorded state, oldest first, per (marketplace id, plugin name)."""
    sql = (
        "SELECT s.id, s.marketplace_id, m.key, m.name, s.plugin_name, s.recorded_at, s.version, "
        "s.sha, s.surface_digest, s.files_digest, s.surface_json FROM plugin_surfaces s "
        "JOIN marketplaces m ON m.id = s.marketplace_id"
    )
    args: list[str] = []
    if names:
        sql += f" WHERE LOWER(s.plugin_name) IN ({','.join('?' * len(names))})"
        args = [n.lower() for n in names]
    out: dict[tuple[int, str], list[SurfaceRow]] = {}
    for r in conn.execute(sql + " ORDER BY s.id", args):
        when = datetime.fromisoformat(r[5])
        row = SurfaceRow(
            id=r[0],
            marketplace_id=r[1],
            marketplace=r[2],
            marketplace_name=r[3],
            plugin=r[4],
            recorded_at=when if when.tzinfo else when.replace(tzinfo=timezone.utc),
            version=r[6],
            sha=r[7],
            surface_digest=r[8],
            files_digest=r[9],
            lines=json.loads(r[10]),
        )
        out.setdefault((row.marketplace_id, row.plugin), []).append(row)
    return out


def record_review(
    conn: sqlite3.Connection, plugin: str, marketplace_name: str, at: datetime, digest: str
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO plugin_reviews VALUES (?, ?, ?, ?)",
        (plugin, marketplace_name, at.isoformat(), digest),
    )


def reviews(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[datetime, str]]:
    """(plugin, marketplace name) -> (when reviewed, surface digest reviewed)."""
    out = {}
    for plugin, market, at, digest in conn.execute("SELECT * FROM plugin_reviews"):
        when = datetime.fromisoformat(at)
        out[(plugin, market)] = (when if when.tzinfo else when.replace(tzinfo=timezone.utc), digest)
    return out


def installed_changed_since(conn: sqlite3.Connection, since: datetime) -> list[str]:
    """plugin@marketplace of installed plugins whose runnable surface changed at or after
    `since` (a new state whose surface digest differs from the one before it)."""
    installed = {
        (p.lower(), m.lower())
        for p, m in conn.execute("SELECT plugin_name, marketplace_name FROM installed_plugins")
    }
    if not installed:
        return []
    out = []
    for (_, name), rows in surface_history(conn).items():
        market = rows[-1].marketplace_name or rows[-1].marketplace
        if (name.lower(), market.lower()) not in installed:
            continue
        for before, after in zip(rows, rows[1:], strict=False):
            if after.recorded_at >= since and after.surface_digest != before.surface_digest:
                out.append(f"{name}@{market}")
                break
    return sorted(set(out))
