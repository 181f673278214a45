"""Refresh of remote (GitHub, URL, git) marketplaces: runs the async crawler, stores each result."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from agentops_lite.catalog import db
from agentops_lite.catalog.store import Catalog
from agentops_lite.models import MarketplaceRecord, RefreshOutcome

if TYPE_CHECKING:
    from agentops_lite.catalog.http_cache import HttpCache

# Seconds a refresh keeps one write transaction open (other writers wait at most about this).
GROUP_HOLD = 5.0


def _http_cache(catalog: Catalog) -> HttpCache | None:
    from agentops_lite.catalog.http_cache import HttpCache

    try:
        catalog.conn.execute("SELECT 1 FROM http_cache LIMIT 1")
    except sqlite3.OperationalError:
        return None  # catalog from before the http_cache migration: no revalidation
    return HttpCache(catalog.conn)


def refresh_remote(
    catalog: Catalog,
    records: Sequence[MarketplaceRecord],
    *,
    concurrency: int,
    progress: Callable[[int, int, str], None] | None,
    done: int,
    total: int,
    deadline: float | None = None,
) -> tuple[list[RefreshOutcome], datetime | None]:
    """Fetch every remote marketplace concurrently; one failure never stops the others.

    Each result is stored as it arrives, as a savepoint of a transaction committed at least
    every GROUP_HOLD seconds (and at the end, also when the refresh fails). `deadline` (a
    `time.monotonic()` value): sources not loaded by then fail as timed out, their stored data
    kept. Returns the outcomes in `records` order and, when GitHub rate-limited us, when asking
    again makes sense.
    """
    import asyncio

    from agentops_lite.errors import RateLimited, SourceError
    from agentops_lite.refresh.store import store_result
    from agentops_lite.search.semantic import warm_in_background
    from agentops_lite.sources.base import LoadResult, SourceSpec
    from agentops_lite.sources.fetch import fetch_many
    from agentops_lite.sources.github_token import discover_token
    from agentops_lite.sources.http import HttpClient, NetConfig

    specs = [catalog.spec_of(r) for r in records]
    # Nothing stored yet (or a failed first load): "not modified" would leave it empty.
    force = {s for s, r in zip(specs, records, strict=True) if r.refreshed_at is None}
    outcomes: dict[int, RefreshOutcome] = {}
    reset_at: list[float] = []

    # The results are stored in few transactions (see GroupCommit); a source's HTTP cache
    # entries are written after its result, in the same transaction or a later one, so they
    # never outlive data that was not stored.
    group = db.GroupCommit(catalog.conn, hold=GROUP_HOLD)
    commit_failed: list[Exception] = []

    def on_result(index: int, spec: SourceSpec, result: LoadResult | SourceError) -> None:
        if isinstance(result, RateLimited) and result.reset_at is not None:
            reset_at.append(result.reset_at)
        if commit_failed:
            raise commit_failed[0]  # the catalog is failing: as when a store finds it so
        group.join()
        outcomes[index] = store_result(catalog, records[index], result, group)
        if progress:
            progress(done + len(outcomes), total, records[index].key)

    async def commit_when_due() -> None:
        # While the crawl waits on the network, a group past its time is committed anyway.
        while True:
            await asyncio.sleep(GROUP_HOLD / 4)
            if group.due():
                try:
                    group.commit()
                except Exception as exc:  # noqa: BLE001 - raised on the refresh's own path
                    commit_failed.append(exc)
                    return

    async def run() -> None:
        config = NetConfig.from_env(concurrency=concurrency)
        committer = asyncio.create_task(commit_when_due())
        try:
            async with HttpClient(config, token=discover_token(), cache=_http_cache(catalog)) as c:
                await fetch_many(
                    specs,
                    client=c,
                    progress_cb=on_result,
                    force=force,
                    collect=False,
                    deadline=deadline,
                )
        finally:
            committer.cancel()
        if commit_failed:
            raise commit_failed[0]

    # Sources never tried before will need their listings encoded: the model loads meanwhile.
    # (One that failed before likely fails again: it starts no load nobody may need.)
    fresh = any(r.refreshed_at is None and r.status == "new" for r in records)
    warming = warm_in_background() if fresh else None
    try:
        with group:
            asyncio.run(run())
    finally:
        if warming is not None:
            warming.join()
    until = datetime.fromtimestamp(max(reset_at), tz=timezone.utc) if reset_at else None
    return [outcomes[i] for i in range(len(records))], until
