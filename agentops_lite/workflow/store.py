"""Runs in the catalog database: one write transaction per change, every outcome kept for analytics.

Tables (created by migration `m030_workflow_runs`; `stats` reads them):

runs — one row per run
    id TEXT PK (`run-YYYYmmdd-HHMMSS-xxxxxx`), workflow_name, workflow_hash (sha256 of the
    normalised document: the same workflow across runs), source (file path or NULL),
    status (running | succeeded | failed | cancelled | rolling_back | rolled_back |
    rollback_failed), reason (why it failed/stopped), inputs_json, workflow_json (the document
    as run), state_json (runner.RunState, the source of truth), steps_total,
    created_at, updated_at, finished_at (ISO-8601 UTC; finished_at set when no longer active).

run_steps — the latest state of every step of every run (a projection of state_json)
    (run_id, step_id) PK, kind (step | aggregate | rollback), plugin, marketplace (as written in
    the workflow), status (pending | running | success | failure | skipped | cancelled),
    attempts, output_json, artifacts_json, error, started_at, finished_at.

run_events — append-only, one row per recorded attempt outcome (retries included)
    id PK, run_id, workflow_name, step_id, kind, plugin, marketplace, attempt,
    status (success | failure | skipped), error, recorded_at.

Success rate per workflow: runs grouped by workflow_name over finished runs (status succeeded vs
the rest). Per plugin: run_events grouped by plugin (every attempt), or run_steps for final
outcomes. `success_rates()` below computes both.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, Field

from agentops_lite.catalog import db
from agentops_lite.errors import NotFoundError, UsageError
from agentops_lite.workflow.model import Workflow, dump
from agentops_lite.workflow.runner import new_run, terminal
from agentops_lite.workflow.state import RunState, actions

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog

T = TypeVar("T")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class RunInfo(BaseModel):
    """A run's row, without its state."""

    run_id: str = Field(description="The run id (`run-YYYYMMDD-HHMMSS-xxxxxx`)")
    workflow: str = Field(description="The workflow's name")
    status: str
    reason: str | None = None
    source: str | None = None
    steps_total: int
    steps_done: int = Field(description="Steps (not rollbacks) that finished")
    created_at: str
    updated_at: str
    finished_at: str | None = None


_RUN_COLS = (
    "id, workflow_name, status, reason, source, steps_total, created_at, updated_at, finished_at"
)


def _info(row: tuple[Any, ...], state: RunState | None) -> RunInfo:
    done = 0
    if state is not None:
        done = sum(
            st.status in ("success", "failure", "skipped")
            for st in state.steps.values()
            if st.kind != "rollback"
        )
    return RunInfo(
        run_id=row[0], workflow=row[1], status=row[2], reason=row[3], source=row[4],
        steps_total=row[5], steps_done=done, created_at=row[6], updated_at=row[7],
        finished_at=row[8],
    )  # fmt: skip


def workflow_hash(wf: Workflow) -> str:
    text = json.dumps(dump(wf), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def start(cat: Catalog, wf: Workflow, inputs: dict[str, Any], source: str | None) -> RunInfo:
    stamp = now()
    state = new_run(wf, inputs, stamp)
    run_id = f"run-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    steps_total = sum(1 for st in state.steps.values() if st.kind != "rollback")
    with db.write(cat.conn):
        cat.conn.execute(
            "INSERT INTO runs (id, workflow_name, workflow_hash, source, status, reason, "
            "inputs_json, workflow_json, state_json, steps_total, created_at, updated_at, "
            "finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                run_id, wf.name, workflow_hash(wf), source, state.status, state.reason,
                json.dumps(state.inputs), json.dumps(dump(wf)), state.model_dump_json(),
                steps_total, stamp, stamp, stamp if terminal(state) else None,
            ),
        )  # fmt: skip
        _project(cat, run_id, wf, None, state, stamp)
    return get(cat, run_id)[0]


def resolve_id(cat: Catalog, ident: str) -> str:
    """An exact run id, a unique prefix of one, or `last` (the newest run)."""
    if not ident.strip():
        raise UsageError("empty run id", hint="see `agentops-lite run list`")
    if ident == "last":
        row = cat.conn.execute("SELECT id FROM runs ORDER BY created_at DESC LIMIT 1").fetchone()
    else:
        rows = cat.conn.execute(
            "SELECT id FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY id = ? DESC",
            (ident, ident.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
             ident),
        ).fetchall()  # fmt: skip
        if len(rows) > 1 and rows[0][0] != ident:
            found = ", ".join(r[0] for r in rows[:5])
            raise NotFoundError(f"{ident!r} matches several runs: {found}")
        row = rows[0] if rows else None
    if row is None:
        raise NotFoundError(f"no run {ident!r}", hint="see `agentops-lite run list`")
    return str(row[0])


def get(cat: Catalog, ident: str) -> tuple[RunInfo, Workflow, RunState]:
    run_id = resolve_id(cat, ident)
    row = cat.conn.execute(
        f"SELECT {_RUN_COLS}, workflow_json, state_json FROM runs WHERE id = ?", (run_id,)
    ).fetchone()
    wf = Workflow.model_validate_json(row[9])
    state = RunState.model_validate_json(row[10])
    return _info(row, state), wf, state


def apply(
    cat: Catalog, ident: str, change: Callable[[Workflow, RunState, str], tuple[RunState, T]]
) -> tuple[RunInfo, Workflow, RunState, T]:
    """Load, change and save one run inside one BEGIN IMMEDIATE transaction.

    Concurrent `run record` calls from separate processes serialise on the write lock, and each
    sees the state the previous one saved. If `change` raises, nothing is written.
    """
    run_id = resolve_id(cat, ident)
    with db.write(cat.conn):
        row = cat.conn.execute(
            "SELECT workflow_json, state_json FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        wf = Workflow.model_validate_json(row[0])
        before = RunState.model_validate_json(row[1])
        stamp = now()
        after, result = change(wf, before, stamp)
        if after != before:
            cat.conn.execute(
                "UPDATE runs SET status = ?, reason = ?, state_json = ?, updated_at = ?, "
                "finished_at = COALESCE(finished_at, ?) WHERE id = ?",
                (
                    after.status, after.reason, after.model_dump_json(), stamp,
                    stamp if terminal(after) else None, run_id,
                ),
            )  # fmt: skip
            if not terminal(after):
                cat.conn.execute("UPDATE runs SET finished_at = NULL WHERE id = ?", (run_id,))
            _project(cat, run_id, wf, before, after, stamp)
    info, _wf, state = get(cat, run_id)
    return info, wf, state, result


def _project(
    cat: Catalog, run_id: str, wf: Workflow, before: RunState | None, after: RunState, stamp: str
) -> None:
    """Mirror changed steps into run_steps and append new attempt outcomes to run_events."""
    acts = actions(wf)
    name = wf.name
    step_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    for key, st in after.steps.items():
        old = before.steps.get(key) if before else None
        if old == st:
            continue
        action = acts[key][1]
        step_rows.append(
            (
                run_id, st.id, st.kind, action.plugin, action.marketplace, st.status, st.attempt,
                None if st.output is None else json.dumps(st.output), json.dumps(st.artifacts),
                st.error, st.started_at, st.finished_at,
            )
        )  # fmt: skip
        event_rows.extend(
            (
                run_id, name, st.id, st.kind, action.plugin, action.marketplace, h.attempt,
                h.status, h.error, h.at,
            )
            for h in st.history[len(old.history) if old else 0 :]
        )  # fmt: skip
    cat.conn.executemany(
        "INSERT OR REPLACE INTO run_steps (run_id, step_id, kind, plugin, marketplace, status, "
        "attempts, output_json, artifacts_json, error, started_at, finished_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        step_rows,
    )
    cat.conn.executemany(
        "INSERT INTO run_events (run_id, workflow_name, step_id, kind, plugin, marketplace, "
        "attempt, status, error, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        event_rows,
    )


def list_runs(cat: Catalog, limit: int = 50) -> list[RunInfo]:
    rows = cat.conn.execute(
        f"SELECT {_RUN_COLS}, state_json FROM runs ORDER BY created_at DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_info(r, RunState.model_validate_json(r[9])) for r in rows]


class Rate(BaseModel):
    """Success over finished attempts or runs."""

    name: str
    total: int
    succeeded: int
    rate: float


def success_rates(cat: Catalog) -> dict[str, list[Rate]]:
    """Per workflow (finished runs) and per plugin (every recorded attempt)."""
    workflows = cat.conn.execute(
        "SELECT workflow_name, COUNT(*), SUM(status = 'succeeded') FROM runs "
        "WHERE finished_at IS NOT NULL GROUP BY workflow_name ORDER BY workflow_name"
    ).fetchall()
    plugins = cat.conn.execute(
        "SELECT plugin, COUNT(*), SUM(status = 'success') FROM run_events "
        "WHERE plugin IS NOT NULL AND status != 'skipped' GROUP BY plugin ORDER BY plugin"
    ).fetchall()

    def rates(rows: list[tuple[Any, ...]]) -> list[Rate]:
        return [Rate(name=r[0], total=r[1], succeeded=r[2], rate=r[2] / r[1]) for r in rows]

    return {"workflows": rates(workflows), "plugins": rates(plugins)}
