"""What `run next` hands to Claude: each ready step with setup commands, what to invoke, inputs."""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from agentops_lite.workflow.model import RollbackStep, StepNode, Workflow
from agentops_lite.workflow.state import RunState, StepState, actions

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import PluginRecord
    from agentops_lite.workflow.store import RunInfo

_YES_NO = frozenset({"passed", "found"})  # the outputs the planner gives its gates


class Task(BaseModel):
    """One step to do now."""

    step: str = Field(description="The step id as written in the workflow")
    kind: str = Field(description="step | aggregate | rollback")
    attempt: int
    max_attempts: int
    plugin: str | None = None
    marketplace: str | None = Field(default=None, description="Catalog key of the marketplace")
    install_name: str | None = Field(default=None, description="plugin@marketplace")
    installed: bool | None = Field(default=None, description="None: plugin not in the catalog")
    setup: list[str] = Field(
        default_factory=list, description="Claude Code commands to run first (install)"
    )
    use: str | None = Field(default=None, description="`/plugin:command`, skill or agent to use")
    instructions: str = Field(description="Exactly what to do, in words")
    inputs: dict[str, Any] = Field(default_factory=dict, description="Resolved inputs")
    outputs: list[str] = Field(default_factory=list, description="Fields the output must carry")
    record: dict[str, str] = Field(description="The command to report each outcome")


class NextReport(BaseModel):
    """`run next`: every step ready now; they are independent and may be done in parallel."""

    run_id: str
    workflow: str
    status: str
    reason: str | None = None
    done: bool = Field(description="True when nothing more will become ready")
    ready: list[Task]
    message: str


_FINISHED = {
    "succeeded": "The run succeeded.",
    "failed": "The run failed.",
    "cancelled": "The run was cancelled.",
    "rolled_back": "The run was rolled back",
    "rollback_failed": "The rollback failed; check the steps by hand.",
}


def _pick(cat: Catalog, plugin: str, marketplace: str | None) -> PluginRecord | None:
    """The listing a step means: in its marketplace if named; an installed one first."""
    from agentops_lite.workflow.resolve import idents

    records = cat.plugins(name=plugin)
    if marketplace:
        want = marketplace.lower()
        records = [
            r
            for r in records
            if want
            in idents(
                r.marketplace_key,
                r.marketplace_name,
                r.marketplace_source,
                cat.marketplace(r.marketplace_key).repo,
            )
        ]
    if not records:
        return None
    return sorted(records, key=lambda r: (not r.installed, r.marketplace_key))[0]


def _use(action: StepNode | RollbackStep, plugin: str | None) -> str | None:
    prefix = f"{plugin}:" if plugin else ""
    if action.command:
        name = action.command.lstrip("/")
        return f"/{name}" if ":" in name else f"/{prefix}{name}"
    if action.skill:
        return f"skill {action.skill if ':' in action.skill else prefix + action.skill}"
    if action.agent:
        return f"agent {action.agent if ':' in action.agent else prefix + action.agent}"
    return None


def task(cat: Catalog | None, run_id: str, st: StepState, action: StepNode | RollbackStep) -> Task:
    record = None
    if cat is not None and action.plugin:
        record = _pick(cat, action.plugin, action.marketplace)
    setup: list[str] = []
    plugin_name = record.name if record else action.plugin
    if record is not None and not record.installed:
        mkt = cat.marketplace(record.marketplace_key) if cat else None
        if mkt is not None:
            from agentops_lite.workflow.resolve import marketplace_add_source

            setup.append(f"/plugin marketplace add {marketplace_add_source(mkt)}")
        setup.append(f"/plugin install {record.install_name}")
    use = _use(action, plugin_name)
    lines = [f"Step `{st.id}` (attempt {st.attempt} of {st.max_attempts})."]
    if setup:
        lines.append(
            "The plugin is not installed; ask the user, then run: " + "; ".join(setup) + "."
        )
    elif action.plugin and record is None:
        lines.append(
            f"Plugin {action.plugin!r} is not in the catalog; find it with "
            f"`agentops-lite discover {shlex.quote(action.plugin)}` or do the step without it."
        )
    if use:
        lines.append(f"Use {use}.")
    elif record is not None:
        names = [f"{c.kind} {c.name}" for c in record.entry.components][:6]
        if names:
            lines.append(f"Use the {record.name} plugin ({', '.join(names)}).")
        else:
            lines.append(f"Use the {record.name} plugin.")
    if st.instructions:
        lines.append(st.instructions)
    if st.inputs:
        lines.append("Inputs: " + json.dumps(st.inputs, ensure_ascii=False) + ".")
    if st.kind == "aggregate":
        lines.append("Combine the results of every branch (given in inputs.branches).")
    outputs = action.outputs if isinstance(action, StepNode) else []
    if outputs:
        lines.append("Report an output object with: " + ", ".join(outputs) + ".")
    base = f"agentops-lite run record {run_id} {st.id} --attempt {st.attempt}"
    example = (
        # A gate's answer is a boolean; a string "…" there would read as true.
        json.dumps({o: True if o in _YES_NO else "…" for o in outputs}, ensure_ascii=False)
        if outputs
        else '{"summary": "…"}'
    )
    return Task(
        step=st.id,
        kind=st.kind,
        attempt=st.attempt,
        max_attempts=st.max_attempts,
        plugin=plugin_name,
        marketplace=record.marketplace_key if record else action.marketplace,
        install_name=record.install_name if record else None,
        installed=record.installed if record else None,
        setup=setup,
        use=use,
        instructions=" ".join(lines),
        inputs=st.inputs or {},
        outputs=outputs,
        record={
            "success": f"{base} --status success --output '{example}' [--artifact PATH]…",
            "failure": f"{base} --status failure --error 'what went wrong'",
            "skipped": f"{base} --status skipped",
        },
    )


def next_report(cat: Catalog | None, info: RunInfo, wf: Workflow, state: RunState) -> NextReport:
    acts = actions(wf)
    from agentops_lite.workflow.model import canon

    tasks = [
        task(cat, info.run_id, st, acts[canon(st.id)][1])
        for st in state.steps.values()
        if st.status == "running"
    ]
    done = not tasks and state.status not in ("running", "rolling_back")
    if done:
        message = _FINISHED.get(state.status, f"The run ended: {state.status}.")
        if state.status == "rolled_back":
            message += f": {state.reason}." if state.reason else "."
        elif state.status == "failed" and state.rollback is not None:
            message = f"The run failed; {(state.reason or '').rpartition('; ')[2]}."
        elif state.status == "failed":
            message += " Ask the user before `agentops-lite run rollback " + info.run_id + "`."
    elif len(tasks) > 1:
        message = f"{len(tasks)} steps are ready; they are independent: do them in parallel."
    elif tasks:
        message = "1 step is ready."
    else:
        message = "Nothing is ready; record the steps in progress first."
    if state.status == "rolling_back":
        message = "Rolling back: " + message
    return NextReport(
        run_id=info.run_id,
        workflow=info.workflow,
        status=state.status,
        reason=state.reason,
        done=done,
        ready=tasks,
        message=message,
    )
