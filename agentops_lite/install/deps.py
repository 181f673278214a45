"""One plugin's `dependencies`: the three written forms, and where each list comes from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentops_lite.install.models import PlanProblem, ProblemKind

if TYPE_CHECKING:
    from agentops_lite.install.semver import Range
    from agentops_lite.models import PluginRecord


@dataclass(frozen=True)
class DepSpec:
    """One `dependencies` item: `"name"`, `"name@marketplace"` or `{name, version, marketplace}`."""

    name: str
    marketplace: str | None
    version: str | None

    def label(self) -> str:
        base = f"{self.name}@{self.marketplace}" if self.marketplace else self.name
        return f"{base} {self.version}" if self.version else base


def parse_dep(item: Any) -> DepSpec | str:
    """The spec, or a sentence saying why the item is not one."""
    if isinstance(item, str):
        bare, _, at = item.strip().partition("@")
        return DepSpec(bare, at or None, None) if bare else "an empty dependency name"
    if isinstance(item, dict):
        name: Any = item.get("name")
        market: Any = item.get("marketplace")
        version: Any = item.get("version")
        if not isinstance(name, str) or not name.strip():
            return "a dependency object without a string `name`"
        if market is not None and not isinstance(market, str):
            return f"dependency {name!r}: `marketplace` is not a string"
        if version is not None and not isinstance(version, str):
            return f"dependency {name!r}: `version` is not a string"
        if "@" in name and market is None:
            name, _, market = name.partition("@")
        return DepSpec(name.strip(), market or None, version)
    return f"a dependency that is neither a string nor an object: {json.dumps(item)[:60]}"


def dependencies_of(record: PluginRecord) -> list[tuple[Any, bool]]:
    """Its `dependencies` as written: (item, declared in plugin.json), the entry's first.

    Claude Code 2.1.330 (checked with the real binary) takes version ranges only from
    plugin.json, and follows a dependency's plugin.json list only when that plugin is the one
    being installed: for the others it reads the marketplace entry (the stored raw entry).
    """
    raw = record.entry.raw.get("dependencies")
    out = [(item, False) for item in (raw if isinstance(raw, list) else [])]
    return out + [(item, True) for item in record.entry.plugin_json_dependencies or ()]


@dataclass
class Node:
    record: PluginRecord
    root: bool
    required_by: list[str] = field(default_factory=list)
    ranges: list[Range] = field(default_factory=list)
    deps: list[str] = field(default_factory=list)  # install ids, in declared order
    entry_deps: list[str] = field(default_factory=list)  # those its marketplace entry declares
    range_from: set[tuple[str, str | None]] = field(default_factory=set)


def install_id(record: PluginRecord) -> str:
    return f"{record.name}@{record.marketplace_name or record.marketplace_key}"


def problem(
    kind: ProblemKind, plugin: str, message: str, *, refuses: bool = True, error: bool = True
) -> PlanProblem:
    return PlanProblem(
        kind=kind,
        plugin=plugin,
        message=message,
        severity="error" if error else "warning",
        claude_refuses=refuses,
    )
