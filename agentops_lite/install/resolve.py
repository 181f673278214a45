"""Resolve plugins' `dependencies` across the catalog the way `claude plugin install` does."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentops_lite.errors import NotFoundError, UsageError
from agentops_lite.install.deps import (
    Node,
    dependencies_of,
    install_id,
    parse_dep,
    problem,
)
from agentops_lite.install.models import PlanProblem
from agentops_lite.install.semver import parse_range
from agentops_lite.install.versions import version_problems

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import MarketplaceRecord, PluginRecord
    from agentops_lite.sources.claude_code import InstalledPlugin

MAX_PLUGINS = 500  # a runaway dependency graph stops here, reported, not looped over


class Universe:
    """The catalog's marketplaces and listings as dependency resolution needs them."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.markets: list[MarketplaceRecord] = catalog.marketplaces()
        self._allow: dict[int, list[str]] = {}
        for mid, raw in catalog.conn.execute("SELECT id, raw_json FROM marketplaces"):
            doc = _json(raw)
            allow = doc.get("allowCrossMarketplaceDependenciesOn") if doc else None
            self._allow[mid] = (
                [a for a in allow if isinstance(a, str)] if isinstance(allow, list) else []
            )

    def declared(self, record: PluginRecord) -> str:
        return record.marketplace_name or record.marketplace_key

    def allow_list(self, record: PluginRecord) -> list[str]:
        mid = next((m.id for m in self.markets if m.key == record.marketplace_key), None)
        return self._allow.get(mid, []) if mid is not None else []

    def market_by_name(self, name: str) -> list[MarketplaceRecord]:
        low = name.lower()
        exact = [m for m in self.markets if (m.name or "").lower() == low]
        return exact or [m for m in self.markets if m.key.lower() == low]

    def market_of(self, record: PluginRecord) -> MarketplaceRecord | None:
        return next((m for m in self.markets if m.key == record.marketplace_key), None)

    def listings(self, name: str, marketplace: str) -> list[PluginRecord]:
        """Listings of `name` in every catalog marketplace declaring `marketplace`."""
        keys = {m.key for m in self.market_by_name(marketplace)}
        return [r for r in self.catalog.plugins(name=name) if r.marketplace_key in keys]


def _json(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        doc = json.loads(raw)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def pick_root(universe: Universe, ident: str) -> PluginRecord:
    """`plugin` or `plugin@marketplace` -> one listing; NotFoundError / UsageError (ambiguous)."""
    from agentops_lite.catalog.listings import fold
    from agentops_lite.discovery.compare import resolve

    found = resolve(universe.catalog, ident)
    groups = fold(found)
    names = sorted({install_id(r) for r in found})
    if len(groups) > 1 and len(names) > 1:
        raise UsageError(
            f"{ident!r} is ambiguous: {', '.join(names[:6])}",
            hint="name one with plugin@marketplace",
        )
    return found[0]


@dataclass
class Resolution:
    nodes: dict[str, Node]
    order: list[str]  # dependencies before their dependants
    problems: list[PlanProblem]
    missed: list[str] = field(default_factory=list)  # needed, but Claude Code won't bring them


def claude_closure(nodes: dict[str, Node], roots: list[str]) -> set[str]:
    """What `claude plugin install ROOT` brings: every dependency of the root, and of the
    dependencies only what their marketplace entries declare."""
    seen = set(roots)
    queue = [d for r in roots for d in nodes[r].deps]
    while queue:
        nid = queue.pop()
        if nid in seen or nid not in nodes:
            continue
        seen.add(nid)
        queue.extend(nodes[nid].entry_deps)
    return seen


def resolve_set(
    universe: Universe, roots: list[PluginRecord], installed: list[InstalledPlugin]
) -> Resolution:
    """Every plugin the roots need, transitively; problems instead of exceptions."""
    nodes: dict[str, Node] = {}
    problems: list[PlanProblem] = []
    for r in roots:
        nodes.setdefault(install_id(r), Node(r, root=True))
    # Breadth-first from each root; the root's own marketplace decides cross-marketplace trust
    # ("only the root marketplace's allowlist applies — no transitive trust").
    for root in roots:
        root_market = universe.declared(root)
        allowed = {a.lower() for a in universe.allow_list(root)}
        queue = [install_id(root)]
        seen = set(queue)
        while queue:
            current = nodes[queue.pop(0)]
            cur_id = install_id(current.record)
            for item, ranges_count in dependencies_of(current.record):
                spec = parse_dep(item)
                if isinstance(spec, str):
                    problems.append(problem("invalid-dependency", cur_id, spec, refuses=False))
                    continue
                market = spec.marketplace or universe.declared(current.record)
                dep_id = f"{spec.name}@{market}"
                if market.lower() != root_market.lower() and market.lower() not in allowed:
                    problems.append(
                        problem(
                            "cross-marketplace",
                            dep_id,
                            f"Dependency {dep_id} (required by {cur_id}) is in marketplace "
                            f"{market}, which is not in {root_market}'s "
                            "allowCrossMarketplaceDependenciesOn: install it manually first",
                        )
                    )
                    continue
                found = universe.listings(spec.name, market)
                if not found:
                    known = bool(universe.market_by_name(market))
                    why = "not found" if known else f"not found (is marketplace {market} added?)"
                    problems.append(
                        problem(
                            "missing", dep_id, f"Dependency {dep_id} (required by {cur_id}) {why}"
                        )
                    )
                    continue
                if len({r.marketplace_key for r in found}) > 1:
                    keys = ", ".join(sorted(r.marketplace_key for r in found))
                    problems.append(
                        problem(
                            "ambiguous",
                            dep_id,
                            f"Dependency {dep_id} (required by {cur_id}): several catalog "
                            f"marketplaces are called {market} ({keys}); the first is assumed",
                            refuses=False,
                            error=False,
                        )
                    )
                record = found[0]
                rid = install_id(record)
                node = nodes.setdefault(rid, Node(record, root=False))
                if cur_id not in node.required_by:
                    node.required_by.append(cur_id)
                if rid not in current.deps:
                    current.deps.append(rid)
                if not ranges_count and rid not in current.entry_deps:
                    current.entry_deps.append(rid)
                # Several roots walk the same edges: each dependant's range counts once.
                fresh = (cur_id, spec.version) not in node.range_from
                node.range_from.add((cur_id, spec.version))
                if spec.version and not ranges_count:
                    problems.append(
                        problem(
                            "ignored-range",
                            rid,
                            f"{cur_id} asks for {rid} {spec.version} in its marketplace entry; "
                            "Claude Code ignores version ranges there (only plugin.json's count)",
                            refuses=False,
                            error=False,
                        )
                    )
                elif spec.version and fresh:
                    try:
                        node.ranges.append(parse_range(spec.version))
                    except UsageError as exc:
                        problems.append(
                            problem("range-conflict", rid, f"{rid}: {exc.message}", refuses=False)
                        )
                if rid not in seen and len(nodes) <= MAX_PLUGINS:
                    seen.add(rid)
                    queue.append(rid)
    order, cycle = _topo(nodes, [install_id(r) for r in roots])
    if cycle:
        problems.append(problem("cycle", cycle[0], "Dependency cycle: " + " → ".join(cycle)))
    problems.extend(version_problems(universe.listings, nodes, installed))
    brought = claude_closure(nodes, [install_id(r) for r in roots])
    missed = [n for n in order if n not in brought]
    for nid in missed:
        who = ", ".join(nodes[nid].required_by)
        problems.append(
            problem(
                "not-auto-installed",
                nid,
                f"{who} declares {nid} in its plugin.json only; Claude Code follows that list "
                f"for the plugin being installed alone, so the plan installs {nid} first",
                refuses=False,
                error=False,
            )
        )
    return Resolution(nodes, order, _dedupe(problems), missed)


def _dedupe(problems: list[PlanProblem]) -> list[PlanProblem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.kind, p.message) not in seen:
            seen.add((p.kind, p.message))
            out.append(p)
    return out


def _topo(nodes: dict[str, Node], roots: list[str]) -> tuple[list[str], list[str] | None]:
    """Post-order (dependencies first) and the first cycle met, as a chain ending where it began."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    cycle: list[str] | None = None

    def visit(nid: str, stack: list[str]) -> None:
        nonlocal cycle
        if state.get(nid) == 2:
            return
        if state.get(nid) == 1:
            if cycle is None:
                cycle = [*stack[stack.index(nid) :], nid]
            return
        state[nid] = 1
        for dep in nodes[nid].deps:
            visit(dep, [*stack, nid])
        state[nid] = 2
        order.append(nid)

    for root in roots:
        visit(root, [])
    return order, cycle


def root_or_raise(universe: Universe, ident: str) -> PluginRecord:
    try:
        return pick_root(universe, ident)
    except NotFoundError as exc:
        raise NotFoundError(f"plugin {ident!r}: not in the catalog", hint=exc.hint) from None
