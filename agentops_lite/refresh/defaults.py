"""First-use seeding and the defaults lifecycle: snapshot copies in, live data over them, or out.

A catalog never set up (no marketplace ever added, defaults never loaded or dropped) is seeded on
the first read command from the embedded snapshot plus the marketplaces Claude Code knows. After
that, only `defaults load|drop` change which defaults are present. Live data of a repo always
replaces the snapshot's copy (the catalog drops the embedded row when the live one is stored).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from agentops_lite.catalog import db
from agentops_lite.catalog.meta import DEFAULTS_KEY, SEEDED_KEY, SETUP_KEY, snapshot_age
from agentops_lite.catalog.store import Catalog, now
from agentops_lite.errors import AgentOpsError, UsageError
from agentops_lite.models import MarketplaceRecord, RefreshOutcome, RefreshReport, SnapshotAge
from agentops_lite.sources.base import LoadResult, SourceSpec

Progress = Callable[[int, int, str], None]


class SeedReport(BaseModel):
    """What first-use seeding put into an empty catalog."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    claude: tuple[RefreshOutcome, ...] = ()
    embedded: tuple[RefreshOutcome, ...] = ()
    snapshot: SnapshotAge | None = None
    snapshot_error: str | None = Field(default=None, description="Why no snapshot was loaded")


class DefaultsStatus(BaseModel):
    """`defaults status`: which defaults are present, from the snapshot or live."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    state: str = Field(description="never-set-up | loaded | dropped | not-loaded")
    snapshot: SnapshotAge | None = Field(description="Snapshot data currently in the catalog")
    packaged_date: str | None = Field(description="Date of the snapshot shipped in this package")
    packaged_marketplaces: int = 0
    packaged_size_bytes: int = 0
    embedded: tuple[str, ...] = Field(default=(), description="Repos served from the snapshot")
    live: tuple[str, ...] = Field(default=(), description="Default repos loaded live")
    missing: tuple[str, ...] = Field(default=(), description="Default repos not in the catalog")


def _claim_setup(catalog: Catalog) -> bool:
    """Atomically mark an empty, never-set-up catalog as being seeded by this process."""
    with db.write(catalog.conn):
        cur = catalog.conn.execute(
            "INSERT INTO meta (key, value) SELECT ?, 'seeding' WHERE NOT EXISTS "
            "(SELECT 1 FROM meta WHERE key = ?) AND (NOT EXISTS (SELECT 1 FROM marketplaces) "
            # A catalog unpacked from the prebuilt seed holds only the snapshot: still new.
            "OR EXISTS (SELECT 1 FROM meta WHERE key = 'seeded_from'))",
            (SETUP_KEY, SETUP_KEY),
        )
        claimed = cur.rowcount == 1
        if not claimed:
            # A catalog from before this marker existed, with marketplaces in it: set up already.
            catalog.conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, 'existing')", (SETUP_KEY,)
            )
    return claimed


def ensure_ready(catalog: Catalog) -> SeedReport | None:
    """Seed a never-set-up catalog (snapshot + Claude Code's marketplaces); else do nothing.

    Cheap when already set up: one indexed read. Returns what was seeded, or None.
    """
    if catalog.get_meta(SETUP_KEY) is not None or not _claim_setup(catalog):
        return None
    from agentops_lite.refresh.update import import_claude

    claude, _installed = import_claude(catalog)
    embedded: list[RefreshOutcome] = []
    error: str | None = None

    if catalog.get_meta(SEEDED_KEY) == "seed-db":
        pass  # unpacked from the prebuilt seed: the snapshot is stored and indexed already
    else:
        try:
            embedded = load_defaults(catalog)
        except AgentOpsError as exc:  # no or damaged snapshot: still a working (smaller) catalog
            error = exc.message
    catalog.set_meta(SETUP_KEY, "defaults")
    return SeedReport(
        claude=tuple(claude),
        embedded=tuple(embedded),
        snapshot=snapshot_age(catalog),
        snapshot_error=error,
    )


def _live_repos(records: list[MarketplaceRecord]) -> set[str]:
    return {r.repo.lower() for r in records if r.repo and r.origin != "embedded"}


def load_defaults(catalog: Catalog, progress: Progress | None = None) -> list[RefreshOutcome]:
    """Load the snapshot's copy of every default repo that has no live data in the catalog.

    Existing embedded rows are reloaded (a newer package may ship a newer snapshot).
    """
    from agentops_lite.sources.snapshot import load_all

    results = load_all()
    # One transaction for the whole seed: all-or-nothing, and one commit instead of ~80.
    with db.write(catalog.conn):
        return _load_results(catalog, results, progress)


def _load_results(
    catalog: Catalog, results: list[LoadResult], progress: Progress | None
) -> list[RefreshOutcome]:
    from agentops_lite.refresh.store import store_result

    records = catalog.marketplaces()
    live = _live_repos(records)
    embedded = {r.source.lower(): r for r in records if r.origin == "embedded"}
    outcomes: list[RefreshOutcome] = []
    for n, result in enumerate(results, 1):
        repo = result.location
        if repo.lower() in live:
            continue  # live data wins, never the other way round
        record = embedded.get(repo.lower())
        if record is None:
            try:
                record = catalog.add_marketplace(
                    SourceSpec(kind="embedded", location=repo),
                    origin="embedded",
                    key_hint=result.manifest.name or repo,
                )
            except UsageError:  # another process added it meanwhile
                continue
        outcomes.append(store_result(catalog, record, result))
        if progress:
            progress(n, len(results), repo)
    catalog.set_meta(DEFAULTS_KEY, "loaded")
    return outcomes


def drop_defaults(catalog: Catalog) -> list[MarketplaceRecord]:
    """Remove every marketplace that came from the snapshot or the built-in default list."""
    dropped = [r for r in catalog.marketplaces() if r.origin in ("embedded", "default")]
    for record in dropped:
        catalog.remove_marketplace(record.key)
    catalog.set_meta(DEFAULTS_KEY, "dropped")
    if catalog.get_meta(SETUP_KEY) is None:
        catalog.set_meta(SETUP_KEY, "defaults")
    return dropped


def defaults_status(catalog: Catalog) -> DefaultsStatus:
    from agentops_lite.sources.default_repos import DEFAULT_REPOS
    from agentops_lite.sources.snapshot import available, info

    records = catalog.marketplaces()
    embedded = sorted(r.source for r in records if r.origin == "embedded")
    live_lower = _live_repos(records)
    live = sorted(r for r in DEFAULT_REPOS if r.lower() in live_lower)
    present = {e.lower() for e in embedded} | live_lower
    packaged = info() if available() else None
    state = catalog.get_meta(DEFAULTS_KEY) or (
        "never-set-up" if catalog.get_meta(SETUP_KEY) is None else "not-loaded"
    )
    return DefaultsStatus(
        state=state,
        snapshot=snapshot_age(catalog),
        packaged_date=packaged.date.date().isoformat() if packaged else None,
        packaged_marketplaces=packaged.marketplaces if packaged else 0,
        packaged_size_bytes=packaged.size_bytes if packaged else 0,
        embedded=tuple(embedded),
        live=tuple(live),
        missing=tuple(r for r in DEFAULT_REPOS if r.lower() not in present),
    )


def github_unreachable(timeout: float = 0.5) -> str | None:
    """Why the GitHub API cannot be reached (None when a TCP connection succeeds).

    A bare connect, not a request: it costs no rate limit and answers within `timeout`.
    """
    from agentops_lite.settings import github_api, offline_forced

    if offline_forced():
        return "AGENTOPS_OFFLINE is set"
    parts = urlsplit(github_api())
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, socket.timeout):
            reason = "timed out"
        return f"cannot reach {host}:{port} ({reason.lower()})"


def go_live(
    catalog: Catalog,
    *,
    only: Collection[str] | None = None,
    concurrency: int = 16,
    progress: Progress | None = None,
    log: bool = True,
    deadline: float | None = None,
) -> RefreshReport:
    """Fetch the snapshot-served marketplaces (all, or the keys in `only`) from GitHub; each
    success replaces its copy.

    A failed fetch leaves the snapshot copy in place (and removes the empty live row again);
    its outcome is reported under the snapshot copy's key. `log`: add it to the history.
    """
    from agentops_lite.refresh.store import outcome_of
    from agentops_lite.refresh.update import refresh

    records = catalog.marketplaces()
    by_source = {(r.source_kind, r.source.lower()): r for r in records}
    keys: list[str] = []
    fresh: dict[str, MarketplaceRecord] = {}  # live row added here -> the snapshot copy
    for rec in records:
        if rec.origin != "embedded" or (only is not None and rec.key not in only):
            continue
        twin = by_source.get(("github", rec.source.lower()))
        if twin is None:
            # A key that is no prefix of the declared name, so the catalog renames it to that
            # name once the live copy is stored (and the snapshot's row is gone).
            twin = catalog.add_marketplace(
                SourceSpec(kind="github", location=rec.source),
                origin="default",
                key_hint=f"live:{rec.source}",
            )
            fresh[twin.key] = rec
        keys.append(twin.key)
    if not keys:
        return RefreshReport(started_at=now(), finished_at=now(), outcomes=())
    report = refresh(
        catalog, keys, concurrency=concurrency, progress=progress, log=False, deadline=deadline
    )
    embedded_left = {r.source.lower() for r in catalog.marketplaces(origin="embedded")}
    outcomes: list[RefreshOutcome] = []
    for outcome in report.outcomes:
        copy = fresh.get(outcome.key)
        if outcome.status == "error" and copy and outcome.source.lower() in embedded_left:
            catalog.remove_marketplace(outcome.key)
            # The temporary live row is gone; the snapshot copy, with all its plugins, is what
            # the user still has.
            outcome = outcome_of(copy, "error", outcome.message)
        outcomes.append(outcome)
    report = report.model_copy(update={"outcomes": tuple(outcomes)})
    if log and report.outcomes:
        catalog.record_refresh(report)
    return report


def refresh_catalog(
    catalog: Catalog,
    keys: Sequence[str] = (),
    *,
    offline: bool = False,
    concurrency: int = 16,
    progress: Progress | None = None,
    timeout: float | None = None,
) -> tuple[RefreshReport, str | None]:
    """`refresh`: the named marketplaces, or all. Snapshot-served ones go live when GitHub
    answers; the rest reload from their sources. Returns the combined report and why the
    snapshot-served ones stayed on the snapshot (None when they went live or there were none).

    Reloading a snapshot copy from the snapshot would refresh nothing, so when GitHub cannot be
    reached each one is reported as failed (as kept, with --offline), its data and date unchanged.
    """
    from agentops_lite.refresh.store import outcome_of
    from agentops_lite.refresh.update import refresh

    started = now()
    deadline = None if timeout is None else time.monotonic() + timeout
    chosen = [catalog.marketplace(k) for k in keys] if keys else catalog.marketplaces()
    served = [r for r in chosen if r.origin == "embedded"]
    outcomes: list[RefreshOutcome] = []
    kept: str | None = None
    limited: datetime | None = None
    if served:
        kept = "offline" if offline else github_unreachable()
        if kept is None:
            only = {r.key for r in served}
            live = go_live(
                catalog,
                only=only,
                concurrency=concurrency,
                progress=progress,
                log=False,
                deadline=deadline,
            )
            outcomes.extend(live.outcomes)
            limited = live.rate_limited_until
        else:
            age = snapshot_age(catalog)
            why = f"{kept}: kept the built-in snapshot" + (f" of {age.date}" if age else "")
            outcomes.extend(outcome_of(r, "unchanged" if offline else "error", why) for r in served)
    done = {o.key for o in outcomes}
    # Going live renames keys: the rest is read back from the catalog, not from `chosen`.
    wanted = {r.key for r in chosen if r.origin != "embedded"}
    rest = [
        r.key
        for r in catalog.marketplaces()
        if r.origin != "embedded" and r.key not in done and (not keys or r.key in wanted)
    ]
    if rest:
        report = refresh(
            catalog,
            rest,
            offline=offline,
            concurrency=concurrency,
            progress=progress,
            log=False,
            deadline=deadline,
        )
        outcomes.extend(report.outcomes)
        limited = max(filter(None, (limited, report.rate_limited_until)), default=None)
    from agentops_lite.catalog.surface import installed_changed_since

    combined = RefreshReport(
        started_at=started,
        finished_at=now(),
        outcomes=tuple(outcomes),
        offline=offline,
        rate_limited_until=limited,
        surface_changed=tuple(installed_changed_since(catalog.conn, started)),
    )
    if outcomes:  # one command, one entry in the refresh history
        catalog.record_refresh(combined)
    return combined, kept
