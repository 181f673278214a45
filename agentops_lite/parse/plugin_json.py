"""Tolerant parsing of a plugin's .claude-plugin/plugin.json."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentops_lite.models import Problem
from agentops_lite.parse.manifest_fields import (
    MAX_DESCRIPTION_CHARS,
    MAX_SHORT_CHARS,
    FieldReader,
    err,
)
from agentops_lite.parse.names import plugin_json_name_issue
from agentops_lite.parse.safejson import load_json

# Component path fields of plugin.json and the file suffix a single path must have, if any.
PATH_FIELDS: dict[str, tuple[str, ...]] = {
    "commands": (),
    "agents": (".md",),
    "skills": (),
    "outputStyles": (),
    "hooks": (".json",),
    "mcpServers": (".json", ".mcpb", ".dxt"),
    "lspServers": (".json",),
}


def _component_path_problems(value: dict[str, Any], path: str) -> list[Problem]:
    """Declared component paths must start with './' (and agents end in .md, hooks in .json)."""
    problems: list[Problem] = []
    for key, suffixes in PATH_FIELDS.items():
        val = value.get(key)
        items = [(f"{key}", val)] if isinstance(val, str) else []
        if isinstance(val, list):
            items = [(f"{key}[{i}]", v) for i, v in enumerate(val) if isinstance(v, str)]
        for where, item in items:
            if item.startswith(("http://", "https://")) and key == "mcpServers":
                continue
            if not item.startswith("./"):
                problems.append(
                    err(f"{path}.{where}", "path-not-dot-slash", f"{item!r} must start with './'")
                )
            elif suffixes and not item.lower().endswith(suffixes):
                problems.append(
                    err(
                        f"{path}.{where}",
                        "path-suffix",
                        f"{item!r} must end with {' or '.join(suffixes)}",
                    )
                )
    return problems


@dataclass
class PluginJson:
    """The fields of a plugin.json that the catalog uses."""

    name: str | None = None
    description: str | None = None
    version: str | None = None
    author: str | None = None
    homepage: str | None = None
    repository: str | None = None
    license: str | None = None
    keywords: tuple[str, ...] = ()
    category: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def parse_plugin_json(
    data: bytes, path: str = "plugin.json", *, official: bool = False
) -> PluginJson:
    """Parse a plugin's .claude-plugin/plugin.json. Never raises."""
    value, problem = load_json(data, max_bytes=1024 * 1024)
    if problem is not None:
        return PluginJson(problems=[problem.model_copy(update={"path": path})])
    if not isinstance(value, dict):
        return PluginJson(problems=[err(path, "not-an-object", "plugin.json is not an object")])
    f = FieldReader(value, path)
    name = f.text("name")
    if name is None:
        f.problems.append(err(f"{path}.name", "missing-field", "plugin.json has no 'name'"))
    elif issue := plugin_json_name_issue(name, official=official):
        sev, msg = issue
        f.problems.append(Problem(severity=sev, path=f"{path}.name", message=msg, code="bad-name"))
    expected: dict[str, tuple[str, type]] = {
        "author": ("an object", dict),
        "repository": ("a string", str),
        "dependencies": ("an array", list),
        "keywords": ("an array", list),
    }
    for key, (want, kind) in expected.items():
        if value.get(key) is not None and not isinstance(value[key], kind):
            # Claude Code refuses to load these (validate: "Invalid input: expected …").
            f.problems.append(err(f"{path}.{key}", "wrong-type", f"'{key}' must be {want}"))
    f.problems.extend(_component_path_problems(value, path))
    categories = value.get("categories")
    category = f.text("category")
    if category is None and isinstance(categories, list) and categories:
        category = str(categories[0])[:MAX_SHORT_CHARS]
    return PluginJson(
        name=name,
        description=f.text("description", MAX_DESCRIPTION_CHARS),
        version=f.text("version"),
        author=f.person("author"),
        homepage=f.text("homepage", 500),
        repository=f.url_or_object("repository"),
        license=f.text("license"),
        keywords=f.words("keywords"),
        category=category,
        raw=value,
        problems=f.problems,
    )
