"""Workflow analytics: run rows written as the run store documents them, figures checked by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

# (run id, workflow, status, finished?, steps: (step id, kind, plugin, marketplace, status,
# attempts, [outcome of each recorded attempt]))
RUNS = [
    ("r1", "deploy", "succeeded", True, [
        ("build", "step", "build", "m", "success", 1, ["success"]),
        ("test", "step", "test", "m", "success", 3, ["failure", "failure", "success"]),
    ]),
    ("r2", "deploy", "succeeded", True, [
        ("build", "step", "build", "m", "success", 1, ["success"]),
        ("test", "step", "test", "m", "success", 1, ["success"]),
    ]),
    ("r3", "deploy", "failed", True, [
        ("build", "step", "build", "m", "success", 1, ["success"]),
        ("test", "step", "test", "m", "failure", 2, ["failure", "failure"]),
        ("undo-build", "rollback", "build", "m", "success", 1, ["success"]),
    ]),
    ("r4", "audit", "succeeded", True, [
        ("sec", "step", "sec", "x", "success", 1, ["success"]),
        ("perf", "step", "perf", "x", "success", 1, ["success"]),
        ("lint", "step", "lint", "x", "success", 1, ["success"]),
    ]),
    ("r5", "deploy", "running", False, [
        ("build", "step", "build", "m", "running", 1, []),
    ]),
]  # fmt: skip


@pytest.fixture
def runs_catalog() -> None:
    from agentops_lite.analytics.run_stats import has_run_tables
    from agentops_lite.catalog.store import Catalog

    with Catalog.open() as cat:
        assert has_run_tables(cat.conn)
        c = cat.conn
        for run_id, workflow, status, finished, steps in RUNS:
            c.execute(
                "INSERT INTO runs (id, workflow_name, workflow_hash, status, inputs_json, "
                "workflow_json, state_json, steps_total, created_at, updated_at, finished_at) "
                "VALUES (?, ?, ?, ?, '{}', '{}', '{}', ?, 't', 't', ?)",
                (run_id, workflow, workflow, status, len(steps), "t" if finished else None),
            )
            for step_id, kind, plugin, market, st, attempts, outcomes in steps:
                c.execute(
                    "INSERT INTO run_steps (run_id, step_id, kind, plugin, marketplace, status, "
                    "attempts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (run_id, step_id, kind, plugin, market, st, attempts),
                )
                c.executemany(
                    "INSERT INTO run_events (run_id, workflow_name, step_id, kind, plugin, "
                    "marketplace, attempt, status, recorded_at) VALUES (?,?,?,?,?,?,?,?,'t')",
                    [
                        (run_id, workflow, step_id, kind, plugin, market, n + 1, outcome)
                        for n, outcome in enumerate(outcomes)
                    ],
                )


def test_stats_workflow_figures(runs_catalog: None, cli: Callable[..., Result]) -> None:
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    w = json.loads(result.stdout)["workflows"]
    assert w["runs"] == 5
    assert {c["name"]: c["count"] for c in w["by_status"]} == {
        "failed": 1,
        "running": 1,
        "succeeded": 3,
    }
    assert w["success_rate"] == pytest.approx(3 / 4)
    per_workflow = {r["name"]: (r["runs"], r["succeeded"]) for r in w["per_workflow"]}
    assert per_workflow == {"deploy": (3, 2), "audit": (1, 1)}
    per_plugin = {r["name"]: (r["runs"], r["succeeded"]) for r in w["per_plugin"]}
    assert per_plugin["test"] == (6, 2)  # every recorded attempt counts
    assert w["combinations"] == [
        {"plugins": ["build@m", "test@m"], "runs": 3},
        {"plugins": ["lint@x", "perf@x", "sec@x"], "runs": 1},
    ]
    assert w["median_steps"] == 2.0  # finished runs: 2, 2, 2, 3 (rollbacks are not steps)
    assert w["median_retries"] == 0.5  # 2, 0, 1, 0


def test_stats_workflow_human_and_report(
    runs_catalog: None, cli: Callable[..., Result], tmp_path: Path
) -> None:
    human = cli("stats")
    assert human.exit_code == 0, human.stdout + human.stderr
    for text in ("Workflow runs", "Per workflow", "build@m + test@m", "75%"):
        assert text in human.stdout
    report = cli("report", "-o", str(tmp_path / "r.html"))
    assert report.exit_code == 0, report.stdout + report.stderr
    html = (tmp_path / "r.html").read_text()
    assert "Workflow success rate" in html and "no workflow runs yet" not in html
    assert "deploy: 67%" in html


def test_stats_without_runs_reports_zero(cli: Callable[..., Result]) -> None:
    result = cli("stats", "--json")
    w = json.loads(result.stdout)["workflows"]
    assert w is None or (w["runs"] == 0 and w["median_steps"] is None)


def test_stats_after_real_runs(cli: Callable[..., Result]) -> None:
    """Runs recorded by the real run engine (the workflow tests' driver) show up in stats."""
    from tests.workflow.test_runs import all_succeed, drive, start

    for example in ("build-test-deploy", "parallel-analysis"):
        rid = start(cli, example, "--input", "environment=prod")
        assert drive(cli, rid, all_succeed)["done"]
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    w = json.loads(result.stdout)["workflows"]
    assert w["runs"] == 2 and w["success_rate"] == 1.0
    assert len(w["per_workflow"]) == 2
    assert all(r["success_rate"] == 1.0 for r in w["per_workflow"] + w["per_plugin"])
    assert w["combinations"] and w["median_steps"] >= 3 and w["median_retries"] == 0
