"""The catalog's meta keys (who set it up, which defaults, the seed it came from) and the
age of the snapshot data it holds."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from agentops_lite.models import SnapshotAge

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog

SETUP_KEY = "setup"  # absent: never set up; else who set it up (user, claude, defaults...)
DEFAULTS_KEY = "defaults"  # loaded | dropped
SIGNATURE_KEY = "seed_signature"
SEEDED_KEY = "seeded_from"  # meta value "seed-db" on catalogs unpacked from the seed
# Set by a migration that left stored plugins without a search index (the value names it).
REINDEX_KEY = "reindex"


def _age(when: datetime, today: date | None = None) -> int:
    ref = today or datetime.now(timezone.utc).date()
    return max(0, (ref - when.date()).days)


def snapshot_age(catalog: Catalog) -> SnapshotAge | None:
    """The snapshot block for results: None when no catalog data comes from the snapshot."""
    rows = catalog.marketplaces(origin="embedded")
    dates = [r.snapshot_date for r in rows if r.snapshot_date is not None]
    if not rows or not dates:
        return None
    oldest = min(dates)
    return SnapshotAge(
        date=oldest.date().isoformat(),
        age_days=_age(oldest),
        marketplaces=len(rows),
        plugins=sum(r.plugin_count for r in rows),
    )
