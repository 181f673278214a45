"""`workflow schema|validate|show` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from agentops_lite.workflow.model import Workflow

Cli = Callable[..., Result]


def test_cli_workflow_schema_is_json_schema(cli: Cli) -> None:
    r = cli("workflow", "schema")
    assert r.exit_code == 0
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
