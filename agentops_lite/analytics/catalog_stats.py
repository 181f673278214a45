"""Ecosystem and workflow metrics computed from the catalog database (no printing)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from agentops_lite.analytics.models import (
    TOP_KEYWORDS,
    Count,
    Distributions,
    GrowthPoint,
    MarketplaceStats,
    Stats,
    Totals,
)

COMPONENT_KINDS = ("command", "skill", "agent", "hook", "mcp", "lsp")
STAR_BUCKETS = ("0", "1-9", "10-99", "100-999", "1000+", "unknown")
AGE_BUCKETS = ("< 30 days", "30-89 days", "90-364 days", ">= 1 year", "unknown")


def normalise_category(value: str | None) -> str | None:
    """`Orchestration & Automation` → `orchestration-automation`; blank → None."""
    if not value:
        return None
    slug = re.sub(r"[^\w]+", "-", value.strip().lower()).strip("-_")
    return slug or None


def _parse_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def star_bucket(stars: int | None) -> str:
    if stars is None:
        return "unknown"
    for limit, label in ((0, "0"), (9, "1-9"), (99, "10-99"), (999, "100-999")):
        if stars <= limit:
            return label
    return "1000+"


def age_bucket(changed: datetime | None, now: datetime) -> str:
    if changed is None:
        return "unknown"
    days = (now - changed).days
    if days < 30:
        return AGE_BUCKETS[0]
    if days < 90:
        return AGE_BUCKETS[1]
    if days < 365:
        return AGE_BUCKETS[2]
    return AGE_BUCKETS[3]


def _loads_list(text: str | None) -> list[Any]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _ordered(counter: Counter[str], order: tuple[str, ...]) -> list[Count]:
    return [Count(name=k, count=counter.get(k, 0)) for k in order]


def _ranked(counter: Counter[str], limit: int | None = None) -> list[Count]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Count(name=k, count=v) for k, v in items[:limit]]


def totals(conn: sqlite3.Connection) -> Totals:
    one = conn.execute(
        "SELECT (SELECT COUNT(*) FROM marketplaces), COUNT(*), COUNT(DISTINCT dedup_key), "
        "COALESCE(SUM(error_count > 0), 0), "
        "(SELECT COUNT(*) FROM marketplaces WHERE status = 'error'), "
        "(SELECT COUNT(*) FROM problems WHERE severity = 'error'), "
        "(SELECT COUNT(*) FROM problems WHERE severity = 'warning') FROM plugins"
    ).fetchone()
    return Totals(
        marketplaces=one[0],
        plugin_listings=one[1],
        unique_plugins=one[2],
        plugins_with_errors=one[3],
        marketplaces_failing=one[4],
        problem_errors=one[5],
        problem_warnings=one[6],
    )


def marketplaces(conn: sqlite3.Connection) -> list[MarketplaceStats]:
    rows = conn.execute(
        "SELECT m.key, m.name, m.source, m.stars, m.pushed_at, m.refreshed_at, m.status, "
        "m.last_error, "
        "(SELECT COUNT(*) FROM plugins p WHERE p.marketplace_id = m.id), "
        "(SELECT COUNT(*) FROM problems q WHERE q.marketplace_id = m.id AND q.severity='error'), "
        "(SELECT COUNT(*) FROM problems q WHERE q.marketplace_id = m.id AND q.severity='warning') "
        "FROM marketplaces m"
    ).fetchall()
    out = [
        MarketplaceStats(
            key=r[0],
            name=r[1],
            source=r[2],
            stars=r[3],
            last_update=_parse_dt(r[4]),
            refreshed_at=_parse_dt(r[5]),
            status=r[6],
            last_error=r[7],
            plugins=r[8],
            errors=r[9],
            warnings=r[10],
        )
        for r in rows
    ]
    return sorted(out, key=lambda m: (-m.plugins, m.key))


def distributions(conn: sqlite3.Connection, now: datetime) -> Distributions:
    categories: Counter[str] = Counter()
    keywords: Counter[str] = Counter()
    components: Counter[str] = Counter()
    stars: Counter[str] = Counter()
    ages: Counter[str] = Counter()
    uncategorised = 0
    # Stars and recency: the plugin's own repo when known, else its marketplace's (as catalog_read).
    rows = conn.execute(
        "SELECT p.category, p.keywords_json, p.tags_json, p.components_json, "
        "COALESCE(r.stars, m.stars), COALESCE(r.pushed_at, m.pushed_at) "
        "FROM plugins p JOIN marketplaces m ON m.id = p.marketplace_id "
        "LEFT JOIN repo_metrics r ON r.repo = LOWER(p.source_repo)"
    )
    for category, kw_json, tags_json, comp_json, star_count, pushed in rows:
        slug = normalise_category(category)
        if slug is None:
            uncategorised += 1
        else:
            categories[slug] += 1
        words = {
            w.strip().lower()
            for w in _loads_list(kw_json) + _loads_list(tags_json)
            if isinstance(w, str) and w.strip()
        }
        keywords.update(words)
        kinds = {c.get("kind") for c in _loads_list(comp_json) if isinstance(c, dict)}
        components.update(k for k in COMPONENT_KINDS if k in kinds)
        stars[star_bucket(star_count)] += 1
        ages[age_bucket(_parse_dt(pushed), now)] += 1
    return Distributions(
        categories=_ranked(categories),
        uncategorised=uncategorised,
        keywords=_ranked(keywords, TOP_KEYWORDS),
        components=_ordered(components, COMPONENT_KINDS),
        stars=_ordered(stars, STAR_BUCKETS),
        age=_ordered(ages, AGE_BUCKETS),
    )


def growth(conn: sqlite3.Connection) -> list[GrowthPoint]:
    """One point per UTC day: the size after that day's last refresh."""
    points: dict[str, GrowthPoint] = {}
    for _, finished, n_mkt, n_plugins, failed in conn.execute(
        "SELECT id, finished_at, marketplaces, plugins, failed FROM refreshes ORDER BY id"
    ):
        when = _parse_dt(finished)
        day = when.astimezone(timezone.utc).date().isoformat() if when else str(finished)[:10]
        before = points.get(day)
        points[day] = GrowthPoint(
            date=day,
            marketplaces=n_mkt,
            plugins=n_plugins,
            refreshes=(before.refreshes if before else 0) + 1,
            failed=(before.failed if before else 0) + failed,
        )
    return [points[d] for d in sorted(points)]


def compute(conn: sqlite3.Connection, now: datetime | None = None) -> Stats:
    """All catalog and workflow figures, read in one snapshot of the database."""
    from agentops_lite.analytics.run_stats import workflow_stats

    moment = now or datetime.now(timezone.utc).replace(microsecond=0)
    # One read transaction, so a refresh committing meanwhile cannot make the figures disagree.
    conn.execute("BEGIN")
    try:
        return Stats(
            generated_at=moment,
            totals=totals(conn),
            marketplaces=marketplaces(conn),
            distributions=distributions(conn, moment),
            growth=growth(conn),
            workflows=workflow_stats(conn),
        )
    finally:
        conn.execute("ROLLBACK")
