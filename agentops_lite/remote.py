"""Refresh of remote (GitHub, URL, git) marketplaces: runs the async crawler, stores each result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from agentops_lite.catalog import Catalog
from agentops_lite.models import MarketplaceRecord, RefreshOutcome


def refresh_remote(
    catalog: Catalog,
    records: Sequence[MarketplaceRecord],
    *,
    concurrency: int,
    progress: Callable[[int, int, str], None] | None,
    done: int,
    total: int,
) -> tuple[list[RefreshOutcome], datetime | None]:
    """Fetch every remote marketplace concurrently; one failure never stops the others."""
    from agentops_lite.errors import SourceError
    from agentops_lite.refresh import store_result

    # The GitHub crawler plugs in here (issue 3); until then remote sources report clearly.
    outcomes = []
    for record in records:
        error = SourceError(f"remote source {record.source} cannot be fetched yet")
        outcomes.append(store_result(catalog, record, error))
        if progress:
            progress(done + len(outcomes), total, record.key)
    return outcomes, None
