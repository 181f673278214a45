"""The three examples and a planned goal, exported and run by the real Claude Code runtime.

Their plugins live in GitHub marketplaces (no network here), so the scripts run as project
workflows (`.claude/workflows/`) rather than from the installed bundle; the bundle install
itself is proven on local marketplaces in test_workflow_export_claude.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.claude_code import REPO_ROOT, ClaudeRunner
from tests.fake_workflow_api import WorkflowAPI

pytestmark = [pytest.mark.claude, pytest.mark.slow]

Cli = Callable[..., Result]
PASS = {"status": "success", "passed": True, "output": "green"}
# Workflow file -> (answers, the agents expected, in order; a set = in flight together).
CASES: dict[str, tuple[dict[str, Any], list[str | set[str]]]] = {
    "build-test-deploy": ({"test": [PASS]}, ["build", "test", "deploy"]),
    "parallel-analysis": ({}, [{"security", "performance", "code-quality"}, "report"]),
    "test-gate": (
        {"test-results": [{"status": "success", "passed": False}]}, ["test-results", "debug", "fix"]
    ),
}  # fmt: skip


def grouped(order: list[str], expected: list[str | set[str]]) -> bool:
    at = 0
    for item in expected:
        width = len(item) if isinstance(item, set) else 1
        got = order[at : at + width]
        if (set(got) if isinstance(item, set) else got[0] if got else None) != item:
            return False
        at += width
    return at == len(order)


def export_into(cli: Cli, wf: Path, out: Path, project: Path) -> str:
    r = cli("workflow", "export", str(wf), "-o", str(out), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    (only,) = doc["workflows"]
    target = project / ".claude" / "workflows" / Path(only["file"]).name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((out / only["file"]).read_text())
    return str(only["name"])


def run(claude: ClaudeRunner, project: Path, name: str, answers: dict[str, Any]) -> WorkflowAPI:
    with WorkflowAPI(workflow=name, answers=answers, delay=1.0) as api:
        done = claude.prompt(
            f"Run the {name} workflow.", api.url, "--allowedTools", "Workflow", cwd=project,
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    return api


@pytest.mark.parametrize("example", sorted(CASES))
def test_example_workflows_run_natively(
    cli: Cli, claude: ClaudeRunner, tmp_path: Path, example: str
) -> None:
    project = claude.home / "project"
    name = export_into(cli, REPO_ROOT / "examples" / f"{example}.json", tmp_path / "out", project)
    answers, expected = CASES[example]
    api = run(claude, project, name, answers)
    assert grouped(api.order(), expected), api.order()


def test_a_planned_goal_runs_natively(cli: Cli, claude: ClaudeRunner, tmp_path: Path) -> None:
    wf = tmp_path / "planned.json"
    r = cli("workflow", "plan", "ship the payments API to production", "-o", str(wf))
    assert r.exit_code == 0, r.stdout + r.stderr
    doc = json.loads(wf.read_text())
    project = claude.home / "project"
    name = export_into(cli, wf, tmp_path / "out", project)
    from agentops_lite.workflow.model import Workflow, iter_steps

    steps = [s for _p, _k, s in iter_steps(Workflow.model_validate(doc).steps, "steps")]
    tested = {s.id: [PASS] for s in steps}  # every step succeeds and reports passed
    order = run(claude, project, name, tested).order()
    assert order and order[0] == steps[0].id
    assert len(order) == len(set(order)) and set(order) <= {s.id for s in steps}
