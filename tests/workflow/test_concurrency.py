"""Parallel `run record` calls from separate processes: every result lands, none is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agentops_lite.catalog.store import Catalog
from agentops_lite.workflow import store
from agentops_lite.workflow.validate import check


def test_concurrency_parallel_records_from_processes() -> None:
    branches = [{"type": "step", "id": f"s{i}", "instructions": "x"} for i in range(12)]
    doc = {
        "version": 1,
        "name": "fan-out",
        "steps": [
            {
                "type": "parallel",
                "branches": branches,
                "aggregate": {"type": "step", "id": "agg", "instructions": "x"},
            }
        ],
    }
    wf = check(doc).workflow
    assert wf is not None
    with Catalog.open() as cat:
        rid = store.start(cat, wf, {}, None).run_id
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "agentops_lite",
                "run",
                "record",
                rid,
                f"s{i}",
                "--status",
                "success",
                "--output",
                json.dumps({"n": i}),
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        for i in range(12)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        assert json.loads(out)["changed"] is True
    with Catalog.open() as cat:
        _info, _wf, state = store.get(cat, rid)
        events = cat.conn.execute("SELECT COUNT(*) FROM run_events WHERE run_id = ?", (rid,))
        assert events.fetchone()[0] == 12
    assert all(state.steps[f"s{i}"].output == {"n": i} for i in range(12))
    assert state.steps["agg"].status == "running"
    assert set(state.steps["agg"].inputs["branches"]) == {f"s{i}" for i in range(12)}  # type: ignore[index]


def test_concurrency_main_module_exists() -> None:
    assert (Path(__file__).resolve().parents[2] / "agentops_lite" / "__main__.py").exists()
