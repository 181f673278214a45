"""`install-plan`: the ordered Claude Code commands for a set of plugins, and what goes wrong."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from agentops_lite.errors import NotFoundError, WorkflowError
from agentops_lite.install.deps import install_id
from agentops_lite.install.models import (
    ApplyResult,
    ApplyStep,
    Collision,
    InstallPlan,
    MarketplaceStep,
    PlannedPlugin,
)
from agentops_lite.install.resolve import Resolution, Universe, resolve_set, root_or_raise

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import PluginRecord
    from agentops_lite.sources.claude_code import InstalledPlugin, KnownMarketplace

COLLIDING_KINDS = ("skill", "command", "agent", "mcp")


def build_plan(
    catalog: Catalog,
    idents: list[str],
    *,
    installed: list[InstalledPlugin] | None = None,
    known: list[KnownMarketplace] | None = None,
    config_dir: Path | None = None,
) -> InstallPlan:
    """The plan for `idents` (`plugin` or `plugin@marketplace`); NotFoundError: no such root."""
    from agentops_lite.sources import claude_code

    if not idents:
        raise NotFoundError("name at least one plugin")
    inst = installed if installed is not None else claude_code.installed_plugins(config_dir)
    markets = known if known is not None else claude_code.known_marketplaces(config_dir)
    universe = Universe(catalog)
    roots: list[PluginRecord] = []
    for ident in idents:
        record = root_or_raise(universe, ident)
        if all(install_id(r) != install_id(record) for r in roots):
            roots.append(record)
    res = resolve_set(universe, roots, inst)
    return _assemble(universe, res, roots, inst, markets)


def _assemble(
    universe: Universe,
    res: Resolution,
    roots: list[PluginRecord],
    inst: list[InstalledPlugin],
    known: list[KnownMarketplace],
) -> InstallPlan:
    from agentops_lite.discovery.compare import context_cost

    have = {f"{i.plugin}@{i.marketplace}": i for i in inst}
    plugins: list[PlannedPlugin] = []
    for nid in res.order:
        node = res.nodes[nid]
        r = node.record
        hit = have.get(nid)
        plugins.append(
            PlannedPlugin(
                plugin=r.name,
                marketplace=r.marketplace_key,
                marketplace_name=universe.declared(r),
                install_id=nid,
                version=r.entry.version,
                root=node.root,
                required_by=node.required_by,
                ranges=[x.text for x in node.ranges],
                installed=hit is not None,
                installed_version=hit.version if hit else None,
                always_on_tokens=context_cost(r).tokens,
            )
        )
    known_names = {k.name.lower() for k in known}
    # One step per catalog marketplace: two that declare the same name are two repos, and
    # each plugin's one-step install must name its own.
    by_key: dict[str, MarketplaceStep] = {}
    for p in plugins:
        if p.marketplace in by_key:
            continue
        market = universe.market_of(res.nodes[p.install_id].record)
        source = (market.repo or market.source) if market else p.marketplace
        name = p.marketplace_name
        by_key[p.marketplace] = MarketplaceStep(
            name=name, source=source, known=name.lower() in known_names
        )
    steps = list(by_key.values())
    root_ids = [install_id(r) for r in roots]
    missed = set(res.missed)
    todo_roots = [p for p in plugins if (p.root or p.install_id in missed) and not p.installed]
    adds = [["claude", "plugin", "marketplace", "add", s.source] for s in steps if not s.known]
    installs = [["claude", "plugin", "install", p.install_id] for p in todo_roots]
    root_markets = {p.marketplace for p in todo_roots}
    one_step = [
        *(
            ["claude", "plugin", "marketplace", "add", s.source]
            for key, s in by_key.items()
            if not s.known and key not in root_markets
        ),
        *(
            [
                "claude",
                "plugin",
                "install",
                p.plugin,
                "--marketplace",
                by_key[p.marketplace].source,
            ]
            for p in todo_roots
        ),
    ]
    ok = not any(p.severity == "error" for p in res.problems)
    return InstallPlan(
        roots=root_ids,
        ok=ok,
        plugins=plugins,
        marketplaces=steps,
        commands=[*adds, *installs] if todo_roots else [],
        one_step=one_step if todo_roots else [],
        already_installed=[p.install_id for p in plugins if p.installed],
        problems=res.problems,
        collisions=collisions(universe, [res.nodes[n].record for n in res.order], inst),
        always_on_tokens=sum(p.always_on_tokens or 0 for p in plugins if not p.installed),
        cost_unknown=[
            p.install_id for p in plugins if not p.installed and p.always_on_tokens is None
        ],
    )


def collisions(
    universe: Universe, records: list[PluginRecord], installed: list[InstalledPlugin]
) -> list[Collision]:
    """Component names shipped by more than one plugin of the set or of it and installed ones.

    Plugin components are namespaced (`plugin:skill`), but a bare `/skill` or an MCP server
    name resolves to one of them only (anthropics/claude-code#45818, #88838).
    """
    owners: dict[tuple[str, str], list[str]] = {}
    ids = {install_id(r) for r in records}
    extra: list[PluginRecord] = []
    for i in installed:
        iid = f"{i.plugin}@{i.marketplace}"
        if iid in ids:
            continue
        extra.extend(r for r in universe.listings(i.plugin, i.marketplace)[:1])
    for r in [*records, *extra]:
        rid = install_id(r) + ("" if install_id(r) in ids else " (installed)")
        for c in r.entry.components:
            if c.kind in COLLIDING_KINDS:
                who = owners.setdefault((c.kind, c.name.lower()), [])
                if rid not in who:
                    who.append(rid)
    return [
        Collision(kind=kind, name=name, plugins=who)
        for (kind, name), who in sorted(owners.items())
        if len(who) > 1 and any(not w.endswith(" (installed)") for w in who)
    ]


def require_ok(plan: InstallPlan) -> None:
    """Exit 1 naming the plugin and the reason when the set is broken or Claude Code refuses it."""
    blocking = [p for p in plan.problems if p.severity == "error"]
    if blocking:
        first = blocking[0]
        more = f" (+{len(blocking) - 1} more)" if len(blocking) > 1 else ""
        raise WorkflowError(f"{first.plugin}: {first.message}{more}", reported=True)


Runner = Callable[[list[str]], tuple[int, str]]


def run_claude(binary: str) -> Runner:
    """A runner that executes `claude …` argv lists through the real binary."""

    def run(argv: list[str]) -> tuple[int, str]:
        env = {**os.environ, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}
        try:
            done = subprocess.run(
                [binary, *argv[1:]],
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return 127, str(exc)
        return done.returncode, (done.stdout + done.stderr)[-2000:]

    return run


def apply(plan: InstallPlan, runner: Runner) -> ApplyResult:
    """Run the plan's commands in order, stopping at the first failure."""
    if not plan.ok:
        require_ok(plan)
    done: list[ApplyStep] = []
    for argv in plan.commands:
        code, out = runner(argv)
        done.append(ApplyStep(command=argv, exit_code=code, output=out.strip()[-1000:]))
        if code != 0:
            return ApplyResult(plan=plan, done=done, ok=False)
    return ApplyResult(plan=plan, done=done, ok=True)
