"""Runs an exported workflow script under node with stand-ins for the Claude Code runtime."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

# agent() answers from ANSWERS[label] (a list: one answer per attempt, the last repeats) after
# a short pause, so calls of one parallel() overlap; every call is logged with start and end.
_DRIVER = r"""
const fs = require('fs')
const [scriptPath, answersPath] = process.argv.slice(2)
const ANSWERS = JSON.parse(fs.readFileSync(answersPath, 'utf8'))
let source = fs.readFileSync(scriptPath, 'utf8')
if (!source.startsWith('export const meta = ')) throw new Error('meta is not the first statement')
source = source.replace(/^export const meta = /, 'const meta = globalThis.__meta = ')
const calls = [], logs = [], phases = []
let clock = 0, inflight = 0, maxInflight = 0
const tick = () => new Promise(r => setTimeout(r, 5))
async function agent(prompt, opts) {
  const call = { label: opts.label, prompt, schema: opts.schema, phase: opts.phase, start: clock++ }
  calls.push(call)
  inflight++; maxInflight = Math.max(maxInflight, inflight)
  await tick(); await tick()
  inflight--
  call.end = clock++
  const base = String(opts.label).replace(/ #\d+$/, '')
  const list = ANSWERS[base] || [{ status: 'success', summary: 'ok', output: 'out of ' + base }]
  const n = calls.filter(c => String(c.label).replace(/ #\d+$/, '') === base).length
  return list[Math.min(n, list.length) - 1]
}
async function parallel(thunks) { return Promise.all(thunks.map(t => t().catch(() => null))) }
function phase(t) { phases.push(t) }
function log(m) { logs.push(m) }
const body = new Function('agent', 'parallel', 'phase', 'log', 'args',
  'return (async () => {\n' + source + '\n;return { meta }\n})()')
body(agent, parallel, phase, log, ANSWERS.__args__).then(result => {
  const meta = globalThis.__meta
  process.stdout.write(JSON.stringify({ result, meta, calls, logs, phases, maxInflight }))
}, err => { process.stdout.write(JSON.stringify({ error: String(err && err.stack || err) })); })
"""


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not on PATH")
    return found


def run_script(script: str, answers: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "driver.js").write_text(_DRIVER)
    (tmp_path / "wf.js").write_text(script, encoding="utf-8")
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    argv = [node(), *(str(tmp_path / n) for n in ("driver.js", "wf.js", "answers.json"))]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    doc: dict[str, Any] = json.loads(done.stdout)
    assert "error" not in doc, doc.get("error")
    return doc
