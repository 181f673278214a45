"""What `run next` hands to Claude, directly: which listing a step means, setup, use, words."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.workflow.instruct import next_report, task
from agentops_lite.workflow.model import RollbackStep, StepNode, Workflow
from agentops_lite.workflow.state import RunState, StepState
from agentops_lite.workflow.store import RunInfo


def state(sid: str = "build", **kw: Any) -> StepState:
    base: dict[str, Any] = {"kind": "step", "status": "running", "attempt": 1, "max_attempts": 1}
    return StepState(id=sid, **{**base, **kw})


@pytest.mark.parametrize(
    ("action", "use"),
    [
        (StepNode(id="s", plugin="k8s", command="deploy"), "/k8s:deploy"),
        (StepNode(id="s", plugin="k8s", command="/deploy"), "/k8s:deploy"),
        (StepNode(id="s", plugin="k8s", command="/other:ship"), "/other:ship"),  # qualified
        (StepNode(id="s", plugin="k8s", skill="helm-chart"), "skill k8s:helm-chart"),
        (StepNode(id="s", plugin="k8s", agent="reviewer"), "agent k8s:reviewer"),
        (StepNode(id="s", command="lint"), "/lint"),  # no plugin: no namespace
        (StepNode(id="s", plugin="k8s"), None),
        (StepNode(id="s", instructions="Do it by hand"), None),
    ],
)
def test_task_says_what_to_use(action: StepNode, use: str | None) -> None:
    t = task(None, "R1", state("s"), action)
    assert t.use == use
    if use:
        assert f"Use {use}." in t.instructions


def test_task_without_a_catalog_describes_the_step_and_how_to_record_it() -> None:
    st = state(attempt=2, max_attempts=3, inputs={"path": "dist/é"}, instructions="Build it.")
    action = StepNode(id="build", plugin="builder", command="make", outputs=["artifact", "log"])
    t = task(None, "R1", st, action)
    assert (t.step, t.kind, t.attempt, t.max_attempts) == ("build", "step", 2, 3)
    assert t.plugin == "builder" and t.installed is None and t.install_name is None
    assert t.setup == [] and t.outputs == ["artifact", "log"]
    assert t.inputs == {"path": "dist/é"}
    assert t.instructions == (
        "Step `build` (attempt 2 of 3). Plugin 'builder' is not in the catalog; find it with "
        "`agentops-lite discover builder` or do the step without it. Use /builder:make. Build it. "
        'Inputs: {"path": "dist/é"}. Report an output object with: artifact, log.'
    )
    base = "agentops-lite run record R1 build --attempt 2"
    assert t.record["success"].startswith(
        f'{base} --status success --output \'{{"artifact": "…", "log": "…"}}\''
    )
    assert t.record["failure"] == f"{base} --status failure --error 'what went wrong'"
    assert t.record["skipped"] == f"{base} --status skipped"


def test_task_default_output_example_and_aggregate_wording() -> None:
    t = task(None, "R1", state("merge", kind="aggregate"), StepNode(id="merge"))
    assert '--output \'{"summary": "…"}\'' in t.record["success"]
    assert "Combine the results of every branch" in t.instructions


def test_task_rollback_action_has_no_outputs() -> None:
    undo = RollbackStep(plugin="k8s", command="undo")
    t = task(None, "R1", state("ship-rollback", kind="rollback"), undo)
    assert t.kind == "rollback" and t.use == "/k8s:undo" and t.outputs == []


@pytest.fixture
def cat(make_marketplace: Callable[..., Path], isolated_home: Path) -> Iterator[Catalog]:
    from agentops_lite.refresh.update import add_source

    deployer = {"name": "deployer", "source": "./plugins/deployer", "description": "Ship it"}
    files = {
        "plugins/deployer/commands/ship.md": "---\ndescription: Ship\n---\n",
        "plugins/deployer/agents/watch.md": "---\nname: watcher\ndescription: Watch\n---\n",
    }
    cat = Catalog.open()
    add_source(cat, str(make_marketplace("alpha-market", [deployer], files)))
    add_source(cat, str(make_marketplace("beta-market", [deployer], files)))
    yield cat
    cat.close()


def _install(cat: Catalog, plugin: str, marketplace: str) -> None:
    cat.conn.execute(
        "INSERT INTO installed_plugins VALUES (?, ?, 'user', NULL)", (plugin, marketplace)
    )


def test_task_prefers_an_installed_listing_and_needs_no_setup(cat: Catalog) -> None:
    _install(cat, "deployer", "beta-market")
    t = task(cat, "R1", state(), StepNode(id="build", plugin="deployer"))
    assert (t.marketplace, t.installed, t.setup) == ("beta-market", True, [])
    assert t.install_name == "deployer@beta-market"
    # No component named: the plugin's own components say what it offers.
    assert "Use the deployer plugin (command ship, agent watcher)." in t.instructions


def test_task_named_marketplace_wins_and_uninstalled_gets_setup(cat: Catalog) -> None:
    _install(cat, "deployer", "beta-market")
    t = task(
        cat, "R1", state(), StepNode(id="build", plugin="deployer", marketplace="ALPHA-market")
    )
    assert t.marketplace == "alpha-market" and t.installed is False
    source = cat.marketplace("alpha-market").source
    assert t.setup == [
        f"/plugin marketplace add {source}",
        "/plugin install deployer@alpha-market",
    ]
    assert "The plugin is not installed; ask the user, then run: " in t.instructions


def test_task_without_installed_listing_picks_by_marketplace_key(cat: Catalog) -> None:
    t = task(cat, "R1", state(), StepNode(id="build", plugin="deployer"))
    assert t.marketplace == "alpha-market" and t.installed is False


def test_task_plugin_not_in_the_catalog_points_at_discover_safely_quoted(cat: Catalog) -> None:
    t = task(cat, "R1", state(), StepNode(id="build", plugin="it's-missing"))
    assert t.installed is None and t.setup == [] and t.marketplace is None
    assert "`agentops-lite discover 'it'\"'\"'s-missing'`" in t.instructions


def test_task_unknown_marketplace_means_not_in_the_catalog(cat: Catalog) -> None:
    t = task(cat, "R1", state(), StepNode(id="build", plugin="deployer", marketplace="gamma"))
    assert t.installed is None and t.marketplace == "gamma"
    assert "is not in the catalog" in t.instructions


def _info(status: str = "running") -> RunInfo:
    when = "2026-12-01T00:00:00+00:00"
    return RunInfo(
        run_id="R1",
        workflow="wf",
        status=status,
        steps_total=2,
        steps_done=0,
        created_at=when,
        updated_at=when,
    )


WF = Workflow.model_validate(
    {
        "version": 1,
        "name": "wf",
        "steps": [
            {
                "type": "parallel",
                "branches": [{"type": "step", "id": "a_one"}, {"type": "step", "id": "b"}],
            }
        ],
    }
)


def _state(status: str, a: str, b: str) -> RunState:
    steps = {
        "a-one": state("a_one", status=a),
        "b": state("b", status=b),
    }
    return RunState(status=status, steps=steps)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("run", "a", "b", "ready", "done", "message"),
    [
        ("running", "running", "running", ["a_one", "b"], False, "2 steps are ready; they are"),
        ("running", "success", "running", ["b"], False, "1 step is ready."),
        ("running", "pending", "pending", [], False, "Nothing is ready; record the steps"),
        ("succeeded", "success", "success", [], True, "The run succeeded."),
        ("failed", "failure", "success", [], True, "The run failed. Ask the user before"),
        ("rolling_back", "success", "running", ["b"], False, "Rolling back: 1 step is ready."),
        ("cancelled", "cancelled", "cancelled", [], True, "The run was cancelled."),
    ],
)
def test_next_report(run: str, a: str, b: str, ready: list[str], done: bool, message: str) -> None:
    report = next_report(None, _info(run), WF, _state(run, a, b))
    assert [t.step for t in report.ready] == ready
    assert report.done is done
    assert report.message.startswith(message)
    assert (report.run_id, report.workflow, report.status) == ("R1", "wf", run)
    if run == "failed":
        assert "`agentops-lite run rollback R1`" in report.message
