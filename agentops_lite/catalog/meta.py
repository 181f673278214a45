"""The catalog's meta keys (who set it up, which defaults, the seed it came from) and the
age of the snapshot data it holds."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import SnapshotAge

SETUP_KEY = "setup"  # absent: never set up; else who set it up (user, claude, defaults...)
DEFAULTS_KEY = "defaults"  # loaded | dropped
SIGNATURE_KEY = "seed_signature"
SEEDED_KEY = "seeded_from"  # meta value "seed-db" on catalogs unpacked from the seed
# Set by a migration that left stored plugins without a search index (the value names it).
REINDEX_KEY = "reindex"


class SnapshotFacts(NamedTuple):
    """`models.SnapshotAge`'s fields, without pydantic (the warm discover path reads these)."""

    date: str
    age_days: int
    marketplaces: int
    plugins: int


def _age(when: datetime, today: date | None = None) -> int:
    ref = today or datetime.now(timezone.utc).date()
    return max(0, (ref - when.date()).days)


def snapshot_facts(catalog: Catalog) -> SnapshotFacts | None:
    """The snapshot block for results: None when no catalog data comes from the snapshot."""
    rows = catalog.conn.execute(
        "SELECT m.snapshot_date, (SELECT COUNT(*) FROM plugins p WHERE p.marketplace_id = m.id) "
        "FROM marketplaces m WHERE m.origin = 'embedded'"
    ).fetchall()
    dates = [datetime.fromisoformat(d) for d, _ in rows if d]
    if not rows or not dates:
        return None
    oldest = min(dates)
    return SnapshotFacts(
        date=oldest.date().isoformat(),
        age_days=_age(oldest),
        marketplaces=len(rows),
        plugins=sum(int(n) for _, n in rows),
    )


def snapshot_age(catalog: Catalog) -> SnapshotAge | None:
    """`snapshot_facts` as the `snapshot` model of `--json` output."""
    from agentops_lite.models import SnapshotAge

    facts = snapshot_facts(catalog)
    return None if facts is None else SnapshotAge(**facts._asdict())
