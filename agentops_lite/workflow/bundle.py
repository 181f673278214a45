"""`workflow export`: a Claude Code marketplace holding one bundle plugin that runs the workflow."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from agentops_lite.errors import UsageError, WorkflowError
from agentops_lite.models import OutputModel
from agentops_lite.workflow.export import Component, compile_workflow, slug
from agentops_lite.workflow.model import RollbackStep, StepNode, Workflow, canon, iter_steps

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog


class ExportedWorkflow(OutputModel):
    name: str = Field(description="meta.name of the script")
    command: str = Field(description="How to run it in Claude Code: `/bundle:name`")
    file: str = Field(description="Path of the script inside the export folder")
    steps: list[str] = Field(description="Step ids it runs (rollback steps included)")
    max_agents: int = Field(description="Agents it may start, retries and rollbacks counted")
    confirm_before: str | None = Field(
        description="Step that needs a person's yes before this workflow starts"
    )


class ExportResult(OutputModel):
    directory: str
    marketplace: str = Field(description="Declared name of the exported marketplace")
    plugin: str = Field(description="The bundle plugin's name")
    dependencies: list[str] = Field(description="`plugin@marketplace` the bundle depends on")
    allow_cross_marketplace: list[str] = Field(
        description="allowCrossMarketplaceDependenciesOn of the exported marketplace"
    )
    workflows: list[ExportedWorkflow]
    install_commands: list[list[str]] = Field(
        description="argv lists: the dependencies' marketplaces, this folder, the bundle"
    )
    notes: list[str]


def workflow_plugins(cat: Catalog, wf: Workflow) -> list[str]:
    """`plugin@marketplace` of every plugin the workflow's steps use, in step order."""
    found = _components(cat, wf).values()
    return list(dict.fromkeys(f"{c.plugin}@{c.marketplace}" for c in found))


def _components(cat: Catalog, wf: Workflow) -> dict[str, Component]:
    from agentops_lite.workflow.resolve import PluginIndex

    index = PluginIndex.load(cat)
    installed = {
        f"{r.name}@{r.marketplace_key}"
        for r in cat.plugins()
        if r.installed
    }  # fmt: skip
    out: dict[str, Component] = {}
    actions: list[tuple[str, StepNode | RollbackStep]] = []
    for _p, _k, step in iter_steps(wf.steps, "steps"):
        actions.append((step.id, step))
        if step.rollback is not None:
            actions.append((step.rollback.id or f"{step.id}-rollback", step.rollback))
    for sid, action in actions:
        if not action.plugin:
            continue
        found = index.find(action.plugin, action.marketplace)
        if not found:
            where = f" in {action.marketplace}" if action.marketplace else ""
            raise WorkflowError(
                f"step {sid}: plugin {action.plugin!r}{where} is not in the catalog, so the "
                "bundle cannot depend on it",
                hint="agentops-lite workflow validate FILE",
            )
        best = sorted(found, key=lambda x: f"{x.plugin}@{x.marketplace_key}" not in installed)[0]
        out[canon(sid)] = Component(best.plugin, best.marketplace_name or best.marketplace_key)
    return out


def _names(wf: Workflow, deps: list[str], name: str | None) -> str:
    from agentops_lite.parse.names import plugin_json_name_issue

    bundle = slug(name or wf.name, 48)
    if plugin_json_name_issue(bundle) is not None:
        bundle = slug(f"wf-{bundle}", 48)
    if bundle in {d.partition("@")[0] for d in deps}:
        bundle = f"{bundle}-bundle"
    if name is not None and bundle != name:
        raise UsageError(
            f"--name {name!r} is not a plugin name Claude Code accepts; try {bundle!r}"
        )
    return bundle


def export(
    cat: Catalog, wf: Workflow, out: Path, *, force: bool = False, name: str | None = None
) -> ExportResult:
    """Write the marketplace + bundle plugin to `out` whole, or nothing (temp folder, rename)."""
    from agentops_lite.install.plan import build_plan

    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(f"{out} is not empty", hint="pass --force to replace it")
    components = _components(cat, wf)
    deps = list(dict.fromkeys(f"{c.plugin}@{c.marketplace}" for c in components.values()))
    bundle = _names(wf, deps, name)
    market = f"{bundle}-marketplace"
    plan = build_plan(cat, deps) if deps else None
    if plan is not None:
        errors = [p for p in plan.problems if p.severity == "error"]
        if errors:
            raise WorkflowError(
                f"the bundle's dependencies do not install: {errors[0].plugin}: "
                f"{errors[0].message}",
                hint=f"agentops-lite install-plan {' '.join(deps)}",
            )
    parts = compile_workflow(wf, slug(wf.name), components)
    # The whole set, not just the steps' plugins: Claude Code follows the plugin.json
    # dependencies of the plugin being installed (the bundle) but, of its dependencies, only
    # what their marketplace entries declare, so a transitive one could be left out.
    deps = [p.install_id for p in plan.plugins] if plan else []
    allow = sorted({d.partition("@")[2] for d in deps})
    manifest = {
        "name": bundle,
        "version": "0.1.0",
        "description": _describe(wf),
        "author": {"name": "agentops-lite workflow export"},
        "dependencies": deps,
    }
    marketplace = {
        "name": market,
        "owner": {"name": "agentops-lite export"},
        "description": f"The {wf.name} workflow as a Claude Code bundle plugin",
        "allowCrossMarketplaceDependenciesOn": allow,
        "plugins": [
            {"name": bundle, "source": f"./plugins/{bundle}", "description": _describe(wf)}
        ],
    }
    files: dict[str, str] = {
        ".claude-plugin/marketplace.json": json.dumps(marketplace, indent=2) + "\n",
        f"plugins/{bundle}/.claude-plugin/plugin.json": json.dumps(manifest, indent=2) + "\n",
    }
    files[f"plugins/{bundle}/README.md"] = _readme(wf, bundle, [p.name for p in parts], deps)
    exported: list[ExportedWorkflow] = []
    for part in parts:
        rel = f"plugins/{bundle}/workflows/{part.name}.js"
        files[rel] = part.script
        exported.append(
            ExportedWorkflow(
                name=part.name,
                command=f"/{bundle}:{part.name}",
                file=rel,
                steps=part.steps,
                max_agents=part.agents_max,
                confirm_before=part.confirm_before,
            )
        )
    _write_tree(out, files)
    add = ["claude", "plugin", "marketplace", "add"]
    adds = [c for c in (plan.commands if plan else []) if c[:4] == add]
    commands = [
        *adds,
        [*add, str(out.absolute())],
        ["claude", "plugin", "install", f"{bundle}@{market}"],
    ]
    first = f"/{bundle}:{parts[0].name}"
    notes = [f'run it in a session with {first}, or `claude -p "{first}" --allowedTools Workflow`']
    if len(parts) > 1:
        gates = ", ".join(p.confirm_before or "?" for p in parts[1:])
        notes.append(
            f"split into {len(parts)} workflows: a running workflow cannot ask a person, so "
            f"each of {gates} waits for a yes between two of them; pass each one's returned "
            "result as the next one's args"
        )
    return ExportResult(
        directory=str(out),
        marketplace=market,
        plugin=bundle,
        dependencies=deps,
        allow_cross_marketplace=allow,
        workflows=exported,
        install_commands=commands,
        notes=notes,
    )


def _readme(wf: Workflow, bundle: str, names: list[str], deps: list[str]) -> str:
    # The workflow's own text is untrusted here too: JSON-quoted, so Markdown cannot turn it
    # into links or HTML.
    lines = [
        f"# {bundle}",
        "",
        f"Generated by `agentops-lite workflow export` from the workflow {json.dumps(wf.name)}.",
        "Installing this bundle plugin installs every plugin the workflow uses (its",
        "`dependencies`), and its dynamic workflows run the steps in Claude Code itself: one",
        "agent per step, parallel branches at once, conditions on each step's structured result,",
        "bounded retries, and rollback steps in reverse order after a failure.",
        "",
        "Run:",
        "",
        *(f"- `/{bundle}:{n}`" for n in names),
        "",
        "Depends on:",
        "",
        *(f"- `{d}`" for d in deps),
        "",
    ]
    return "\n".join(lines)


def _describe(wf: Workflow) -> str:
    return (wf.description or f"Runs the {wf.name} workflow")[:500]


def _write_tree(out: Path, files: dict[str, str]) -> None:
    parent = out.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"folder {parent} does not exist", hint="create it first")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name[:40]}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot write in {parent}: {exc.strerror or exc}") from None
    old: Path | None = None
    try:
        for rel, text in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o755)
        if out.exists():
            # Move the old folder aside first, so a failure leaves the old one, never a mix.
            old = Path(tempfile.mkdtemp(prefix=f".{out.name[:40]}.", suffix=".old", dir=parent))
            os.replace(out, old / "x")
        os.replace(tmp, out)
    except OSError as exc:
        if old is not None and not out.exists():
            os.replace(old / "x", out)
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
