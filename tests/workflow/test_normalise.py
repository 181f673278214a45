"""Normalisation directly: the founding seed shapes as written, `wait` groups, loose spellings."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.workflow.model import Workflow
from agentops_lite.workflow.normalise import is_seed, normalise


def step(sid: str, **extra: Any) -> dict[str, Any]:
    return {"type": "step", "id": sid, "plugin": sid, **extra}


def ok(doc: Any) -> dict[str, Any]:
    out, problems = normalise(doc)
    assert problems == [], problems
    assert out is not None
    return out


def codes(doc: Any) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in normalise(doc)[1]]


def test_seed_sequential_as_written(seed_workflows: Path) -> None:
    doc = json.loads((seed_workflows / "sequential.json").read_text())
    assert ok(doc) == {
        "version": 1,
        "name": "sequential",
        "steps": [
            step("ci-cd-builder", marketplace="claude-code-plugins-plus"),
            step("test-orchestrator", marketplace="claude-code-plugins-plus"),
            step("deployment-manager", marketplace="docker/claude-plugins"),
        ],
    }


def test_seed_parallel_as_written(seed_workflows: Path) -> None:
    doc = json.loads((seed_workflows / "parallel.json").read_text())
    branches = [step("security-scanner"), step("performance-analyzer")]
    branches.append(step("code-quality-checker"))
    assert ok(doc) == {
        "version": 1,
        "name": "parallel",
        "steps": [
            {"type": "parallel", "branches": branches, "aggregate": step("results-combiner")}
        ],
    }


def test_seed_conditional_as_written(seed_workflows: Path) -> None:
    doc = json.loads((seed_workflows / "conditional.json").read_text())
    assert ok(doc) == {
        "version": 1,
        "name": "conditional",
        "steps": [
            {
                "type": "conditional",
                "if": "test-results.passed",
                "then": [step("deployment-manager")],
                "else": [step("debug-assistant"), step("test-fixer")],
            }
        ],
    }


@pytest.mark.parametrize("name", ["sequential", "parallel", "conditional"])
def test_seed_shapes_become_valid_documents_of_our_format(seed_workflows: Path, name: str) -> None:
    doc = json.loads((seed_workflows / f"{name}.json").read_text())
    before = copy.deepcopy(doc)
    workflow = Workflow.model_validate(ok(doc))
    assert workflow.name == name
    assert doc == before  # the caller's document is not changed


def test_wait_false_runs_become_parallel_groups() -> None:
    doc = {
        "workflow": "sequential",
        "plugins": [
            {"id": "a", "wait": False},
            {"id": "b", "wait": False},
            "c",
            {"id": "d", "wait": False},  # a run of one is just a step
            {"id": "e", "wait": True},
        ],
    }
    assert ok(doc)["steps"] == [
        {"type": "parallel", "branches": [step("a"), step("b")]},
        step("c"),
        step("d"),
        step("e"),
    ]


def test_wait_groups_inside_conditional_branches_and_no_marker_leaks() -> None:
    doc = {
        "workflow": "conditional",
        "if": "check.passed",
        "then": [{"id": "x", "wait": False}, {"id": "y", "wait": False}],
        "else": "z",  # one id on its own is a list of one
    }
    (node,) = ok(doc)["steps"]
    assert node["then"] == [{"type": "parallel", "branches": [step("x"), step("y")]}]
    assert node["else"] == [step("z")]
    assert "\\u0000" not in json.dumps(node)


def test_parallel_ignores_wait_and_drops_its_marker() -> None:
    doc = {"workflow": "parallel", "plugins": [{"id": "a", "wait": False}, "b"]}
    assert ok(doc)["steps"] == [{"type": "parallel", "branches": [step("a"), step("b")]}]
    assert ok({"workflow": "parallel", "plugins": []})["steps"] == []


def test_seed_entry_keys_carry_over_and_plugin_may_differ_from_id() -> None:
    entry = {
        "id": "scan",
        "plugin": "security-scanner",
        "marketplace": "acme",
        "command": "scan",
        "inputs": {"path": "."},
        "retry": 2,
        "outputs": ["report"],
    }
    agg = {"id": "merge", "skill": "combine"}
    doc = {"workflow": "parallel", "plugins": [entry], "aggregate": agg, "name": "scan-all"}
    out = ok({**doc, "description": "Scan everything"})
    assert out["name"] == "scan-all" and out["description"] == "Scan everything"
    (node,) = out["steps"]
    assert node["branches"] == [
        {
            "type": "step",
            "id": "scan",
            "plugin": "security-scanner",
            "marketplace": "acme",
            "command": "scan",
            "inputs": {"path": "."},
            "retry": 2,
            "outputs": ["report"],
        }
    ]
    assert node["aggregate"] == step("merge", skill="combine")


@pytest.mark.parametrize("doc", [["a"], "text", 3, None])
def test_not_an_object(doc: Any) -> None:
    out, problems = normalise(doc)
    assert out is None and [p.code for p in problems] == ["not-an-object"]


@pytest.mark.parametrize("kind", ["loop", 7, None])
def test_unknown_seed_kind_stops(kind: Any) -> None:
    out, problems = normalise({"workflow": kind, "plugins": ["a"]})
    assert out is None
    assert [(p.path, p.code, p.severity) for p in problems] == [("workflow", "seed-kind", "error")]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"workflow": "sequential", "plugins": ["a"], "extra": 1}, [("extra", "unknown-key")]),
        (
            {"workflow": "sequential", "plugins": [{"id": "a", "colour": "red"}]},
            [("plugins[0].colour", "unknown-key")],
        ),
        (
            {"workflow": "sequential", "plugins": ["a", {"name": "b"}, 5]},
            [("plugins[1]", "seed-entry"), ("plugins[2]", "seed-entry")],
        ),
        (
            {"workflow": "sequential", "plugins": [{"id": "a", "wait": "no"}]},
            [("plugins[0].wait", "seed-wait")],
        ),
        ({"workflow": "sequential", "plugins": {"a": 1}}, [("plugins", "seed-list")]),
        ({"workflow": "conditional", "if": True, "then": ["a"]}, [("if", "seed-if")]),
        (
            {"workflow": "parallel", "plugins": ["a"], "aggregate": {"skill": "x"}},
            [("aggregate", "seed-entry")],
        ),
    ],
)
def test_seed_problems_carry_paths(doc: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert codes(doc) == expected


def test_bad_entries_are_dropped_and_the_rest_kept() -> None:
    out, _ = normalise({"workflow": "sequential", "plugins": ["a", 5, "b"]})
    assert out is not None and out["steps"] == [step("a"), step("b")]


def test_a_bad_condition_never_runs_the_then_branch() -> None:
    out, _ = normalise({"workflow": "conditional", "if": ["x"], "then": ["a"], "else": ["b"]})
    assert out is not None and out["steps"][0]["if"] == "false"


def test_our_format_gets_the_types_its_keys_imply() -> None:
    doc = {
        "version": 1,
        "name": "ours",
        "steps": [
            {"id": "build"},
            {"branches": [{"id": "a"}, {"type": "step", "id": "b"}], "aggregate": {"id": "m"}},
            {"if": "build.ok", "then": [{"id": "ship"}], "else": [{"steps": [{"id": "fix"}]}]},
            "not a node",
        ],
    }
    before = copy.deepcopy(doc)
    out = ok(doc)
    assert out["steps"] == [
        {"type": "step", "id": "build"},
        {
            "type": "parallel",
            "branches": [{"type": "step", "id": "a"}, {"type": "step", "id": "b"}],
            "aggregate": {"type": "step", "id": "m"},
        },
        {
            "type": "conditional",
            "if": "build.ok",
            "then": [{"type": "step", "id": "ship"}],
            "else": [{"type": "sequential", "steps": [{"type": "step", "id": "fix"}]}],
        },
        "not a node",  # left for validation to report with its path
    ]
    assert doc == before


def test_our_format_with_no_steps_list_passes_through() -> None:
    assert ok({"version": 1, "name": "x", "steps": "oops"}) == {
        "version": 1,
        "name": "x",
        "steps": "oops",
    }


@pytest.mark.parametrize(
    ("doc", "seed"),
    [
        ({"workflow": "sequential"}, True),
        ({"workflow": "sequential", "version": 1}, False),  # ours, whatever else it says
        ({"version": 1, "steps": []}, False),
        (["workflow"], False),
    ],
)
def test_is_seed(doc: Any, seed: bool) -> None:
    assert is_seed(doc) is seed
