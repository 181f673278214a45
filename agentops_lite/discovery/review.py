"""`review`: record that the user looked at what a plugin runs, as the catalog holds it now."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pydantic import Field

from agentops_lite.catalog.surface import digest_of, record_review, run_items, surface_lines
from agentops_lite.discovery.compare import resolve
from agentops_lite.errors import NotFoundError
from agentops_lite.models import OutputModel

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog


class ReviewResult(OutputModel):
    plugin: str
    marketplace: str
    reviewed_at: datetime
    surface_digest: str = Field(description="Digest of the runnable surface you reviewed")
    runnable: int | None


def review(catalog: Catalog, ident: str, now: datetime | None = None) -> ReviewResult:
    """Record that the user reviewed what a plugin runs, as stored now."""
    from agentops_lite.catalog import db

    r = resolve(catalog, ident)[0]
    lines = surface_lines(r.entry)
    if lines is None:
        # The request is fine; the catalog cannot serve it: a refusal (exit 1), not a usage error.
        raise NotFoundError(
            f"{r.install_name}: its files were never read, so there is nothing to review",
            hint="plugins from remote sources are read when a refresh can reach them",
        )
    when = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    digest = digest_of(lines)
    with db.write(catalog.conn):
        record_review(catalog.conn, r.name, r.marketplace_name or r.marketplace_key, when, digest)
    return ReviewResult(
        plugin=r.name,
        marketplace=r.marketplace_key,
        reviewed_at=when,
        surface_digest=digest,
        runnable=len(run_items(r.entry) or []),
    )
