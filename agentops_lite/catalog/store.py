"""The catalog store: marketplaces, plugins, problems, metrics, installs, refresh history."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, cast

from agentops_lite.catalog import db
from agentops_lite.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from agentops_lite.models import (
        MarketplaceRecord,
        Origin,
        PluginRecord,
        RefreshReport,
        RepoMetrics,
    )
    from agentops_lite.sources.base import LoadResult, SourceSpec, SpecKind

# The models, the row shaping and the source types are imported where they are used: a warm
# `discover` opens the catalog and reads a few counts, and must not load pydantic for that.

# Builds the search index of one stored marketplace: (connection, marketplace id).
Indexer = Callable[[sqlite3.Connection, int], None]


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _stars_at(metrics: RepoMetrics | None) -> str | None:
    """When a star count was recorded: its own date (a snapshot's) or now (a live fetch)."""
    if metrics is None or metrics.stars is None:
        return None
    return _iso(metrics.stars_at or now())


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


_MKT_COLUMNS = (
    "m.id, m.key, m.name, m.source, m.source_kind, m.origin, m.repo, m.description, m.added_at, "
    "m.refreshed_at, m.status, m.last_error, m.stars, m.pushed_at, m.archived, m.commit_sha, "
    "m.snapshot_date, (SELECT COUNT(*) FROM plugins p WHERE p.marketplace_id = m.id), "
    "(SELECT COUNT(*) FROM problems q WHERE q.marketplace_id = m.id AND q.severity = 'error'), "
    "(SELECT COUNT(*) FROM problems q WHERE q.marketplace_id = m.id AND q.severity = 'warning'), "
    "(SELECT COUNT(*) FROM marketplaces o WHERE o.name = m.name AND o.id != m.id)"
)


def _marketplace(row: tuple[Any, ...]) -> MarketplaceRecord:
    from agentops_lite.models import MarketplaceRecord

    return MarketplaceRecord(
        id=row[0],
        key=row[1],
        name=row[2],
        source=row[3],
        source_kind=row[4],
        origin=row[5],
        repo=row[6],
        description=row[7],
        added_at=_dt(row[8]) or now(),
        refreshed_at=_dt(row[9]),
        status=row[10],
        last_error=row[11],
        stars=row[12],
        pushed_at=_dt(row[13]),
        archived=bool(row[14]),
        commit=row[15],
        snapshot_date=_dt(row[16]),
        plugin_count=row[17],
        error_count=row[18],
        warning_count=row[19],
        name_conflict=bool(row[20]),
    )


class Catalog:
    """A handle on the catalog database. Core code passes it around; it never prints."""

    def __init__(self, conn: sqlite3.Connection, path: Path | str | None = None) -> None:
        self.conn = conn
        self._path = path

    @property
    def path(self) -> Path | None:
        """The catalog file (None: a connection handed in without one)."""
        if isinstance(self._path, str):
            from pathlib import Path

            return Path(self._path)
        return self._path

    @classmethod
    def open(cls, path: Path | None = None) -> Catalog:
        from agentops_lite.settings import db_file

        # db_file() is str(db_path()) without importing pathlib (a warm read command's open).
        target = path if path is not None else db_file()
        return cls(db.connect(target), target)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with db.write(self.conn):
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- marketplaces -----------------------------------------------------------------------
    def marketplaces(self, origin: Origin | None = None) -> list[MarketplaceRecord]:
        sql = f"SELECT {_MKT_COLUMNS} FROM marketplaces m"
        args: tuple[Any, ...] = ()
        if origin:
            sql += " WHERE m.origin = ?"
            args = (origin,)
        return [_marketplace(r) for r in self.conn.execute(sql + " ORDER BY m.key", args)]

    def marketplace(self, ident: str) -> MarketplaceRecord:
        """By key, declared name, or source; raises NotFoundError with the nearest keys."""
        rows = self.conn.execute(
            f"SELECT {_MKT_COLUMNS} FROM marketplaces m WHERE m.key = ? OR m.source = ? "
            "OR m.name = ? ORDER BY m.key = ? DESC, m.id",
            (ident, ident, ident, ident),
        ).fetchall()
        if not rows:
            keys = [m.key for m in self.marketplaces()]
            from difflib import get_close_matches

            near = get_close_matches(ident, keys, n=3)
            hint = (
                f"did you mean {', '.join(near)}?"
                if near
                else "see `agentops-lite marketplace list`"
            )
            raise NotFoundError(f"no marketplace {ident!r} in the catalog", hint=hint)
        if len(rows) > 1 and rows[0][1] != ident:
            # Only a declared name or source several share: picking one would be a guess.
            shared = ", ".join(_marketplace(r).key for r in rows)
            raise UsageError(
                f"{ident!r} names several marketplaces: {shared}", hint="use one of their ids"
            )
        return _marketplace(rows[0])

    def add_marketplace(
        self,
        spec: SourceSpec,
        origin: Origin = "user",
        key_hint: str | None = None,
        *,
        pin_key: bool = False,
    ) -> MarketplaceRecord:
        """Register a source (not loaded yet). Adding the same source twice is an error.

        `pin_key`: `key_hint` is the user's choice of id and is kept (it must be free).
        """
        existing = self.conn.execute(
            "SELECT key FROM marketplaces WHERE source_kind = ? AND source = ?",
            (spec.kind, spec.location),
        ).fetchone()
        if existing:
            raise UsageError(f"{spec.display()} is already in the catalog as {existing[0]!r}")
        from pathlib import Path

        base = key_hint or (spec.location if spec.kind != "local" else Path(spec.location).name)
        with db.write(self.conn):
            key = self._free_key(base or "marketplace")
            if pin_key and key != key_hint:
                raise UsageError(f"the id {key_hint!r} is taken", hint="choose another --name")
            self.conn.execute(
                "INSERT INTO marketplaces (key, source, source_kind, origin, repo, ref, added_at, "
                "key_pinned) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    spec.location,
                    spec.kind,
                    origin,
                    spec.repo,
                    spec.ref,
                    _iso(now()),
                    int(pin_key),
                ),
            )
            # The catalog is now set up: first-use seeding (bootstrap.py) must not happen later.
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('setup', ?)", (origin,))
        return self.marketplace(key)

    def _free_key(self, base: str, own_id: int | None = None) -> str:
        key, n = base, 1
        while True:
            row = self.conn.execute("SELECT id FROM marketplaces WHERE key = ?", (key,)).fetchone()
            if row is None or row[0] == own_id:
                return key
            n += 1
            key = f"{base}-{n}"

    def remove_marketplace(self, ident: str) -> MarketplaceRecord:
        record = self.marketplace(ident)
        with db.write(self.conn):
            self.conn.execute("DELETE FROM marketplaces WHERE id = ?", (record.id,))
        return record

    def spec_of(self, record: MarketplaceRecord) -> SourceSpec:
        row = self.conn.execute(
            "SELECT ref FROM marketplaces WHERE id = ?", (record.id,)
        ).fetchone()
        from agentops_lite.sources.base import SourceSpec

        kind = cast("SpecKind", record.source_kind)
        return SourceSpec(kind=kind, location=record.source, ref=row[0] if row else None)

    # -- storing a load ---------------------------------------------------------------------
    def store_load(
        self, marketplace_id: int, result: LoadResult, *, index: Indexer | None
    ) -> MarketplaceRecord:
        """Replace one marketplace's plugins and problems with `result`, in one transaction.

        `index` builds the search index of the stored rows inside the same transaction (the
        index is built at refresh time, not per query). It is passed in because the search
        layer sits above the catalog; None stores rows only (tests of the store itself).
        """
        with db.write(self.conn):
            self._store(marketplace_id, result)
            if index is not None:
                index(self.conn, marketplace_id)
        return self._by_id(marketplace_id)

    def _by_id(self, marketplace_id: int) -> MarketplaceRecord:
        row = self.conn.execute(
            f"SELECT {_MKT_COLUMNS} FROM marketplaces m WHERE m.id = ?", (marketplace_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"marketplace #{marketplace_id} was removed")
        return _marketplace(row)

    def _store(self, mid: int, result: LoadResult) -> None:
        from pathlib import Path

        from agentops_lite.catalog.rows import dump_raw, plugin_row
        from agentops_lite.parse.names import is_valid_id

        c = self.conn
        row = c.execute(
            "SELECT source, repo, key, origin, key_pinned FROM marketplaces WHERE id = ?", (mid,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"marketplace #{mid} was removed")
        source, repo, old_key, origin, pinned = row
        if repo and origin != "embedded":
            # Live data of a repo replaces the embedded snapshot's copy, never the reverse.
            c.execute(
                "DELETE FROM marketplaces WHERE origin = 'embedded' AND LOWER(repo) = LOWER(?) "
                "AND id != ?",
                (repo, mid),
            )
        m = result.manifest
        key = old_key
        # A name Claude Code would refuse makes a useless id (and install command): keep ours.
        if m.name and not pinned and is_valid_id(m.name):
            owner = repo.split("/")[0] if repo else Path(source).name
            # An id already derived from the declared name (`name`, `name@owner`, `name-2`) is
            # kept, so ids stay stable across refreshes; otherwise (e.g. a source added as
            # `owner/repo`) the declared name becomes the id, qualified by owner on a clash.
            derived = re.escape(m.name) + rf"(?:@{re.escape(owner)})?(?:-\d+)?"
            if not re.fullmatch(derived, old_key):
                clash = c.execute(
                    "SELECT 1 FROM marketplaces WHERE name = ? AND id != ?", (m.name, mid)
                ).fetchone()
                key = self._free_key(m.name if not clash else f"{m.name}@{owner}", own_id=mid)
        metrics = result.repo_metrics
        c.execute(
            "UPDATE marketplaces SET key = ?, name = ?, description = ?, owner = ?, "
            "refreshed_at = ?, status = 'ok', last_error = NULL, stars = COALESCE(?, stars), "
            "stars_at = COALESCE(?, stars_at), "
            "pushed_at = COALESCE(?, pushed_at), archived = ?, license = COALESCE(?, license), "
            "commit_sha = ?, snapshot_date = ?, raw_json = ? WHERE id = ?",
            (
                key,
                m.name,
                m.description,
                m.owner,
                _iso(now()),
                metrics.stars if metrics else None,
                _stars_at(metrics),
                _iso(metrics.pushed_at) if metrics else None,
                int(metrics.archived) if metrics else 0,
                metrics.license if metrics else None,
                result.commit,
                _iso(result.snapshot_date),
                dump_raw(m.raw),
                mid,
            ),
        )
        c.execute("DELETE FROM plugins WHERE marketplace_id = ?", (mid,))
        c.execute("DELETE FROM problems WHERE marketplace_id = ?", (mid,))
        c.executemany(
            "INSERT INTO plugins (marketplace_id, name, position, description, version, category, "
            "keywords_json, tags_json, author, license, source_kind, source_repo, source_path, "
            "components_json, has_hooks, has_mcp, has_lsp, error_count, warning_count, "
            "dedup_key, entry_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [plugin_row(mid, e, repo, source) for e in m.plugins],
        )
        c.executemany(
            "INSERT INTO problems (marketplace_id, plugin_name, severity, path, code, message) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(mid, name, p.severity, p.path, p.code, p.message) for name, p in m.all_problems()],
        )
        self._store_metrics([*([metrics] if metrics else []), *result.plugin_repo_metrics.values()])

    def _store_metrics(self, metrics: Iterable[RepoMetrics]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO repo_metrics (repo, stars, pushed_at, archived, license, "
            "default_branch, description, fetched_at, stars_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    m.repo.lower(),
                    m.stars,
                    _iso(m.pushed_at),
                    int(m.archived),
                    m.license,
                    m.default_branch,
                    m.description,
                    _iso(now()),
                    _stars_at(m),
                )
                for m in metrics
            ],
        )

    def mark_unchanged(self, marketplace_id: int, metrics: RepoMetrics | None = None) -> None:
        """Nothing in the manifest changed; stars and push dates may have, so take them."""
        with db.write(self.conn):
            self.conn.execute(
                "UPDATE marketplaces SET refreshed_at = ?, status = 'ok', last_error = NULL, "
                "stars = COALESCE(?, stars), stars_at = COALESCE(?, stars_at), "
                "pushed_at = COALESCE(?, pushed_at), archived = COALESCE(?, archived) WHERE id = ?",
                (
                    _iso(now()),
                    metrics.stars if metrics else None,
                    _stars_at(metrics),
                    _iso(metrics.pushed_at) if metrics else None,
                    int(metrics.archived) if metrics else None,
                    marketplace_id,
                ),
            )
            if metrics:
                self._store_metrics([metrics])

    def mark_failed(self, marketplace_id: int, message: str) -> None:
        """Record a failure; the marketplace's previous plugins stay as they were."""
        with db.write(self.conn):
            self.conn.execute(
                "UPDATE marketplaces SET status = 'error', last_error = ? WHERE id = ?",
                (message[:2000], marketplace_id),
            )

    def record_refresh(self, report: RefreshReport) -> None:
        total = self.conn.execute("SELECT COUNT(*) FROM plugins").fetchone()[0]
        n_mkt = self.conn.execute("SELECT COUNT(*) FROM marketplaces").fetchone()[0]
        counts = {s: sum(o.status == s for o in report.outcomes) for s in ("ok", "unchanged")}
        with db.write(self.conn):
            cur = self.conn.execute(
                "INSERT INTO refreshes (started_at, finished_at, marketplaces, plugins, ok, "
                "unchanged, failed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    _iso(report.started_at),
                    _iso(report.finished_at),
                    n_mkt,
                    total,
                    counts["ok"],
                    counts["unchanged"],
                    len(report.failed),
                ),
            )
            self.conn.executemany(
                "INSERT INTO refresh_log VALUES (?, ?, ?, ?, ?)",
                [(cur.lastrowid, o.key, o.status, o.plugins, o.message) for o in report.outcomes],
            )

    # -- Claude Code state --------------------------------------------------------------------
    def set_installed(self, rows: Iterable[tuple[str, str, str | None, str | None]]) -> None:
        """Replace the installed-plugin list: (plugin, marketplace name, scope, version)."""
        with db.write(self.conn):
            self.conn.execute("DELETE FROM installed_plugins")
            self.conn.executemany("INSERT OR IGNORE INTO installed_plugins VALUES (?,?,?,?)", rows)

    def set_install_counts(self, rows: Iterable[tuple[str, str, int]]) -> None:
        stamp = _iso(now())
        with db.write(self.conn):
            self.conn.executemany(
                "INSERT OR REPLACE INTO install_counts VALUES (?, ?, ?, ?)",
                [(p, m, n, stamp) for p, m, n in rows],
            )

    # -- reading plugins ------------------------------------------------------------------
    def plugins(
        self, marketplace: str | None = None, name: str | None = None
    ) -> list[PluginRecord]:
        """Stored plugin listings, optionally for one marketplace and/or one plugin name."""
        from agentops_lite.catalog.read import query_plugins

        mid = self.marketplace(marketplace).id if marketplace else None
        return query_plugins(self.conn, marketplace_id=mid, name=name)

    def counts(self) -> tuple[int, int]:
        """(marketplaces, plugin listings)."""
        m = self.conn.execute("SELECT COUNT(*) FROM marketplaces").fetchone()[0]
        p = self.conn.execute("SELECT COUNT(*) FROM plugins").fetchone()[0]
        return int(m), int(p)

    def last_refreshed(self) -> datetime | None:
        row = self.conn.execute("SELECT MAX(refreshed_at) FROM marketplaces").fetchone()
        return _dt(row[0]) if row else None
