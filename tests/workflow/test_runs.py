"""Runs through the real CLI: each example to completion, failure paths, refusals, rollback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
Cli = Callable[..., Result]
# decide(step id, attempt) -> (status, output) ; None output means no --output
Decide = Callable[[str, int], tuple[str, Any]]


def ok(result: Result, code: int = 0) -> Any:
    assert result.exit_code == code, result.stdout + result.stderr
    return json.loads(result.stdout) if result.stdout.strip().startswith("{") else None


def start(cli: Cli, name: str, *args: str) -> str:
    return str(ok(cli("run", "start", str(EXAMPLES / f"{name}.json"), "--json", *args))["run_id"])


def drive(cli: Cli, rid: str, decide: Decide, log: list[str] | None = None) -> dict[str, Any]:
    """Loop run next / run record, doing every ready step, until the run says it is done."""
    for _ in range(50):
        nxt = ok(cli("run", "next", rid, "--json"))
        if nxt["done"]:
            return dict(nxt)
        assert nxt["ready"], nxt
        for task in nxt["ready"]:
            status, output = decide(task["step"], task["attempt"])
            args = ["run", "record", rid, task["step"], "--status", status, "--json"]
            args += ["--attempt", str(task["attempt"])]
            if output is not None:
                args += ["--output", json.dumps(output)]
            if log is not None:
                log.append(f"{task['step']}:{status}")
            ok(cli(*args))
    raise AssertionError("run never finished")


def status(cli: Cli, rid: str) -> dict[str, Any]:
    return dict(ok(cli("run", "status", rid, "--json")))


def all_succeed(sid: str, attempt: int) -> tuple[str, Any]:
    if sid.startswith("test"):
        return "success", {"passed": True}
    if sid == "report":
        return "success", {"summary": "3 findings"}
    return "success", f"{sid}-out"


def test_runs_build_test_deploy_succeeds(cli: Cli) -> None:
    rid = start(cli, "build-test-deploy", "--input", "environment=prod")
    log: list[str] = []
    assert drive(cli, rid, all_succeed, log)["status"] == "succeeded"
    assert log == ["build:success", "test:success", "deploy:success"]
    doc = status(cli, rid)
    assert doc["run_id"] == rid
    assert doc["state"]["deploy"]["inputs"] == {"artifact": None, "environment": "prod"}
    assert doc["state"]["test"]["passed"] is True  # output fields addressable as ${test.passed}


def test_runs_deploy_failure_retries_then_rolls_back(cli: Cli) -> None:
    rid = start(cli, "build-test-deploy")

    def decide(sid: str, attempt: int) -> tuple[str, Any]:
        if sid == "build":
            return "success", "build/dist"
        return ("failure", None) if sid == "deploy" else all_succeed(sid, attempt)

    log: list[str] = []
    final = drive(cli, rid, decide, log)
    assert final["status"] == "rolled_back"
    # deploy: two attempts (retry 1); it never completed, so only build is undone.
    assert log == [
        "build:success", "test:success", "deploy:failure", "deploy:failure",
        "build-rollback:success",
    ]  # fmt: skip
    doc = status(cli, rid)
    assert doc["state"]["deploy"]["attempts"] == 2
    assert doc["state"]["build-rollback"]["status"] == "success"
    # The state and the message say what was undone, and which rollback was left alone.
    assert doc["rollback"]["queued"] == ["build-rollback"]
    assert set(doc["rollback"]["declared"]) == {"build-rollback", "deploy-rollback"}
    assert "deploy never completed" in doc["rollback"]["not_run"]["deploy-rollback"]
    assert final["message"].startswith("The run was rolled back: undone by build-rollback;")
    assert "deploy-rollback not run" in final["message"]


def test_a_failure_with_nothing_to_undo_says_nothing_to_roll_back(cli: Cli, tmp_path: Path) -> None:
    doc = {
        "version": 1,
        "name": "deploy-only",
        "steps": [
            {"type": "step", "id": "lint", "instructions": "lint"},
            {
                "type": "step",
                "id": "deploy",
                "instructions": "deploy",
                "retry": 1,
                "on_failure": "rollback",
                "rollback": {"instructions": "restore the previous release"},
            },
        ],
    }
    path = tmp_path / "deploy-only.json"
    path.write_text(json.dumps(doc))
    rid = str(ok(cli("run", "start", str(path), "--json"))["run_id"])
    final = drive(
        cli, rid, lambda sid, _a: ("failure", None) if sid == "deploy" else ("success", None)
    )
    assert final["status"] == "failed"
    assert "nothing to roll back" in final["message"] and "rolled back" not in final["message"]
    assert "deploy-rollback: deploy never completed" in final["reason"]
    state = status(cli, rid)
    assert state["status"] == "failed" and state["rollback"]["queued"] == []
    # Asked for by hand, it is refused and nothing changes.
    r = cli("run", "rollback", rid)
    assert r.exit_code != 0 and "nothing to roll back" in r.stderr
    assert status(cli, rid)["status"] == "failed"


def test_runs_rollback_instructions_resolve_references(cli: Cli) -> None:
    rid = start(cli, "build-test-deploy")
    ok(cli("run", "record", rid, "build", "--status", "success", "--output", '"build/dist"'))
    ok(cli("run", "record", rid, "test", "--status", "success", "--output", '{"passed": true}'))
    ok(cli("run", "record", rid, "deploy", "--status", "success", "--output", '"v42"'))
    nxt = ok(cli("run", "rollback", rid, "--json"))
    assert [t["step"] for t in nxt["ready"]] == ["deploy-rollback"]  # latest first
    assert "before v42" in nxt["ready"][0]["instructions"]
    ok(cli("run", "record", rid, "deploy-rollback", "--status", "success"))
    nxt = ok(cli("run", "next", rid, "--json"))
    assert [t["step"] for t in nxt["ready"]] == ["build-rollback"]
    assert "build/dist" in nxt["ready"][0]["instructions"]


def test_runs_parallel_analysis_hands_out_branches_together(cli: Cli) -> None:
    rid = start(cli, "parallel-analysis")
    nxt = ok(cli("run", "next", rid, "--json"))
    assert sorted(t["step"] for t in nxt["ready"]) == ["code-quality", "performance", "security"]
    assert "parallel" in nxt["message"]

    def decide(sid: str, attempt: int) -> tuple[str, Any]:
        return ("failure", None) if sid == "performance" else all_succeed(sid, attempt)

    assert drive(cli, rid, decide)["status"] == "succeeded"  # on_failure: continue
    doc = status(cli, rid)
    branches = doc["state"]["report"]["inputs"]["branches"]
    assert branches["performance"]["status"] == "failure"
    assert branches["security"]["output"] == "security-out"


@pytest.mark.parametrize(("passed", "expected"), [(True, ["deploy"]), (False, ["debug", "fix"])])
def test_runs_test_gate_chooses_a_branch(cli: Cli, passed: bool, expected: list[str]) -> None:
    rid = start(cli, "test-gate")

    def decide(sid: str, attempt: int) -> tuple[str, Any]:
        if sid == "test-results":
            return "success", {"passed": passed}
        return "success", f"{sid}-out"

    log: list[str] = []
    assert drive(cli, rid, decide, log)["status"] == "succeeded"
    assert [e.split(":")[0] for e in log] == ["test-results", *expected]
    doc = status(cli, rid)
    skipped = {"deploy"} if not passed else {"debug", "fix"}
    assert {k for k, v in doc["state"].items() if v["status"] == "skipped"} == skipped


def test_runs_test_gate_failure_retries_then_stops(cli: Cli) -> None:
    rid = start(cli, "test-gate")
    log: list[str] = []
    final = drive(cli, rid, lambda sid, attempt: ("failure", None), log)
    assert final["status"] == "failed"
    assert log == ["test-results:failure", "test-results:failure"]


def test_runs_seed_conditional_reads_a_run_input(cli: Cli, seed_workflows: Path) -> None:
    seed = seed_workflows / "conditional.json"
    rid = ok(cli("run", "start", str(seed), "--input", "test-results.passed=false", "--json"))[
        "run_id"
    ]
    nxt = ok(cli("run", "next", rid, "--json"))
    assert [t["step"] for t in nxt["ready"]] == ["debug-assistant"]


def test_runs_refusals_change_nothing(cli: Cli) -> None:
    rid = start(cli, "build-test-deploy")
    before = status(cli, rid)
    r = cli("run", "record", rid, "nope", "--status", "success")
    assert r.exit_code == 1 and "no step 'nope'" in r.stderr
    r = cli("run", "record", rid, "deploy", "--status", "success")
    assert r.exit_code == 1 and "not running" in r.stderr
    r = cli("run", "record", rid, "build", "--status", "success", "--output", "{not json")
    assert r.exit_code == 2 and "not valid JSON" in r.stderr
    r = cli("run", "record", rid, "build", "--status", "done")
    assert r.exit_code == 2
    assert status(cli, rid) == before
    ok(cli("run", "record", rid, "build", "--status", "success", "--output", '"x"'))
    r = cli("run", "record", rid, "test", "--status", "success", "--output", '{"ok": 1}')
    assert r.exit_code == 1 and "passed" in r.stderr  # declared output missing
    assert status(cli, rid)["state"]["test"]["status"] == "running"


def test_runs_recording_twice_is_harmless(cli: Cli) -> None:
    rid = start(cli, "build-test-deploy")
    args = ("run", "record", rid, "build", "--status", "success", "--output", '"x"', "--json")
    first = ok(cli(*args))
    assert first["changed"] is True
    again = ok(cli(*args))
    assert again["changed"] is False
    r = cli("run", "record", rid, "build", "--status", "failure")
    assert r.exit_code == 1 and "already recorded" in r.stderr


def test_runs_repeated_failure_report_is_not_a_second_attempt(cli: Cli) -> None:
    rid = start(cli, "build-test-deploy")
    args = ("run", "record", rid, "build", "--status", "failure", "--error", "boom", "--json")
    assert ok(cli(*args))["retrying"] is True
    assert ok(cli(*args))["changed"] is False  # duplicate: attempt 2 was not handed out yet
    ok(cli("run", "next", rid, "--json"))
    assert ok(cli(*args))["status"] == "failure"  # now it is attempt 2's failure
    assert status(cli, rid)["status"] == "failed"


def test_runs_cancel_then_list(cli: Cli) -> None:
    rid = start(cli, "parallel-analysis")
    ok(cli("run", "cancel", rid))
    r = cli("run", "record", rid, "security", "--status", "success")
    assert r.exit_code == 1
    runs = ok(cli("run", "list", "--json"))["runs"]
    assert [(r["run_id"], r["status"]) for r in runs] == [(rid, "cancelled")]
    assert ok(cli("run", "next", "last", "--json"))["done"] is True


def test_runs_success_rates_per_workflow_and_plugin(cli: Cli) -> None:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.workflow.store import success_rates

    drive(cli, start(cli, "build-test-deploy"), all_succeed)
    drive(cli, start(cli, "test-gate"), lambda sid, attempt: ("failure", None))
    with Catalog.open() as cat:
        rates = success_rates(cat)
    by_wf = {r.name: (r.succeeded, r.total) for r in rates["workflows"]}
    assert by_wf == {"build-test-deploy": (1, 1), "test-gate": (0, 1)}
    by_plugin = {r.name: (r.succeeded, r.total) for r in rates["plugins"]}
    assert by_plugin["unit-testing"] == (1, 3)  # one success, two failed attempts


def test_runs_human_output(cli: Cli) -> None:
    rid = start(cli, "parallel-analysis")
    r = cli("run", "next", rid)
    assert r.exit_code == 0 and "security" in r.stdout and "record:" in r.stdout
    r = cli("run", "status", rid)
    assert r.exit_code == 0 and "running" in r.stdout
    r = cli("workflow", "show", str(EXAMPLES / "test-gate.json"))
    assert r.exit_code == 0 and "critical path 3 step(s)" in r.stdout


def test_runs_status_escapes_the_workflow_name(cli: Cli, tmp_path: Path) -> None:
    wf = tmp_path / "wf.json"
    name = "wf\x1b]0;PWNED\x07 \x1b[31mred\u202e"
    wf.write_text(json.dumps({"version": 1, "name": name, "steps": [{"type": "step", "id": "a"}]}))
    ok(cli("run", "start", str(wf), "--json"))
    r = cli("run", "status", "last")
    assert r.exit_code == 0 and "wf]0;PWNED" in r.stdout
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout and "\u202e" not in r.stdout


def test_runs_unreadable_file_or_bad_input_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    # README: exit 2 for a bad value or an unreadable input file (1 is a refused workflow).
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    for path in (tmp_path / "missing.json", tmp_path, broken):
        r = cli("run", "start", str(path), "--json")
        assert r.exit_code == 2, r.stderr
        assert json.loads(r.stdout)["error"]["exit_code"] == 2
        assert cli("workflow", "show", str(path)).exit_code == 2
    example = str(EXAMPLES / "build-test-deploy.json")
    for bad in ("env", "=x"):
        r = cli("run", "start", example, "--input", bad)
        assert r.exit_code == 2 and "NAME=VALUE" in r.stderr
    r = cli("run", "start", example, "--input", "a=1", "--input", "a.b=2")
    assert r.exit_code == 2 and "clashes" in r.stderr
    assert ok(cli("run", "list", "--json"))["runs"] == []


def test_runs_empty_run_id_is_a_usage_error(cli: Cli) -> None:
    result = cli("run", "next", "", "--json")
    assert result.exit_code == 2 and "empty run id" in result.stderr
    assert json.loads(result.stdout)["error"]["type"] == "UsageError"
