"""Every command's real --json output validates against `agentops-lite schema COMMAND`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import Result

from agentops_lite.cli.contract import COMMANDS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Needs GitHub: validated against the loopback fake in tests/sources/test_find_cli.py.
ELSEWHERE = {"marketplace find"}


def _doc(result: Result, code: int = 0) -> Any:
    assert result.exit_code == code, result.stdout + result.stderr
    return json.loads(result.stdout)


def _problems(cli: Callable[..., Result], command: str, doc: Any) -> list[str]:
    schema = _doc(cli("schema", *command.split()))
    Draft202012Validator.check_schema(schema)
    found = Draft202012Validator(schema).iter_errors(doc)
    return [f"{command}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def test_every_json_output_matches_its_schema(
    cli: Callable[..., Result], make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    market = make_marketplace(
        "contract-market",
        plugins=[
            {"name": "kube-deploy", "source": "./kube", "description": "Deploy to Kubernetes"},
            {"name": "kube-lint", "source": "./lint", "description": "Lint Kubernetes manifests"},
            {"name": "remote", "source": {"source": "github", "repo": "a/b"}, "description": "x"},
        ],
        files={
            "kube/commands/deploy.md": "---\ndescription: deploy\n---\n",
            "kube/hooks/hooks.json": json.dumps(
                {"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "true"}]}]}}
            ),
            "lint/commands/lint.md": "---\ndescription: lint\n---\n",
        },
    )
    outputs: dict[str, Any] = {}
    outputs["marketplace add"] = _doc(cli("marketplace", "add", str(market), "--json"))
    outputs["refresh"] = _doc(cli("refresh", "--json"))
    outputs["marketplace list"] = _doc(cli("marketplace", "list", "--json"))
    outputs["plugins"] = _doc(cli("plugins", "--json"))
    outputs["discover"] = _doc(cli("discover", "kubernetes deploy", "--json", "--explain"))
    outputs["show"] = _doc(cli("show", "kube-deploy", "--json"))
    outputs["compare"] = _doc(cli("compare", "kube-deploy", "kube-lint", "remote", "--json"))
    outputs["similar"] = _doc(cli("similar", "kube-deploy", "--json"))
    outputs["prime"] = _doc(cli("prime", "deploy to kubernetes and lint it", "--json"))
    outputs["validate"] = _doc(cli("validate", str(market), "--json"))
    outputs["stats"] = _doc(cli("stats", "--json"))
    outputs["report"] = _doc(cli("report", "-o", str(tmp_path / "r.html"), "--json"))
    outputs["marketplace import-claude"] = _doc(cli("marketplace", "import-claude", "--json"))
    outputs["workflow schema"] = _doc(cli("workflow", "schema"))
    wf = str(EXAMPLES / "build-test-deploy.json")
    outputs["workflow validate"] = _doc(cli("workflow", "validate", wf, "--json"))
    outputs["workflow show"] = _doc(cli("workflow", "show", wf, "--json"))
    outputs["workflow plan"] = _doc(cli("workflow", "plan", "deploy to kubernetes", "--json"))
    started = _doc(cli("run", "start", wf, "--json"))
    outputs["run start"] = started
    rid = started["run_id"]
    outputs["run next"] = _doc(cli("run", "next", rid, "--json"))
    step = outputs["run next"]["ready"][0]["step"]
    outputs["run record"] = _doc(
        cli("run", "record", rid, step, "--status", "success", "--output", '{"a": 1}', "--json")
    )
    outputs["run status"] = _doc(cli("run", "status", rid, "--json"))
    outputs["run rollback"] = _doc(cli("run", "rollback", rid, "--json"))
    outputs["run cancel"] = _doc(cli("run", "cancel", rid, "--json"))
    outputs["run list"] = _doc(cli("run", "list", "--json"))
    outputs["defaults status"] = _doc(cli("defaults", "status", "--json"))
    outputs["defaults load"] = _doc(cli("defaults", "load", "--json"))
    outputs["defaults drop"] = _doc(cli("defaults", "drop", "--json"))
    outputs["install-plan"] = _doc(cli("install-plan", "kube-deploy", "--json"))
    planned = tmp_path / "planned.json"
    _doc(cli("workflow", "plan", "deploy to kubernetes", "-o", str(planned), "--json"))
    outputs["workflow export"] = _doc(
        cli("workflow", "export", str(planned), "-o", str(tmp_path / "bundle"), "--json")
    )
    outputs["review"] = _doc(cli("review", "kube-deploy", "--json"))
    outputs["changes"] = _doc(cli("changes", "--json"))
    outputs["marketplace remove"] = _doc(cli("marketplace", "remove", "contract-market", "--json"))
    outputs["error"] = _doc(cli("show", "no-such-plugin", "--json"), code=1)

    assert set(outputs) | ELSEWHERE == set(COMMANDS), "a --json output without a schema test"
    problems = [p for command, doc in outputs.items() for p in _problems(cli, command, doc)]
    assert problems == []


@pytest.mark.parametrize(
    ("command", "doc"),
    [
        ("run start", {"id": "run-1"}),  # the old name of run_id
        ("discover", {"query": "x"}),
        ("run status", {"orchestration_id": "run-1"}),
    ],
)
def test_the_schemas_reject_wrong_shapes(
    cli: Callable[..., Result], command: str, doc: dict[str, Any]
) -> None:
    assert _problems(cli, command, doc)


def test_schema_of_an_unknown_command_is_a_usage_error(cli: Callable[..., Result]) -> None:
    r = cli("schema", "nope")
    assert r.exit_code == 2 and "agentops-lite schema" in r.stderr
    assert "run next" in _doc(cli("schema"))["commands"]
