"""A run's state (steps, attempts, decisions) and how `${…}` references read it."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from agentops_lite.errors import UsageError
from agentops_lite.workflow import expr
from agentops_lite.workflow.model import (
    RollbackStep,
    StepKind,
    StepNode,
    Workflow,
    canon,
    iter_steps,
    rollback_id,
)

StepStatus = Literal["pending", "running", "success", "failure", "skipped", "cancelled"]
RunStatus = Literal[
    "running", "succeeded", "failed", "cancelled", "rolling_back", "rolled_back", "rollback_failed"
]
Recordable = Literal["success", "failure", "skipped"]
ACTIVE: tuple[RunStatus, ...] = ("running", "rolling_back")
RESERVED = ("status", "output", "artifacts", "attempts", "error", "inputs")


class Attempt(BaseModel):
    """One recorded outcome of one attempt."""

    attempt: int
    status: Recordable
    output: Any = None
    artifacts: list[str] = Field(default_factory=list)
    error: str | None = None
    at: str


class StepState(BaseModel):
    """Where one step stands in a run."""

    id: str = Field(description="The step id as written in the workflow")
    kind: StepKind
    status: StepStatus = "pending"
    attempt: int = Field(default=0, description="Current attempt, 1-based once started")
    max_attempts: int = 1
    handed_out: int = Field(default=0, description="Last attempt shown by `run next`")
    output: Any = None
    artifacts: list[str] = Field(default_factory=list)
    error: str | None = None
    inputs: dict[str, Any] | None = Field(default=None, description="Resolved when started")
    instructions: str | None = Field(default=None, description="Resolved when started")
    started_at: str | None = None
    finished_at: str | None = None
    seq: int | None = Field(default=None, description="Order of completion within the run")
    history: list[Attempt] = Field(default_factory=list)


class RollbackPlan(BaseModel):
    """What a rollback had to work with: which rollback steps exist, which it queued, and why
    the others were left alone (so "rolled back" is never said of a run nothing undid)."""

    declared: list[str] = Field(description="Rollback step ids the workflow declares")
    queued: list[str] = Field(description="Those it runs, latest completed step first")
    not_run: dict[str, str] = Field(
        default_factory=dict, description="Rollback step id -> why it is not run"
    )


class RunState(BaseModel):
    """Everything a run knows; stored as JSON in `runs.state_json`."""

    status: RunStatus = "running"
    inputs: dict[str, Any] = Field(default_factory=dict)
    steps: dict[str, StepState] = Field(description="By canonical step id")
    decisions: dict[str, bool] = Field(default_factory=dict, description="Conditional → branch")
    rollback_queue: list[str] = Field(default_factory=list)
    rollback: RollbackPlan | None = Field(default=None, description="Set once a rollback began")
    seq: int = 0
    reason: str | None = None


class Outcome(BaseModel):
    """What a `record` did."""

    step: str
    changed: bool
    status: StepStatus
    attempt: int
    retrying: bool = False
    run_status: RunStatus


def actions(wf: Workflow) -> dict[str, tuple[StepKind, StepNode | RollbackStep, StepNode]]:
    """Canonical id → (kind, the action, the step it belongs to)."""
    out: dict[str, tuple[StepKind, StepNode | RollbackStep, StepNode]] = {}
    for _path, kind, step in iter_steps(wf.steps, "steps"):
        out[canon(step.id)] = (kind, step, step)
        if step.rollback is not None:
            out[canon(rollback_id(step))] = ("rollback", step.rollback, step)
    return out


def parse_inputs(pairs: list[str]) -> dict[str, Any]:
    """`k=v` pairs: v is JSON when it parses, else text; `a.b=v` nests."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--input {pair!r} is not NAME=VALUE", hint="--input env=staging")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        *parents, leaf = key.strip().split(".")
        target = out
        for part in parents:
            nxt = target.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise UsageError(f"--input {key!r} clashes with an earlier --input")
            target = nxt
        target[leaf] = value
    return out


# -- references -----------------------------------------------------------------------------
def step_view(st: StepState) -> dict[str, Any]:
    """A step as `${…}` sees it (and as `run status` shows it): output fields at top level too."""
    view: dict[str, Any] = {}
    if isinstance(st.output, dict):
        view.update({k: v for k, v in st.output.items() if k not in RESERVED})
    view.update(
        status=st.status,
        output=st.output,
        artifacts=st.artifacts,
        attempts=st.attempt,
        error=st.error,
        inputs=st.inputs,
    )
    return view


def _walk(value: Any, parts: tuple[expr.PathPart, ...]) -> Any:
    for part in parts:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return None
    return value


def resolver(state: RunState) -> expr.Resolver:
    def resolve(parts: tuple[expr.PathPart, ...]) -> Any:
        head = str(parts[0])
        if head == "inputs":
            return _walk(state.inputs, parts[1:])
        st = state.steps.get(canon(head))
        if st is not None:
            return _walk(step_view(st), parts[1:])
        # Not a step: a run input (`test-results.passed` given as --input test-results.passed=…).
        for key, value in state.inputs.items():
            if canon(key) == canon(head):
                return _walk(value, parts[1:])
        return None

    return resolve


def status_document(run_id: str, workflow: str, state: RunState) -> dict[str, Any]:
    """`run status --json`: the seed `state.json` shape, one entry per step by its id."""
    steps: dict[str, Any] = {}
    for st in state.steps.values():
        if st.kind == "rollback" and st.status == "pending":
            continue  # a rollback that never ran is noise here
        steps[st.id] = {
            **step_view(st),
            "kind": st.kind,
            "started_at": st.started_at,
            "finished_at": st.finished_at,
        }
    return {
        "run_id": run_id,
        "workflow": workflow,
        "status": state.status,
        "reason": state.reason,
        "rollback": state.rollback.model_dump(mode="json") if state.rollback else None,
        "inputs": state.inputs,
        "state": steps,
    }
