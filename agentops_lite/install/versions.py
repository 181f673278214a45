"""Version ranges as Claude Code 2.1.330 checks them, and what it leaves unchecked."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from agentops_lite.errors import UsageError
from agentops_lite.install.deps import DepSpec, Node, dependencies_of, parse_dep, problem
from agentops_lite.install.models import PlanProblem
from agentops_lite.install.semver import Range, intersect, parse_range, parse_version

if TYPE_CHECKING:
    from agentops_lite.models import PluginRecord
    from agentops_lite.sources.claude_code import InstalledPlugin

Listings = Callable[[str, str], list["PluginRecord"]]  # plugin, marketplace -> listings


def _installed_ranges(
    listings: Listings, nodes: dict[str, Node], installed: list[InstalledPlugin]
) -> dict[str, list[Range]]:
    """Ranges that installed plugins outside the set already put on each dependency."""
    out: dict[str, list[Range]] = {}
    for inst in installed:
        iid = f"{inst.plugin}@{inst.marketplace}"
        if iid in nodes:
            continue
        for record in listings(inst.plugin, inst.marketplace)[:1]:
            for item, ranges_count in dependencies_of(record):
                if not ranges_count:
                    continue
                spec = parse_dep(item)
                if isinstance(spec, DepSpec) and spec.version:
                    dep = f"{spec.name}@{spec.marketplace or inst.marketplace}"
                    try:
                        out.setdefault(dep, []).append(parse_range(spec.version))
                    except UsageError:
                        continue
    return out


def version_problems(
    listings: Listings, nodes: dict[str, Node], installed: list[InstalledPlugin]
) -> list[PlanProblem]:
    """What Claude Code 2.1.330 checks: only dependencies already installed are held to ranges
    (the new ones' and the installed dependants'); ranges among plugins installed together
    are not intersected, so such a set installs, broken. We report both."""
    out: list[PlanProblem] = []
    have = {f"{i.plugin}@{i.marketplace}": i for i in installed}
    pinned = _installed_ranges(listings, nodes, installed)
    for nid, node in nodes.items():
        inst = have.get(nid)
        ranges = [*node.ranges, *(pinned.get(nid, []) if inst is not None else [])]
        if not ranges:
            continue
        texts = ", ".join(r.text for r in ranges)
        try:
            overlap = intersect(ranges)
        except UsageError as exc:
            out.append(problem("range-conflict", nid, f"Dependency {nid}: {exc.message}"))
            continue
        if overlap is None:
            message = (
                f"Dependency {nid} has conflicting version requirements "
                f"(no version satisfies all of: {texts})"
            )
            if inst is None:
                message += "; Claude Code installs the set anyway"
            out.append(problem("range-conflict", nid, message, refuses=inst is not None))
            continue
        if inst is not None:
            v = parse_version(inst.version or "")
            if v is None or not all(r.satisfied_by(v) for r in ranges):
                out.append(
                    problem(
                        "installed-unsatisfied",
                        nid,
                        f"Dependency {nid} is installed at {inst.version or 'an unknown version'}"
                        f", which does not satisfy: {texts}",
                    )
                )
            continue
        declared = parse_version(node.record.entry.version or "")
        if declared is not None and not all(r.satisfied_by(declared) for r in ranges):
            out.append(
                problem(
                    "no-version-in-range",
                    nid,
                    f"Dependency {nid} is listed at {declared}, which does not satisfy {texts}; "
                    "Claude Code installs the listed version anyway",
                    refuses=False,
                )
            )
    return out
