"""Workflow run analytics (success rates, plugin combinations, medians) over the run tables."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from statistics import median

from agentops_lite.analytics.models import Combination, Count, RateStat, WorkflowStats

TOP_COMBINATIONS = 10
# A run is over once it is in one of these states (store.py sets finished_at then too).
SUCCEEDED = "succeeded"


def has_run_tables(conn: sqlite3.Connection) -> bool:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"runs", "run_steps", "run_events"} <= names


def _rates(conn: sqlite3.Connection) -> tuple[list[RateStat], list[RateStat]]:
    """Per workflow and per plugin, through the run store's own definition of success."""
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.workflow.store import success_rates

    rates = success_rates(Catalog(conn))

    def convert(key: str) -> list[RateStat]:
        out = [
            RateStat(name=r.name, runs=r.total, succeeded=r.succeeded, success_rate=r.rate)
            for r in rates[key]
        ]
        return sorted(out, key=lambda r: (-r.runs, r.name))

    return convert("workflows"), convert("plugins")


def workflow_stats(conn: sqlite3.Connection) -> WorkflowStats | None:
    """None when this database predates the run tables."""
    if not has_run_tables(conn):
        return None
    by_status = Counter(
        dict(conn.execute("SELECT status, COUNT(*) FROM runs GROUP BY status").fetchall())
    )
    finished = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(status = ?), 0) FROM runs WHERE finished_at IS NOT NULL",
        (SUCCEEDED,),
    ).fetchone()
    per_workflow, per_plugin = _rates(conn)

    plugins_of: dict[str, set[str]] = defaultdict(set)
    steps_of: Counter[str] = Counter()
    retries_of: Counter[str] = Counter()
    for run_id, kind, plugin, marketplace, attempts in conn.execute(
        "SELECT s.run_id, s.kind, s.plugin, s.marketplace, s.attempts FROM run_steps s "
        "JOIN runs r ON r.id = s.run_id WHERE r.finished_at IS NOT NULL"
    ):
        steps_of[run_id] += 0  # a run whose steps never started still counts (zero steps)
        if kind != "rollback" and attempts > 0:
            steps_of[run_id] += 1
            retries_of[run_id] += max(attempts - 1, 0)
        if plugin:
            plugins_of[run_id].add(f"{plugin}@{marketplace}" if marketplace else plugin)

    combos = Counter(frozenset(p) for p in plugins_of.values() if len(p) >= 2)
    ranked = sorted(combos.items(), key=lambda kv: (-kv[1], sorted(kv[0])))
    return WorkflowStats(
        runs=sum(by_status.values()),
        by_status=[Count(name=k, count=v) for k, v in sorted(by_status.items())],
        success_rate=finished[1] / finished[0] if finished[0] else None,
        per_workflow=per_workflow,
        per_plugin=per_plugin,
        combinations=[
            Combination(plugins=sorted(combo), runs=n) for combo, n in ranked[:TOP_COMBINATIONS]
        ],
        median_steps=float(median(steps_of.values())) if steps_of else None,
        median_retries=float(median(retries_of[r] for r in steps_of)) if steps_of else None,
    )
