"""The run engine: a pure state machine over a run's state (no I/O; `now` is passed in).

A step becomes `running` as soon as it is ready; `run next` only notes which attempt it showed
(so a repeated failure report is told apart from the next attempt's). Step statuses: pending,
running, success, failure, skipped, cancelled. Run statuses: running, succeeded, failed,
cancelled, rolling_back, rolled_back, rollback_failed.
"""

from __future__ import annotations

import json
from typing import Any

from agentops_lite.errors import WorkflowError
from agentops_lite.workflow import expr
from agentops_lite.workflow.model import (
    ConditionalNode,
    Node,
    ParallelNode,
    RollbackStep,
    SequentialNode,
    StepNode,
    Workflow,
    canon,
    iter_steps,
    rollback_id,
)
from agentops_lite.workflow.state import (
    ACTIVE,
    Attempt,
    Outcome,
    Recordable,
    RollbackPlan,
    RunState,
    StepState,
    actions,
    resolver,
)


def new_run(wf: Workflow, given: dict[str, Any], now: str) -> RunState:
    inputs = {k: spec.default for k, spec in wf.inputs.items() if spec.default is not None}
    inputs.update(given)
    missing = [k for k, spec in wf.inputs.items() if spec.required and k not in inputs]
    if missing:
        raise WorkflowError(
            f"missing required input(s): {', '.join(missing)}",
            hint=" ".join(f"--input {k}=VALUE" for k in missing),
        )
    steps = {
        key: StepState(
            id=str(action.id or rollback_id(owner)), kind=kind, max_attempts=action.retry + 1
        )
        for key, (kind, action, owner) in actions(wf).items()
    }
    return advance(wf, RunState(inputs=inputs, steps=steps), now)


# -- advancing ------------------------------------------------------------------------------
class _Ctx:
    def __init__(self, wf: Workflow, state: RunState, now: str) -> None:
        self.wf, self.state, self.now = wf, state, now
        acts = actions(wf)
        # After a failure that stops the run, nothing new starts; in-flight steps may finish.
        self.halted = any(
            st.status == "failure" and acts[k][2].on_failure != "continue"
            for k, st in state.steps.items()
            if st.kind != "rollback"
        ) or any(st.status == "cancelled" for st in state.steps.values())


def _start(
    ctx: _Ctx, st: StepState, action: StepNode | RollbackStep, extra: dict[str, Any]
) -> None:
    resolve = resolver(ctx.state)
    st.status = "running"
    st.attempt = max(st.attempt, 1)
    st.started_at = ctx.now
    st.inputs = {**expr.render(action.inputs, resolve), **extra}
    st.instructions = expr.render(action.instructions, resolve) if action.instructions else None


def _eval(ctx: _Ctx, node: Node, path: str) -> str:
    """ "ok", "active" or "failed" for a node, starting whatever has become ready."""
    if isinstance(node, StepNode):
        return _eval_step(ctx, node, {})
    if isinstance(node, SequentialNode):
        return _eval_seq(ctx, node.steps, f"{path}.steps")
    if isinstance(node, ParallelNode):
        results = [_eval(ctx, b, f"{path}.branches[{i}]") for i, b in enumerate(node.branches)]
        if "active" in results:
            return "active"
        if "failed" in results:
            return "failed"
        if node.aggregate is None:
            return "ok"
        branches = {
            st.id: {"status": st.status, "output": st.output, "artifacts": st.artifacts}
            for _p, _k, s in iter_steps(node.branches, path)
            for st in [ctx.state.steps[canon(s.id)]]
        }
        return _eval_step(ctx, node.aggregate, {"branches": branches})
    return _eval_conditional(ctx, node, path)


def _eval_seq(ctx: _Ctx, nodes: list[Node], path: str) -> str:
    for i, node in enumerate(nodes):
        result = _eval(ctx, node, f"{path}[{i}]")
        if result != "ok":
            return result
    return "ok"


def _eval_step(ctx: _Ctx, step: StepNode, extra: dict[str, Any]) -> str:
    st = ctx.state.steps[canon(step.id)]
    if st.status == "pending":
        if ctx.halted:
            return "failed"
        _start(ctx, st, step, extra)
        return "active"
    if st.status == "running":
        return "active"
    if st.status in ("success", "skipped"):
        return "ok"
    if st.status == "failure" and step.on_failure == "continue":
        return "ok"
    return "failed"


def _eval_conditional(ctx: _Ctx, node: ConditionalNode, path: str) -> str:
    taken = ctx.state.decisions.get(path)
    if taken is None:
        if ctx.halted:
            return "failed"
        try:
            taken = expr.truthy(expr.evaluate(expr.parse(node.if_), resolver(ctx.state)))
        except expr.ExprError:
            taken = False  # validation rejects these; a stored run never has one
        ctx.state.decisions[path] = taken
        for _p, _k, s in iter_steps(node.else_ if taken else node.then, path):
            skipped = ctx.state.steps[canon(s.id)]
            skipped.status, skipped.finished_at = "skipped", ctx.now
            skipped.error = f"condition `{node.if_}` was {'true' if taken else 'false'}"
    branch = node.then if taken else node.else_
    return _eval_seq(ctx, branch, f"{path}.{'then' if taken else 'else'}")


def advance(wf: Workflow, state: RunState, now: str) -> RunState:
    """Start whatever is ready and settle the run's status. Returns a new state."""
    state = state.model_copy(deep=True)
    if state.status == "running":
        ctx = _Ctx(wf, state, now)
        result = _eval_seq(ctx, wf.steps, "steps")
        if result == "ok":
            state.status = "succeeded"
        elif result == "failed":
            acts = actions(wf)
            failed = [
                k
                for k, st in state.steps.items()
                if st.status == "failure" and st.kind != "rollback"
            ]
            policy = {acts[k][2].on_failure for k in failed}
            names = ", ".join(state.steps[k].id for k in failed)
            state.reason = f"step(s) failed: {names}" if failed else state.reason
            state.status = "failed"
            if "rollback" in policy:
                return begin_rollback(wf, state, now, asked=False)
    if state.status == "rolling_back":
        _advance_rollback(wf, state, now)
    return state


def rollback_plan(wf: Workflow, state: RunState) -> RollbackPlan:
    """The rollback steps of completed steps, latest first, and why the others would not run."""
    acts = actions(wf)
    done = sorted(
        (st.seq or 0, key)
        for key, st in state.steps.items()
        if st.status == "success" and st.kind != "rollback"
    )
    owners = {canon(owner.id): key for key, (kind, _a, owner) in acts.items() if kind == "rollback"}
    queued = [owners[key] for _seq, key in reversed(done) if key in owners]
    not_run: dict[str, str] = {}
    for owner, key in owners.items():
        if key not in queued:
            st = state.steps[owner]
            never = "never completed" if st.status in ("failure", "cancelled", "running") else ""
            never = never or ("was skipped" if st.status == "skipped" else "never ran")
            not_run[state.steps[key].id] = f"{st.id} {never}: nothing of it to undo"
    return RollbackPlan(
        declared=[state.steps[k].id for k in owners.values()],
        queued=[state.steps[k].id for k in queued],
        not_run=not_run,
    )


def _nothing_to_undo(plan: RollbackPlan) -> str:
    if not plan.declared:
        return "nothing to roll back: the workflow declares no rollback steps"
    why = "; ".join(f"{rid}: {reason}" for rid, reason in plan.not_run.items())
    return f"nothing to roll back ({why})"


def begin_rollback(wf: Workflow, state: RunState, now: str, *, asked: bool = True) -> RunState:
    """Queue the rollback steps of completed steps, latest first, and start the first.

    With nothing to undo, an asked-for rollback is refused (nothing changes) and an automatic
    one (`on_failure: rollback`) leaves the run failed, saying so."""
    if state.status in ("rolling_back", "rolled_back"):
        raise WorkflowError(f"the run is already {state.status.replace('_', ' ')}")
    plan = rollback_plan(wf, state)
    if not plan.queued:
        if asked:
            raise WorkflowError(_nothing_to_undo(plan) + "; nothing changed")
        state = state.model_copy(deep=True)
        state.rollback = plan
        state.reason = "; ".join(filter(None, [state.reason, _nothing_to_undo(plan)]))
        return state
    state = state.model_copy(deep=True)
    state.rollback = plan
    for st in state.steps.values():
        if st.status == "running":
            st.status, st.finished_at, st.error = "cancelled", now, "cancelled by rollback"
    acts = actions(wf)
    state.rollback_queue = [canon(rid) for rid in plan.queued]
    for key in state.rollback_queue:
        st = state.steps[key]
        if st.status in ("failure", "cancelled"):  # a retried rollback gets fresh attempts
            st.status, st.attempt = "pending", st.attempt + 1
            st.max_attempts = st.attempt + acts[key][1].retry
    state.status = "rolling_back"
    _advance_rollback(wf, state, now)
    return state


def _advance_rollback(wf: Workflow, state: RunState, now: str) -> None:
    acts = actions(wf)
    while state.rollback_queue:
        st = state.steps[state.rollback_queue[0]]
        if st.status in ("success", "skipped"):
            state.rollback_queue.pop(0)
            continue
        if st.status == "failure":
            state.status = "rollback_failed"
            state.reason = f"rollback step {st.id} failed: {st.error or 'no details'}"
            return
        if st.status == "pending":
            _start(_Ctx(wf, state, now), st, acts[state.rollback_queue[0]][1], {})
        return
    state.status = "rolled_back"
    state.reason = rolled_back_reason(state)


def rolled_back_reason(state: RunState) -> str:
    """Which rollback steps ran (and which were skipped or left alone)."""
    plan = state.rollback or RollbackPlan(declared=[], queued=[])
    by_id = {st.id: st for st in state.steps.values()}
    ran = [rid for rid in plan.queued if by_id[rid].status == "success"]
    skipped = [rid for rid in plan.queued if by_id[rid].status == "skipped"]
    parts = [f"undone by {', '.join(ran)}" if ran else "no rollback step reported success"]
    if skipped:
        parts.append(f"skipped: {', '.join(skipped)}")
    parts += [f"{rid} not run ({why})" for rid, why in plan.not_run.items()]
    return "; ".join(parts)


# -- recording ------------------------------------------------------------------------------
def record(
    wf: Workflow,
    state: RunState,
    step_id: str,
    status: Recordable,
    now: str,
    *,
    output: Any = None,
    artifacts: list[str] | None = None,
    error: str | None = None,
    attempt: int | None = None,
) -> tuple[RunState, Outcome]:
    """Apply one reported result. Refusals raise WorkflowError and change nothing."""
    key = canon(step_id)
    st = state.steps.get(key)
    if st is None:
        running = [s.id for s in state.steps.values() if s.status == "running"]
        raise WorkflowError(
            f"no step {step_id!r} in this run",
            hint=f"running now: {', '.join(running)}" if running else "nothing is running",
        )
    entry = Attempt(
        attempt=attempt or st.attempt,
        status=status,
        output=output,
        artifacts=list(artifacts or []),
        error=error,
        at=now,
    )
    same = [h for h in st.history if _same(h, entry) and (attempt is None or h.attempt == attempt)]
    duplicate = bool(same) and (
        st.status != "running" or attempt is not None or st.handed_out < st.attempt
    )
    if duplicate:
        return state, Outcome(
            step=st.id, changed=False, status=st.status, attempt=st.attempt, run_status=state.status
        )
    if st.status != "running":
        verb = f"already recorded as {st.status}" if st.history else f"{st.status}, not running"
        raise WorkflowError(f"step {st.id!r} is {verb}; nothing changed")
    if state.status not in ACTIVE:
        raise WorkflowError(f"the run is {state.status}; nothing changed")
    if attempt is not None and attempt != st.attempt:
        raise WorkflowError(f"step {st.id!r} is on attempt {st.attempt}, not {attempt}")
    action = actions(wf)[key][1]
    if status == "success" and isinstance(action, StepNode) and action.outputs:
        lacking = [o for o in action.outputs if not (isinstance(output, dict) and o in output)]
        if lacking:
            example = json.dumps(dict.fromkeys(action.outputs, "…"))
            raise WorkflowError(
                f"step {st.id!r} declares output field(s) {', '.join(lacking)} "
                "and the recorded output lacks them; nothing changed",
                hint=f"--output '{example}'",
            )
    state = state.model_copy(deep=True)
    st = state.steps[key]
    st.history.append(entry)
    retrying = status == "failure" and st.attempt < st.max_attempts
    if retrying:
        st.attempt += 1
        st.error = error
    else:
        st.status, st.output, st.artifacts, st.error = status, output, entry.artifacts, error
        st.finished_at = now
        state.seq += 1
        st.seq = state.seq
    state = advance(wf, state, now)
    st = state.steps[key]
    return state, Outcome(
        step=st.id,
        changed=True,
        status=st.status,
        attempt=st.attempt,
        retrying=retrying,
        run_status=state.status,
    )


def _same(a: Attempt, b: Attempt) -> bool:
    return (a.status, a.output, a.artifacts, a.error) == (b.status, b.output, b.artifacts, b.error)


def cancel(state: RunState, now: str) -> RunState:
    if state.status not in ACTIVE:
        raise WorkflowError(f"the run is already {state.status}")
    state = state.model_copy(deep=True)
    for st in state.steps.values():
        if st.status == "running":
            st.status, st.finished_at, st.error = "cancelled", now, "run cancelled"
    state.status, state.reason = "cancelled", "cancelled by the user"
    return state


def ready(state: RunState) -> list[StepState]:
    """Steps to do now (all of them can be done at once)."""
    return [st for st in state.steps.values() if st.status == "running"]


def terminal(state: RunState) -> bool:
    return state.status not in ACTIVE


def hand_out(state: RunState) -> RunState:
    """Note that `run next` showed each running step's current attempt (see `record`)."""
    if all(st.handed_out == st.attempt for st in ready(state)):
        return state
    state = state.model_copy(deep=True)
    for st in ready(state):
        st.handed_out = st.attempt
    return state
