"""Validation: seed shapes accepted as written; every problem carries a path; catalog warnings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.update import add_source
from agentops_lite.workflow.resolve import PluginIndex
from agentops_lite.workflow.validate import check

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def step(sid: str, **extra: Any) -> dict[str, Any]:
    return {"type": "step", "id": sid, "instructions": "do it", **extra}


def wf(*steps: Any, **extra: Any) -> dict[str, Any]:
    return {"version": 1, "name": "t", "steps": list(steps), **extra}


def codes(doc: Any) -> list[tuple[str, str, str]]:
    return [(p.severity, p.code, p.path) for p in check(doc).problems]


@pytest.mark.parametrize("name", ["sequential", "parallel", "conditional"])
def test_validate_accepts_each_seed_shape_as_written(name: str, seed_workflows: Path) -> None:
    path = seed_workflows / f"{name}.json"
    report = check(json.loads(path.read_text()))
    assert report.ok, report.problems
    assert report.format == "seed"
    assert report.workflow is not None


def test_validate_conditional_seed_warns_about_its_outside_value() -> None:
    doc = {"workflow": "conditional", "if": "test-results.passed", "then": ["a"], "else": ["b"]}
    report = check(doc)
    assert report.ok
    assert [(p.code, p.path) for p in report.problems] == [("external-reference", "steps[0].if")]


def test_validate_seed_wait_false_groups_into_parallel() -> None:
    doc = {
        "workflow": "sequential",
        "plugins": [{"id": "a", "wait": False}, {"id": "b", "wait": False}, {"id": "c"}],
    }
    report = check(doc)
    assert report.workflow is not None
    first = report.workflow.steps[0]
    assert first.type == "parallel" and len(first.branches) == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["build-test-deploy", "parallel-analysis", "test-gate"])
def test_validate_examples_are_clean(name: str) -> None:
    report = check(json.loads((EXAMPLES / f"{name}.json").read_text()))
    assert report.ok and report.warnings == 0, report.problems


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (wf(step("a"), step("a")), ("error", "duplicate-id", "steps[1].id")),
        (wf(step("a-b"), step("a_b")), ("error", "duplicate-id", "steps[1].id")),
        (
            wf(step("a", inputs={"x": "${b.output}"}), step("b")),
            ("error", "ref-order", "steps[0].inputs.x"),
        ),
        (
            wf(step("a", inputs={"x": "${zz.output}"})),
            ("error", "unknown-step", "steps[0].inputs.x"),
        ),
        (wf(step("a", instructions="${a.output}")), ("error", "self-ref", "steps[0].instructions")),
        (
            wf({"type": "conditional", "if": "a ==", "then": [step("a")]}),
            ("error", "bad-condition", "steps[0].if"),
        ),
        (wf(step("a", retry=99)), ("error", "schema-less_than_equal", "steps[0].retry")),
        (wf(step("a", on_fial="stop")), ("error", "schema-extra_forbidden", "steps[0].on_fial")),
        (wf(step("a b")), ("error", "schema-string_pattern_mismatch", "steps[0].id")),
        (wf({"type": "loop"}), ("error", "schema-union_tag_invalid", "steps[0]")),
        ({"version": 2, "name": "t", "steps": []}, ("error", "schema-literal_error", "version")),
        (
            wf(step("a", on_failure="rollback")),
            ("warning", "nothing-to-roll-back", "steps[0].on_failure"),
        ),
        (
            wf(step("a", inputs={"x": "${inputs.nope}"}), inputs={"env": {}}),
            ("warning", "undeclared-input", "steps[0].inputs.x"),
        ),
        (
            wf(step("a", outputs=["passed"]), step("b", inputs={"x": "${a.pased}"})),
            ("warning", "undeclared-output", "steps[1].inputs.x"),
        ),
    ],
)
def test_validate_reports_problem_with_path(doc: Any, expected: tuple[str, str, str]) -> None:
    assert expected in codes(doc)


def test_validate_parallel_siblings_cannot_read_each_other() -> None:
    doc = wf(
        {
            "type": "parallel",
            "branches": [step("a"), step("b", inputs={"x": "${a.output}"})],
            "aggregate": step("agg", inputs={"a": "${a.output}", "b": "${b.status}"}),
        },
        step("after", inputs={"x": "${agg.output}"}),
    )
    assert codes(doc) == [("error", "ref-order", "steps[0].branches[1].inputs.x")]


def test_validate_conditional_branches_are_not_guaranteed() -> None:
    doc = wf(
        step("t", outputs=["passed"]),
        {"type": "conditional", "if": "t.passed", "then": [step("d")], "else": [step("f")]},
        step("after", inputs={"x": "${d.output}"}),
    )
    assert codes(doc) == [("error", "ref-order", "steps[2].inputs.x")]


def test_validate_reference_cycle_is_reported_once_as_a_cycle() -> None:
    doc = wf(
        {
            "type": "parallel",
            "branches": [
                step("a", inputs={"x": "${b.output}"}),
                step("b", inputs={"x": "${a.output}"}),
            ],
        }
    )
    found = codes(doc)
    assert [c for c in found if c[1] == "cycle"] == [("error", "cycle", "steps[0].branches[0].id")]
    assert not [c for c in found if c[1] == "ref-order"]


def test_validate_rollback_may_read_its_own_step() -> None:
    doc = wf(step("d", rollback={"instructions": "undo ${d.output}"}))
    assert codes(doc) == []


@pytest.mark.parametrize("doc", [None, [], "x", 3, {"workflow": "loop"}, {"version": 1}])
def test_validate_garbage_is_an_error_not_an_exception(doc: Any) -> None:
    report = check(doc)
    assert not report.ok
    assert all(isinstance(p.path, str) for p in report.problems)


def test_validate_unknown_plugin_warns_with_nearest_names(
    make_marketplace: Callable[..., Path],
) -> None:
    root = make_marketplace(
        "mk",
        plugins=[
            {"name": "ci-cd-pipeline-builder", "source": "./p/a", "description": "CI"},
            {"name": "deployment-manager-pro", "source": "./p/b", "description": "deploy"},
        ],
    )
    with Catalog.open() as cat:
        add_source(cat, str(root))
        index = PluginIndex.load(cat)
    doc = wf(
        {"type": "step", "id": "b", "plugin": "ci-cd-builder"},
        {"type": "step", "id": "c", "plugin": "ci-cd-pipeline-builder", "marketplace": "mk"},
        {"type": "step", "id": "d", "plugin": "deployment-manager-pro", "marketplace": "nope"},
    )
    report = check(doc, index)
    assert report.ok
    by_code = {p.code: p for p in report.problems}
    assert set(by_code) == {"unknown-plugin", "unknown-marketplace"}
    assert by_code["unknown-plugin"].path == "steps[0].plugin"
    assert "ci-cd-pipeline-builder" in by_code["unknown-plugin"].message
    assert by_code["unknown-marketplace"].path == "steps[2].marketplace"
