"""Workflow validation grows linearly with the steps (issue 16: a set copied per step made it
quadratic, 100,000 steps took minutes)."""

from __future__ import annotations

import time
from typing import Any

from agentops_lite.workflow.validate import check


def chain(n: int) -> dict[str, Any]:
    """n steps in a row, each reading the one before: the shape that was quadratic."""
    steps: list[dict[str, Any]] = [{"type": "step", "id": "s0", "instructions": "x"}]
    steps.extend(
        {
            "type": "step",
            "id": f"s{i}",
            "instructions": "x",
            "inputs": {"p": f"${{s{i - 1}.output}}"},
        }
        for i in range(1, n)
    )
    return {"version": 1, "name": "long", "steps": steps}


def test_validate_50k_steps_in_seconds() -> None:
    doc = chain(50_000)
    started = time.perf_counter()
    report = check(doc)
    took = time.perf_counter() - started
    assert report.ok, report.problems[:3]
    assert report.steps == 50_000
    # Quadratic, this took ~60 s; linear, ~2 s on a shared 2-core machine.
    assert took < 20, f"{took:.1f} s"


def test_ordering_still_checked_in_nested_blocks() -> None:
    doc = {
        "version": 1,
        "name": "nested",
        "steps": [
            {
                "type": "parallel",
                "branches": [
                    {"type": "step", "id": "a", "instructions": "x"},
                    {"type": "step", "id": "b", "instructions": "${a.output}"},
                ],
                "aggregate": {
                    "type": "step",
                    "id": "agg",
                    "instructions": "${a.output} ${b.output}",
                },
            },
            {
                "type": "conditional",
                "if": "agg.status == 'success'",
                "then": [{"type": "step", "id": "t", "instructions": "${agg.output}"}],
                "else": [{"type": "step", "id": "e", "instructions": "${t.output}"}],
            },
            {"type": "step", "id": "z", "instructions": "${t.output} ${agg.output}"},
        ],
    }
    found = sorted((p.code, p.path) for p in check(doc).problems if p.code == "ref-order")
    assert found == [
        ("ref-order", "steps[0].branches[1].instructions"),
        ("ref-order", "steps[1].else[0].instructions"),
        ("ref-order", "steps[2].instructions"),
    ]
