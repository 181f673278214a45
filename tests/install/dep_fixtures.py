"""Fixture marketplaces with dependencies: ranges, cross-marketplace, conflict, cycle, collision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# plugin -> (version, dependencies, skill names)
ALPHA: dict[str, tuple[str | None, list[Any], list[str]]] = {
    "app": ("1.0.0", ["lib", {"name": "util", "version": "^1.2.0"}, "shared@beta"], ["app-run"]),
    "lib": ("1.0.0", [{"name": "util", "version": ">=1.0.0 <2"}], ["lib-help"]),
    "util": ("1.3.0", [], ["format"]),
    "clash": ("1.0.0", ["lib"], ["format"]),
    "conflict": ("1.0.0", [{"name": "util", "version": "^1.0.0"}, "pinner"], ["conflict-x"]),
    "pinner": ("1.0.0", [{"name": "util", "version": "~2.0.0"}], ["pinner-x"]),
    "cyc-a": ("1.0.0", ["cyc-b"], ["cyc-a-x"]),
    "cyc-b": ("1.0.0", ["cyc-a"], ["cyc-b-x"]),
    "cross-bad": ("1.0.0", ["other@gamma"], ["cross-x"]),
    "missing-dep": ("1.0.0", ["nope"], ["missing-x"]),
    "old": ("1.0.0", [{"name": "util", "version": "^2.0.0"}], ["old-x"]),
}
BETA: dict[str, tuple[str | None, list[Any], list[str]]] = {
    "shared": ("0.1.0", [], ["shared-x"]),
}
GAMMA: dict[str, tuple[str | None, list[Any], list[str]]] = {
    "other": ("1.0.0", [], ["other-x"]),
}


def write_market(
    root: Path,
    name: str,
    plugins: dict[str, tuple[str | None, list[Any], list[str]]],
    allow: list[str] | None = None,
) -> Path:
    entries = []
    for plugin, (version, deps, skills) in plugins.items():
        entry: dict[str, Any] = {
            "name": plugin,
            "source": f"./plugins/{plugin}",
            "description": f"{plugin} fixture",
        }
        if version:
            entry["version"] = version
        # Claude Code takes version ranges from plugin.json only, so a list with a range goes
        # there; plain lists stay in the marketplace entry (both places are read).
        if deps and any(isinstance(d, dict) and "version" in d for d in deps):
            manifest = root / "plugins" / plugin / ".claude-plugin" / "plugin.json"
            manifest.parent.mkdir(parents=True, exist_ok=True)
            manifest.write_text(
                json.dumps({"name": plugin, "version": version, "dependencies": deps})
            )
        elif deps:
            entry["dependencies"] = deps
        entries.append(entry)
        for skill in skills:
            target = root / "plugins" / plugin / "skills" / skill / "SKILL.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                f"---\nname: {skill}\ndescription: {skill} of {plugin}\n---\nDo it.\n"
            )
    doc: dict[str, Any] = {"name": name, "owner": {"name": "Tester"}, "plugins": entries}
    doc["description"] = f"{name} fixture marketplace"
    if allow:
        doc["allowCrossMarketplaceDependenciesOn"] = allow
    (root / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    (root / ".claude-plugin" / "marketplace.json").write_text(json.dumps(doc, indent=2))
    return root


def write_all(base: Path) -> dict[str, Path]:
    return {
        "alpha": write_market(base / "alpha", "alpha", ALPHA, allow=["beta"]),
        "beta": write_market(base / "beta", "beta", BETA),
        "gamma": write_market(base / "gamma", "gamma", GAMMA),
    }
