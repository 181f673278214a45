"""Property tests: valid workflows always finish when every ready step is recorded; invalid ones
are rejected with paths, never with an exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentops_lite.errors import WorkflowError
from agentops_lite.workflow import runner
from agentops_lite.workflow.validate import check

_counter = iter(range(10**9))


def _ids() -> st.SearchStrategy[str]:
    return st.builds(lambda: f"s{next(_counter)}")


def _step() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just("step"), "id": _ids(), "instructions": st.just("do")},
        optional={
            "retry": st.integers(0, 2),
            "on_failure": st.sampled_from(["stop", "continue", "rollback"]),
            "rollback": st.just({"instructions": "undo"}),
        },
    )


def _nodes(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    many = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        st.builds(lambda s: {"type": "sequential", "steps": s}, many),
        st.builds(lambda b: {"type": "parallel", "branches": b}, many),
        st.builds(lambda b, a: {"type": "parallel", "branches": b, "aggregate": a}, many, _step()),
        st.builds(
            lambda c, t, e: {"type": "conditional", "if": c, "then": t, "else": e},
            st.sampled_from(["inputs.flag", "not inputs.flag", "inputs.n > 2 or inputs.flag"]),
            many,
            st.lists(children, max_size=2),
        ),
    )


NODES = st.recursive(_step(), _nodes, max_leaves=12)
WORKFLOWS = st.builds(
    lambda steps: {"version": 1, "name": "prop", "steps": steps},
    st.lists(NODES, min_size=1, max_size=3),
)
OUTCOMES = st.lists(st.sampled_from(["success", "failure", "skipped"]), min_size=1, max_size=50)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=WORKFLOWS, outcomes=OUTCOMES, flag=st.booleans(), rollback=st.booleans())
def test_properties_valid_workflows_reach_a_terminal_state(
    doc: dict[str, Any], outcomes: list[str], flag: bool, rollback: bool
) -> None:
    report = check(doc)
    assert report.ok, report.problems
    wf = report.workflow
    assert wf is not None
    state = runner.new_run(wf, {"flag": flag, "n": 3}, "t")
    i = 0
    for _ in range(10_000):
        state = runner.hand_out(state)  # what `run next` does
        ready = runner.ready(state)
        if not ready:
            break
        for step in ready:
            status = outcomes[i % len(outcomes)]
            i += 1
            state, outcome = runner.record(wf, state, step.id, status, "t")  # type: ignore[arg-type]
            assert outcome.changed
    assert runner.terminal(state), state.status
    if rollback and state.status in ("succeeded", "failed", "cancelled"):
        plan = runner.rollback_plan(wf, state)
        if not plan.queued:  # nothing completed declares a rollback: refused, nothing changed
            with pytest.raises(WorkflowError, match="nothing to roll back"):
                runner.begin_rollback(wf, state, "t")
            return
        state = runner.begin_rollback(wf, state, "t")
        while runner.ready(state):
            state = runner.hand_out(state)
            state, _ = runner.record(wf, state, runner.ready(state)[0].id, "success", "t")
        assert state.status == "rolled_back"
        assert state.reason and state.reason.startswith(f"undone by {', '.join(plan.queued)}")


def _mutate(doc: Any, draw: Any) -> Any:
    """Break a valid document in one random place."""
    text = json.dumps(doc)
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return json.loads(text.replace('"step"', '"stepp"', 1))
    if choice == 1:
        return json.loads(text.replace('"instructions"', '"instructionz"', 1))
    if choice == 2:
        data = json.loads(text)
        data["steps"].append({"type": "step", "id": data["steps"][0].get("id", "s0") + " x"})
        return data
    if choice == 3:
        data = json.loads(text)
        data["steps"].insert(0, {"type": "step", "id": "early", "inputs": {"x": "${later.out}"}})
        data["steps"].append({"type": "step", "id": "later", "instructions": "x"})
        return data
    if choice == 4:
        data = json.loads(text)
        data["steps"].append({"type": "conditional", "if": "a ==", "then": []})
        return data
    if choice == 5:
        return draw(
            st.recursive(
                st.none() | st.integers() | st.text(max_size=5),
                lambda c: st.lists(c) | st.dictionaries(st.text(max_size=5), c),
            )
        )
    data = json.loads(text)
    data["steps"] = draw(st.sampled_from([None, "x", [1], [{}], [{"type": "parallel"}]]))
    return data


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=WORKFLOWS, data=st.data())
def test_properties_invalid_workflows_are_rejected_with_paths(doc: Any, data: Any) -> None:
    broken = _mutate(doc, data.draw)
    report = check(broken)  # never raises
    if broken == doc:
        return
    if isinstance(broken, dict) and "version" in broken and report.ok:
        return  # a mutation that happened to stay valid (e.g. nothing to replace)
    assert not report.ok
    assert all(p.severity in ("error", "warning") for p in report.problems)
    assert all(isinstance(p.path, str) for p in report.problems)
