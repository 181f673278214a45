#!/usr/bin/env python3
"""Start-up work must not change answers: `discover` output on the 60 dev queries, saved, compared.

Runs the installed `agentops-lite discover QUERY --json` (and the human table, NO_COLOR, 120
columns) for every query of ../shared/eval/dev-queries.jsonl on a fresh seeded catalog (a
throw-away AGENTOPS_HOME, offline, no Claude Code state) and either saves the outputs
(`--save FILE`, before a change) or compares them byte for byte with saved ones (`--check FILE`).
Recency moves with the clock, so every run sees the same frozen "now" (a sitecustomize that
fixes `datetime.now`); to save the outputs of older code, put its checkout first on PYTHONPATH.

    .venv/bin/python benchmarks/output_identity.py --save /tmp/before.json
    .venv/bin/python benchmarks/output_identity.py --check /tmp/before.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO.parent / "shared/eval/dev-queries.jsonl"


FROZEN = "2026-12-04T12:00:00+00:00"
_FREEZE = f"""
import datetime as _dt

class _Frozen(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        at = _dt.datetime.fromisoformat({FROZEN!r})
        return at if tz is None else at.astimezone(tz)

_dt.datetime = _Frozen
"""


FORMS = (("json", ["--json"]), ("table", []), ("json -n 3", ["--json", "-n", "3"]))


def outputs(queries: list[str]) -> dict[str, dict[str, str]]:
    exe = str(Path(sys.executable).parent / "agentops-lite")
    with tempfile.TemporaryDirectory() as tmp:
        Path(f"{tmp}/claude").mkdir()
        Path(f"{tmp}/site").mkdir()
        Path(f"{tmp}/site/sitecustomize.py").write_text(_FREEZE, "utf-8")
        path = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), f"{tmp}/site") if p)
        env = {
            **os.environ,
            "PYTHONPATH": path,
            "AGENTOPS_HOME": f"{tmp}/home",
            "CLAUDE_CONFIG_DIR": f"{tmp}/claude",
            "AGENTOPS_OFFLINE": "1",
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
        subprocess.run([exe, "discover", "seed", "--json"], env=env, capture_output=True)
        found: dict[str, dict[str, str]] = {}
        for q in queries:
            one: dict[str, str] = {}
            for label, extra in FORMS:
                proc = subprocess.run(
                    [exe, "discover", q, *extra], env=env, capture_output=True, text=True
                )
                one[label] = f"exit {proc.returncode}\n{proc.stdout}\n--stderr--\n{proc.stderr}"
            found[q] = one
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--check", type=Path)
    args = parser.parse_args()
    lines = QUERIES.read_text("utf-8").splitlines()
    queries = [json.loads(line)["query"] for line in lines if line.strip()]
    # Edge cases the fast path must hand back unchanged: an empty query, a bad limit.
    queries += ["", "   "]
    found = outputs(queries)
    if args.save:
        args.save.write_text(json.dumps(found, ensure_ascii=False, indent=1), "utf-8")
        print(f"saved {len(found)} queries x {len(next(iter(found.values())))} outputs")
        return 0
    saved = json.loads(args.check.read_text("utf-8"))
    differ = [
        (q, label)
        for q in queries
        for label in found[q]
        if saved.get(q, {}).get(label) != found[q][label]
    ]
    total = sum(len(v) for v in found.values())
    print(f"{total - len(differ)} of {total} outputs byte-identical ({len(queries)} queries)")
    for q, label in differ[:10]:
        print(f"  differs: {label!r} for {q!r}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
