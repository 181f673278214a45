"""The compiled workflow scripts, run under node with a stand-in runtime: order, branches, data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentops_lite.errors import WorkflowError
from agentops_lite.workflow.export import Component, compile_workflow
from agentops_lite.workflow.model import Workflow
from tests.workflow.js_harness import run_script

FLOW: dict[str, Any] = {
    "version": 1,
    "name": "ship it",
    "description": "build, check, test, deploy",
    "steps": [
        {"type": "step", "id": "build", "plugin": "util", "skill": "format",
         "instructions": "Build.", "rollback": {"plugin": "util", "instructions": "Unbuild."}},
        {"type": "parallel", "branches": [
            {"type": "step", "id": "lint", "plugin": "lib", "agent": "linter",
             "instructions": "Lint what ${build.output} made.",
             "rollback": {"instructions": "Unlint."}},
            {"type": "step", "id": "scan", "plugin": "shared", "command": "scan",
             "instructions": "Scan."},
        ]},
        {"type": "step", "id": "test", "plugin": "util", "outputs": ["passed"], "retry": 1,
         "instructions": "Test."},
        {"type": "conditional", "if": "test.passed == true and inputs.env != 'prod'",
         "then": [{"type": "step", "id": "deploy", "plugin": "app", "instructions": "Deploy.",
                   "on_failure": "rollback"}],
         "else": [{"type": "step", "id": "debug", "plugin": "lib",
                   "instructions": "Debug.", "inputs": {"report": "${test.output}"}}]},
    ],
}  # fmt: skip
COMPONENTS = {
    k: Component(p, m)
    for k, p, m in [
        ("build", "util", "alpha"), ("build-rollback", "util", "alpha"), ("lint", "lib", "alpha"),
        ("scan", "shared", "beta"), ("test", "util", "alpha"), ("deploy", "app", "alpha"),
        ("debug", "lib", "alpha"),
    ]
}  # fmt: skip


def ok(**fields: Any) -> dict[str, Any]:
    return {"status": "success", "summary": "done", "output": fields.pop("output", "o"), **fields}


def run(tmp_path: Path, answers: dict[str, Any], doc: dict[str, Any] = FLOW) -> dict[str, Any]:
    wf = Workflow.model_validate(doc)
    (part,) = compile_workflow(wf, "ship-it", COMPONENTS)
    return run_script(part.script, answers, tmp_path)


def labels(doc: dict[str, Any]) -> list[str]:
    return [c["label"] for c in doc["calls"]]


def test_export_runs_steps_in_planned_order_with_parallel_branches_together(
    tmp_path: Path,
) -> None:
    doc = run(tmp_path, {"build": [ok(output="ARTIFACT-7")], "test": [ok(passed=True)]})
    assert labels(doc) == ["build", "lint", "scan", "test", "deploy"]
    lint, scan = doc["calls"][1], doc["calls"][2]
    assert lint["start"] < scan["end"] and scan["start"] < lint["end"]  # in flight together
    assert "Lint what ARTIFACT-7 made." in lint["prompt"]  # ${build.output} passed on
    assert "Use the skill util:format (plugin util@alpha)" in doc["calls"][0]["prompt"]
    assert "Delegate to the subagent lib:linter" in lint["prompt"]
    assert "Run the slash command /shared:scan (plugin shared@beta)" in scan["prompt"]
    assert doc["calls"][3]["schema"]["properties"]["passed"]  # the tested field is structured
    assert doc["result"]["status"] == "succeeded"
    assert doc["meta"]["name"] == "ship-it"
    assert [p["title"] for p in doc["meta"]["phases"]] == doc["phases"]


def test_export_conditional_takes_the_other_branch_when_the_test_fails(tmp_path: Path) -> None:
    doc = run(tmp_path, {"test": [ok(passed=False, output={"failures": ["t1"]})]})
    assert labels(doc) == ["build", "lint", "scan", "test", "debug"]
    assert '{"report":{"failures":["t1"]}}' in doc["calls"][-1]["prompt"]


def test_export_retry_is_a_bounded_loop(tmp_path: Path) -> None:
    failing = {"status": "failure", "summary": "red"}
    doc = run(tmp_path, {"test": [failing, ok(passed=True)]})
    assert labels(doc) == ["build", "lint", "scan", "test", "test #2", "deploy"]
    doc = run(tmp_path, {"test": [failing, failing]})
    assert labels(doc) == ["build", "lint", "scan", "test", "test #2"]
    assert doc["result"] == {**doc["result"], "status": "failed", "failed": "test"}


def test_export_missing_declared_output_counts_as_failure(tmp_path: Path) -> None:
    doc = run(tmp_path, {"test": [ok()]})  # success without `passed`
    assert labels(doc)[-2:] == ["test", "test #2"] and doc["result"]["status"] == "failed"


def test_export_rollback_undoes_completed_steps_in_reverse(tmp_path: Path) -> None:
    doc = run(tmp_path, {"test": [ok(passed=True)], "deploy": [{"status": "failure"}]})
    assert labels(doc) == ["build", "lint", "scan", "test", "deploy", "lint-rollback",
                           "build-rollback"]  # fmt: skip
    assert doc["result"]["status"] == "rolled_back" and doc["result"]["failed"] == "deploy"
    assert "Unbuild." in doc["calls"][-1]["prompt"]


def test_export_a_failed_branch_stops_what_comes_after(tmp_path: Path) -> None:
    doc = run(tmp_path, {"scan": [None]})  # the agent died: agent() gave null
    assert labels(doc) == ["build", "lint", "scan"] and doc["result"]["failed"] == "scan"


def test_export_continue_carries_on(tmp_path: Path) -> None:
    flow = {**FLOW, "steps": [{**FLOW["steps"][0], "on_failure": "continue"}, FLOW["steps"][2]]}
    doc = run(tmp_path, {"build": [{"status": "failure"}], "test": [ok(passed=True)]}, flow)
    assert labels(doc) == ["build", "test"] and doc["result"]["status"] == "succeeded"


def test_export_condition_reads_run_inputs(tmp_path: Path) -> None:
    flow = {**FLOW, "inputs": {"env": {"default": "prod"}}}
    doc = run(tmp_path, {"test": [ok(passed=True)]}, flow)
    assert labels(doc)[-1] == "debug"  # env == 'prod' turns the condition false


HOSTILE = 'x"); process.exit(1); ("\u2028\u2029</script><!-- `${globalThis.x}` */ \\ \n\'y'


def test_export_escapes_hostile_text_as_data(tmp_path: Path) -> None:
    flow = {
        **FLOW,
        "name": HOSTILE,
        "description": HOSTILE,
        "steps": [{"type": "step", "id": "evil", "plugin": HOSTILE, "skill": HOSTILE,
                   "instructions": HOSTILE, "inputs": {HOSTILE: HOSTILE}}],
    }  # fmt: skip
    wf = Workflow.model_validate(flow)
    (part,) = compile_workflow(wf, "evil", {"evil": Component(HOSTILE, HOSTILE)})
    for raw in ("\u2028", "\u2029", "</script", "<!--"):
        assert raw not in part.script
    doc = run_script(part.script, {}, tmp_path)  # `process.exit(1)` never ran: exit 0
    assert doc["meta"]["description"] == HOSTILE
    prompt = doc["calls"][0]["prompt"]
    assert f"skill {HOSTILE}:{HOSTILE}" in prompt  # names are never templates
    # Instructions are templates: `${…}` reads earlier results and inputs only (here: nothing).
    assert HOSTILE.replace("${globalThis.x}", "") in prompt


def test_export_batches_wide_parallel_nodes_to_the_concurrency_limit(tmp_path: Path) -> None:
    branches = [{"type": "step", "id": f"b{i}", "instructions": "x"} for i in range(40)]
    flow = {"version": 1, "name": "wide", "steps": [{"type": "parallel", "branches": branches}]}
    doc = run(tmp_path, {}, flow)
    assert len(doc["calls"]) == 40 and 2 <= doc["maxInflight"] <= 16


def test_export_refuses_plans_over_the_agent_limit() -> None:
    steps = [{"type": "step", "id": f"s{i}", "retry": 10} for i in range(91)]
    wf = Workflow.model_validate({"version": 1, "name": "huge", "steps": steps})
    with pytest.raises(WorkflowError, match="1001 agents.*at most 1000"):
        compile_workflow(wf, "huge", {})


def test_export_splits_at_steps_that_need_a_yes(tmp_path: Path) -> None:
    flow = {**FLOW, "steps": [FLOW["steps"][0], {**FLOW["steps"][2], "confirm": True}]}
    wf = Workflow.model_validate(flow)
    first, second = compile_workflow(wf, "ship-it", COMPONENTS)
    assert (first.name, second.name) == ("ship-it-part1", "ship-it-part2")
    assert second.confirm_before == "test"
    one = run_script(first.script, {"build": [ok(output="B1")]}, tmp_path)
    assert labels(one) == ["build"]
    two = run_script(
        second.script, {"__args__": one["result"], "test": [ok(passed=True)]}, tmp_path
    )
    assert labels(two) == ["test"] and two["result"]["results"]["build"]["output"] == "B1"
