"""`workflow schema|validate|show` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentops_lite.workflow.model import Workflow

Cli = Callable[..., Result]


def test_cli_workflow_schema_is_json_schema(cli: Cli) -> None:
    r = cli("workflow", "schema")
    assert r.exit_code == 0
    assert cli("workflow", "schema", "--json").stdout == r.stdout
    doc = json.loads(r.stdout)
    assert doc["properties"]["version"]["const"] == 1
    assert (
        "ConditionalNode" in doc["$defs"] and "if" in doc["$defs"]["ConditionalNode"]["properties"]
    )


def test_cli_workflow_validate_exit_codes(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "version": 1,
                "name": "x",
                "steps": [{"type": "step", "id": "a"}, {"type": "step", "id": "a"}],
            }
        )
    )
    r = cli("workflow", "validate", str(bad), "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and doc["problems"][0]["path"] == "steps[1].id"
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    r = cli("workflow", "validate", str(broken))
    assert r.exit_code == 1 and "invalid JSON" in r.stdout


def test_cli_workflow_validate_an_unreadable_file_is_a_usage_error(
    cli: Cli, tmp_path: Path
) -> None:
    for path in (tmp_path / "missing.json", tmp_path):
        r = cli("workflow", "validate", str(path))
        assert r.exit_code == 2, r.stdout + r.stderr
        assert r.stderr.startswith(f"error: cannot read {path}: ")


def test_cli_workflow_plan_refuses_bad_output_paths_and_leaves_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    folder = out / "wf.json"
    folder.mkdir(parents=True)
    for target, says in (
        (folder, "is a directory"),
        (out / "no" / "wf.json", "does not exist"),
    ):
        r = cli("workflow", "plan", "review my code", "-o", str(target))
        assert r.exit_code == 2, r.stdout + r.stderr
        [line, hint] = r.stderr.splitlines()
        assert line.startswith("error: ") and says in line and hint.startswith("hint: ")
    assert [p.name for p in out.rglob("*")] == ["wf.json"]  # no temp file, no new folder


def test_cli_workflow_plan_without_a_topic(cli: Cli) -> None:
    assert cli("workflow", "plan", "  ").exit_code == 2
    r = cli("workflow", "plan", "zzqxqzzq", "--json")
    assert r.exit_code == 0, r.stderr
    steps = json.loads(r.stdout)["steps"]
    text = json.dumps(steps)
    # Nothing matches the intent: every step is instructions, none names a plugin.
    assert steps and '"plugin"' not in text.replace('"plugin": null', "")


def test_cli_workflow_show_json_counts(cli: Cli) -> None:
    path = Path(__file__).resolve().parents[2] / "examples" / "parallel-analysis.json"
    r = cli("workflow", "show", str(path), "--json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["steps"], doc["critical_path"]) == (4, 2)
    Workflow.model_validate(doc["workflow"])  # the dump round-trips


def test_cli_workflow_start_refuses_an_invalid_file(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"version": 1, "name": "x", "steps": [{"type": "step", "id": "a", "retry": -1}]})
    )
    r = cli("run", "start", str(bad))
    assert r.exit_code == 1 and "steps[0].retry" in r.stderr


def test_a_workflow_with_nothing_to_run_is_refused(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"workflow": "sequential"}))
    r = cli("workflow", "validate", str(empty), "--json")
    assert r.exit_code == 1, r.stdout + r.stderr
    [problem] = json.loads(r.stdout)["problems"]
    assert (problem["severity"], problem["code"]) == ("error", "empty")
    r = cli("run", "start", str(empty))
    assert r.exit_code == 1 and "nothing to run" in r.stderr
    assert json.loads(cli("run", "list", "--json").stdout)["runs"] == []
    # One step is enough to run.
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"workflow": "sequential", "plugins": ["a"]}))
    assert cli("workflow", "validate", str(one)).exit_code == 0


@pytest.mark.parametrize("columns", [60, 80, 120, 200])
def test_cli_plan_never_splits_a_plugin_or_a_usage(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    goal = "write terraform for an AWS VPC, review it for security, then deploy with github actions"
    steps = json.loads(cli("workflow", "plan", goal, "--json").stdout)["steps"]
    r = cli("workflow", "plan", goal)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    used = [s for s in steps if s.get("plugin")]
    assert used
    table = "┏" in r.stdout
    for s in used:
        whole = s["plugin"] if table else f"{s['plugin']}@{s['marketplace']}"
        assert any(whole in line for line in lines), r.stdout
    assert all(len(line) <= columns for line in lines if "│" in line or "┃" in line), r.stdout
    # No line the terminal would have to break, but a name longer than the width itself.
    names = {f"{s['plugin']}@{s['marketplace']}" for s in used}
    too_long = [line for line in lines if len(line) > columns]
    assert all(any(n in line and len(n) + 4 >= len(line) for n in names) for line in too_long), (
        too_long
    )
    # A table only where every name and usage fits its cell whole; a stacked list otherwise.
    if columns <= 80:
        assert not table, r.stdout
    if columns >= 200:
        assert table, r.stdout
