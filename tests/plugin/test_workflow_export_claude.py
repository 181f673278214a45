"""An exported bundle in the real Claude Code: validates, installs with its dependencies, runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.claude_code import ClaudeRunner
from tests.fake_workflow_api import WorkflowAPI
from tests.install.dep_fixtures import write_all

pytestmark = [pytest.mark.claude, pytest.mark.slow]

Cli = Callable[..., Result]
FLOW: dict[str, Any] = {
    "version": 1,
    "name": "ship it",
    "description": "build, check, test, deploy",
    "steps": [
        {"type": "step", "id": "build", "plugin": "util", "marketplace": "alpha",
         "skill": "format", "instructions": "Build.",
         "rollback": {"plugin": "util", "marketplace": "alpha", "instructions": "Unbuild."}},
        {"type": "parallel", "branches": [
            {"type": "step", "id": "lint", "plugin": "lib", "marketplace": "alpha",
             "instructions": "Lint what ${build.output} made.",
             "rollback": {"instructions": "Unlint."}},
            {"type": "step", "id": "scan", "plugin": "shared", "marketplace": "beta",
             "instructions": "Scan."},
        ]},
        {"type": "step", "id": "test", "plugin": "util", "marketplace": "alpha",
         "outputs": ["passed"], "retry": 1, "instructions": "Test."},
        {"type": "conditional", "if": "test.passed",
         "then": [{"type": "step", "id": "deploy", "plugin": "app", "marketplace": "alpha",
                   "instructions": "Deploy.", "on_failure": "rollback"}],
         "else": [{"type": "step", "id": "debug", "plugin": "lib", "marketplace": "alpha",
                   "instructions": "Debug ${test.output}."}]},
    ],
}  # fmt: skip
WORKFLOW = "ship-it:ship-it"


@pytest.fixture
def installed_bundle(
    cli: Cli, claude: ClaudeRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    monkeypatch.setenv("AGENTOPS_OFFLINE", "1")
    roots = write_all(tmp_path / "fixtures")
    for root in roots.values():
        assert cli("marketplace", "add", str(root)).exit_code == 0
    wf = tmp_path / "wf.json"
    wf.write_text(json.dumps(FLOW))
    out = tmp_path / "bundle"
    r = cli("workflow", "export", str(wf), "-o", str(out), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    doc: dict[str, Any] = json.loads(r.stdout)
    report = json.loads(
        claude.run("plugin", "validate", str(out / "plugins/ship-it"), "--json").stdout
    )
    assert report["success"] is True
    for item in report["contents"]:
        assert item["errors"] == [] and item["warnings"] == [], item
    listed = claude.run("plugin", "validate", str(out / "plugins/ship-it")).stdout
    assert f"workflows: {WORKFLOW}" in listed
    for argv in doc["install_commands"]:  # the dependencies' marketplaces, the bundle's, install
        claude.run(*argv[1:])
    ids = {p["id"] for p in json.loads(claude.run("plugin", "list", "--json").stdout)}
    assert {"ship-it@ship-it-marketplace", "util@alpha", "lib@alpha", "shared@beta",
            "app@alpha"} <= ids  # fmt: skip
    return doc


def run(claude: ClaudeRunner, **answers: list[dict[str, Any]]) -> WorkflowAPI:
    with WorkflowAPI(workflow=WORKFLOW, answers=answers, delay=1.5) as api:
        done = claude.prompt("/ship-it:ship-it", api.url, "--allowedTools", "Workflow", timeout=300)
        assert done.returncode == 0, done.stderr
    return api


def ok(**fields: Any) -> dict[str, Any]:
    return {"status": "success", "output": fields.pop("output", "fine"), **fields}


def test_exported_bundle_runs_each_step_as_an_agent_in_planned_order(
    claude: ClaudeRunner, installed_bundle: dict[str, Any]
) -> None:
    api = run(claude, build=[ok(output="ARTIFACT-42")], test=[ok(passed=True)])
    order = api.order()
    assert order[0] == "build" and set(order[1:3]) == {"lint", "scan"}
    assert order[3:] == ["test", "deploy"]
    assert api.overlapped("lint", "scan")  # the parallel branches were in flight together
    lint = next(c for c in api.calls if c.step == "lint")
    assert "Lint what ARTIFACT-42 made." in lint.prompt
    build = next(c for c in api.calls if c.step == "build")
    assert "Use the skill util:format (plugin util@alpha)" in build.prompt

    # The tested step reports failure: the conditional's other branch runs.
    api = run(claude, test=[ok(passed=False, output="2 tests red")])
    assert api.order()[3:] == ["test", "debug"]
    assert "Debug 2 tests red." in api.calls[-1].prompt

    # A retry, then a failed deploy: rollback steps of completed steps in reverse order.
    api = run(claude, test=[{"status": "failure"}, ok(passed=True)], deploy=[{"status": "failure"}])
    assert api.order()[3:] == ["test", "test", "deploy", "lint-rollback", "build-rollback"]
