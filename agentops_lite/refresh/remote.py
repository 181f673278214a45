"""Refresh of remote (GitHub, URL, git) marketplaces: runs the async crawler, stores each result."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from agentops_lite.catalog.store import Catalog
from agentops_lite.models import MarketplaceRecord, RefreshOutcome

if TYPE_CHECKING:
    from agentops_lite.catalog.http_cache import HttpCache


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

    Each result is stored as it arrives (one transaction per marketplace). `deadline` (a
    `time.monotonic()` value): sources not loaded by then fail as timed out, their stored data
    kept. Returns the outcomes in `records` order and, when GitHub rate-limited us, when asking
    again makes sense.
    """
    import asyncio

    from agentops_lite.errors import RateLimited, SourceError
    from agentops_lite.refresh.store import store_result
    from agentops_lite.sources.base import LoadResult, SourceSpec
    from agentops_lite.sources.fetch import fetch_many
    from agentops_lite.sources.github_token import discover_token
    from agentops_lite.sources.http import HttpClient, NetConfig

    specs = [catalog.spec_of(r) for r in records]
    # Nothing stored yet (or a failed first load): "not modified" would leave it empty.
    force = {s for s, r in zip(specs, records, strict=True) if r.refreshed_at is None}
    outcomes: dict[int, RefreshOutcome] = {}
    reset_at: list[float] = []

    def on_result(index: int, spec: SourceSpec, result: LoadResult | SourceError) -> None:
        if isinstance(result, RateLimited) and result.reset_at is not None:
            reset_at.append(result.reset_at)
        outcomes[index] = store_result(catalog, records[index], result)
        if progress:
            progress(done + len(outcomes), total, records[index].key)

    async def run() -> None:
        config = NetConfig.from_env(concurrency=concurrency)
        async with HttpClient(config, token=discover_token(), cache=_http_cache(catalog)) as c:
            await fetch_many(
                specs,
                client=c,
                progress_cb=on_result,
                force=force,
                collect=False,
                deadline=deadline,
            )

    asyncio.run(run())
    until = datetime.fromtimestamp(max(reset_at), tz=timezone.utc) if reset_at else None
    return [outcomes[i] for i in range(len(records))], until
