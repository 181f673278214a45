"""Fuzz: hostile workflow documents and files are reported as problems, never raised, in
bounded time, and their report always prints as JSON."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from agentops_lite.workflow.validate import check, load_file
from tests.fuzz.profiles import bounded, fuzz
from tests.fuzz.strategies import DEPTHS, deep_marker, dumps, hostile_text, json_values

ids = st.sampled_from(["a", "b", "c", "A", "a ", "agg"]) | hostile_text
refs = st.builds(
    lambda head, tail: "${" + head + tail + "}",
    ids,
    st.sampled_from([".output", ".status", ".artifacts[0]", ".x.y", "", ".output[", "}"]),
)
conditions = st.one_of(
    st.sampled_from(["a.status == 'success'", "not b.passed", "inputs.flag", "(((", "a ==", ""]),
    hostile_text,
)


def _step() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.just("step"), "id": ids},
        optional={
            "instructions": st.one_of(hostile_text, refs, st.lists(refs).map(" ".join)),
            "inputs": st.dictionaries(hostile_text, refs | json_values, max_size=3),
            "plugin": hostile_text,
            "retry": st.integers(-5, 10**12) | json_values,
            "on_failure": st.sampled_from(["stop", "continue", "rollback", "explode"]),
            "rollback": st.fixed_dictionaries({}, optional={"instructions": refs}),
            "outputs": st.lists(hostile_text, max_size=3),
        },
    )


def _nodes(kids: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    many = st.lists(kids, max_size=3)
    return st.one_of(
        st.builds(lambda s: {"type": "sequential", "steps": s}, many),
        st.builds(lambda b, a: {"type": "parallel", "branches": b, "aggregate": a}, many, _step()),
        st.builds(
            lambda c, t, e: {"type": "conditional", "if": c, "then": t, "else": e},
            conditions,
            many,
            many,
        ),
        json_values,
    )


documents = (
    st.fixed_dictionaries(
        {
            "version": st.sampled_from([1, 1, 2, "1", None]),
            "name": hostile_text,
            "steps": st.lists(st.recursive(_step(), _nodes, max_leaves=15), max_size=4)
            | st.sampled_from(DEPTHS).map(deep_marker),
        },
        optional={"inputs": st.dictionaries(hostile_text, json_values, max_size=3)},
    )
    | json_values
)


@fuzz(examples=120)
@given(doc=documents)
def test_fuzz_check_reports_never_raises(doc: Any) -> None:
    with bounded("check"):
        report = check(doc)
    event("ok" if report.ok else "problems")
    json.loads(report.model_dump_json())
    assert report.errors == sum(p.severity == "error" for p in report.problems)


@fuzz(examples=15)
@given(doc=documents, cut=st.none() | st.integers(0, 400))
def test_fuzz_workflow_validate_cli(doc: Any, cut: int | None, cli: Callable[..., Any]) -> None:
    text = dumps(doc)
    data = text.encode("utf-8", "surrogatepass")
    if cut is not None:
        data = data[:cut]
    with tempfile.TemporaryDirectory(prefix="fuzz-wf-") as tmp:
        path = Path(tmp) / "wf.json"
        path.write_bytes(data)
        loaded, problems = load_file(path)
        assert loaded is None or not problems
        with bounded("workflow validate"):
            result = cli("workflow", "validate", str(path), "--json")
    shown = result.stdout + result.stderr
    assert "internal error" not in shown and "Traceback" not in shown, shown[-2000:]
    assert result.exit_code in (0, 1, 2), shown[-2000:]
    json.loads(result.stdout)
