"""Tolerant parsing of marketplace.json and plugin.json: keep every good entry, report defects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentops_lite.models import MarketplaceManifest, PluginEntry, Problem
from agentops_lite.names import (
    RESERVED_MARKETPLACE_NAMES,
    clean_text,
    is_valid_id,
    marketplace_name_issue,
    plugin_json_name_issue,
    reserved_plugin_name,
)
from agentops_lite.plugin_source import parse_source
from agentops_lite.safejson import load_json

MAX_DESCRIPTION_CHARS = 4000  # longer blurbs are truncated (with a warning) before storage
MAX_SHORT_CHARS = 200  # names, versions, categories, keywords
MAX_PLUGINS = 20_000  # entries beyond this are ignored with an error

KNOWN_TOP_KEYS = frozenset(
    {
        "$schema",
        "name",
        "owner",
        "plugins",
        "description",
        "version",
        "metadata",
        "forceRemoveDeletedPlugins",
        "allowCrossMarketplaceDependenciesOn",
        "renames",
    }
)
KNOWN_ENTRY_KEYS = frozenset(
    {
        "name",
        "source",
        "description",
        "version",
        "category",
        "tags",
        "keywords",
        "strict",
        "relevance",
        "dependencies",
        "defaultEnabled",
        "displayName",
        "metadata",
        "headers",
        "headersHelper",
        "author",
        "homepage",
        "repository",
        "license",
        "$schema",
        "commands",
        "agents",
        "skills",
        "hooks",
        "mcpServers",
        "lspServers",
        "outputStyles",
        "userConfig",
        "channels",
        "settings",
        "workflows",
        "experimental",
        "themes",
        "monitors",
        "icon",
        "documentationUrl",
        "supportUrl",
        "privacyPolicyUrl",
        "termsOfServiceUrl",
    }
)


def _err(path: str, code: str, message: str) -> Problem:
    return Problem(severity="error", path=path, message=message, code=code)


def _warn(path: str, code: str, message: str) -> Problem:
    return Problem(severity="warning", path=path, message=message, code=code)


@dataclass
class _Fields:
    """Reads typed fields out of one JSON object, recording a problem for each defect."""

    obj: dict[str, Any]
    path: str
    problems: list[Problem] = field(default_factory=list)

    def _p(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, max_chars: int = MAX_SHORT_CHARS) -> str | None:
        val = self.obj.get(key)
        if val is None:
            return None
        if isinstance(val, (int, float)) and not isinstance(val, bool) and key == "version":
            self.problems.append(_warn(self._p(key), "wrong-type", f"'{key}' should be a string"))
            val = str(val)
        if not isinstance(val, str):
            self.problems.append(_err(self._p(key), "wrong-type", f"'{key}' must be a string"))
            return None
        cleaned, controls, truncated = clean_text(val, max_chars)
        if controls:
            self.problems.append(
                _warn(self._p(key), "control-characters", f"'{key}' has control characters")
            )
        if truncated:
            self.problems.append(
                _warn(self._p(key), "too-long", f"'{key}' is {len(val):,} characters; cut")
            )
        return cleaned or None

    def words(self, key: str) -> tuple[str, ...]:
        val = self.obj.get(key)
        if val is None:
            return ()
        if isinstance(val, str):
            self.problems.append(
                _warn(self._p(key), "keywords-string", f"'{key}' should be an array of strings")
            )
            val = val.replace(";", ",").split(",")
        if not isinstance(val, list):
            self.problems.append(_err(self._p(key), "wrong-type", f"'{key}' must be an array"))
            return ()
        out: list[str] = []
        for item in val[:100]:
            if isinstance(item, str):
                cleaned = clean_text(item, MAX_SHORT_CHARS)[0]
                if cleaned and cleaned not in out:
                    out.append(cleaned)
        if any(not isinstance(v, str) for v in val):
            self.problems.append(
                _warn(self._p(key), "wrong-type", f"'{key}' has items that are not strings")
            )
        return tuple(out)

    def person(self, key: str) -> str | None:
        val = self.obj.get(key)
        if val is None:
            return None
        if isinstance(val, str):
            return clean_text(val, MAX_SHORT_CHARS)[0] or None
        if isinstance(val, dict):
            name = val.get("name")
            if isinstance(name, str) and name.strip():
                return clean_text(name, MAX_SHORT_CHARS)[0]
            self.problems.append(_err(self._p(key), "missing-field", f"'{key}.name' is required"))
            return None
        self.problems.append(_err(self._p(key), "wrong-type", f"'{key}' must be an object"))
        return None

    def url_or_object(self, key: str) -> str | None:
        val = self.obj.get(key)
        if isinstance(val, dict) and isinstance(val.get("url"), str):
            self.problems.append(
                _warn(self._p(key), "wrong-type", f"'{key}' should be a string, not an object")
            )
            return clean_text(str(val["url"]), 500)[0]
        return self.text(key, 500)

    def boolean(self, key: str) -> bool | None:
        val = self.obj.get(key)
        if val is None or isinstance(val, bool):
            return val
        self.problems.append(_err(self._p(key), "wrong-type", f"'{key}' must be true or false"))
        return None


def parse_marketplace(data: bytes, *, repo: str | None = None) -> MarketplaceManifest:
    """Parse marketplace.json bytes. Never raises: unreadable input gives a problem."""
    value, problem = load_json(data)
    if problem is not None:
        return MarketplaceManifest(problems=(problem,))
    return parse_marketplace_value(value, repo=repo)


def parse_marketplace_value(value: Any, *, repo: str | None = None) -> MarketplaceManifest:
    """Parse an already-decoded marketplace document."""
    problems: list[Problem] = []
    if (
        isinstance(value, dict)
        and set(value) == {"marketplace"}
        and isinstance(value["marketplace"], dict)
    ):
        problems.append(
            _err(
                "marketplace",
                "wrapped-marketplace",
                "the manifest is wrapped in a 'marketplace' object; move its keys to the top",
            )
        )
        value = value["marketplace"]
    if not isinstance(value, dict):
        kind = "an array" if isinstance(value, list) else "not an object"
        return MarketplaceManifest(
            problems=(_err("", "not-an-object", f"the manifest is {kind}, expected an object"),)
        )
    top = _Fields(value, "")
    name = top.text("name")
    if name is None and "name" not in value:
        problems.append(_err("name", "missing-field", "missing marketplace 'name'"))
    elif name is not None and (issue := marketplace_name_issue(name, repo)):
        problems.append(_err("name", "invalid-name", issue))
    owner = None
    if "owner" not in value:
        problems.append(_err("owner", "missing-field", "missing 'owner'"))
    else:
        owner = top.person("owner")
    raw_meta = value.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    meta_f = _Fields(meta, "metadata")
    description = top.text("description", MAX_DESCRIPTION_CHARS) or meta_f.text(
        "description", MAX_DESCRIPTION_CHARS
    )
    if description is None:
        problems.append(_warn("description", "missing-description", "no marketplace description"))
    version = top.text("version") or meta_f.text("version")
    plugin_root = meta_f.text("pluginRoot")
    if "metadata" in value and not isinstance(value["metadata"], dict):
        problems.append(_err("metadata", "wrong-type", "'metadata' must be an object"))
    problems.extend(
        _warn(k, "unknown-field", f"unknown field '{k}'") for k in value if k not in KNOWN_TOP_KEYS
    )
    entries: list[PluginEntry] = []
    plugins = value.get("plugins")
    if plugins is None:
        problems.append(_err("plugins", "missing-field", "missing 'plugins' array"))
    elif not isinstance(plugins, list):
        problems.append(_err("plugins", "wrong-type", "'plugins' must be an array"))
    else:
        if len(plugins) > MAX_PLUGINS:
            problems.append(_err("plugins", "too-many", f"only the first {MAX_PLUGINS} are read"))
        # Claude Code lets a marketplace under an official name use Anthropic-like plugin names.
        official = (name or "").lower() in RESERVED_MARKETPLACE_NAMES
        for i, raw in enumerate(plugins[:MAX_PLUGINS]):
            entry, entry_problems = parse_entry(raw, i, plugin_root, official=official)
            if entry is None:
                problems.extend(entry_problems)
            else:
                entries.append(entry)
        entries = _flag_duplicates(entries)
    problems.extend(top.problems)
    problems.extend(meta_f.problems)
    return MarketplaceManifest(
        name=name,
        owner=owner,
        description=description,
        version=version,
        plugin_root=plugin_root,
        plugins=tuple(entries),
        problems=tuple(problems),
        raw=value,
    )


def parse_entry(
    raw: Any, index: int, plugin_root: str | None, *, official: bool = False
) -> tuple[PluginEntry | None, list[Problem]]:
    """Parse one plugins[] entry on its own. None when it has no usable name."""
    path = f"plugins[{index}]"
    if not isinstance(raw, dict):
        return None, [_err(path, "wrong-type", f"entry is {type(raw).__name__}, not an object")]
    f = _Fields(raw, path)
    name = f.text("name")
    if name is None:
        f.problems.append(_err(f"{path}.name", "missing-field", "entry has no 'name'"))
        return None, f.problems
    if not is_valid_id(name):
        f.problems.append(
            _err(
                f"{path}.name",
                "invalid-name",
                f"plugin name {name!r} must use letters, digits, '.', '_' and '-'",
            )
        )
    elif reserved_plugin_name(name) and not official:
        message = f"plugin name {name!r} is reserved: it passes as one of Anthropic's own"
        f.problems.append(_err(f"{path}.name", "reserved-name", message))
    source, source_problems = parse_source(raw.get("source"), f"{path}.source", plugin_root)
    f.problems.extend(source_problems)
    f.problems.extend(
        _warn(f"{path}.{k}", "unknown-field", f"unknown field '{k}'")
        for k in raw
        if k not in KNOWN_ENTRY_KEYS
    )
    entry = PluginEntry(
        name=name,
        index=index,
        description=f.text("description", MAX_DESCRIPTION_CHARS),
        version=f.text("version"),
        category=f.text("category"),
        keywords=f.words("keywords"),
        tags=f.words("tags"),
        author=f.person("author"),
        homepage=f.text("homepage", 500),
        repository=f.url_or_object("repository"),
        license=f.text("license"),
        source=source,
        strict=f.boolean("strict"),
        problems=tuple(f.problems),
        raw=raw,
    )
    return entry, []


def _flag_duplicates(entries: list[PluginEntry]) -> list[PluginEntry]:
    seen: dict[str, str] = {}
    out: list[PluginEntry] = []
    for e in entries:
        folded = e.name.lower()
        extra: Problem | None = None
        if folded in seen:
            first = seen[folded]
            if first == e.name:
                message = f"duplicate plugin name {e.name!r}"
                extra = _err(f"plugins[{e.index}].name", "duplicate-name", message)
            else:
                message = f"plugin name {e.name!r} differs from {first!r} only by case"
                extra = _warn(f"plugins[{e.index}].name", "duplicate-name-case", message)
        else:
            seen[folded] = e.name
        out.append(e if extra is None else e.model_copy(update={"problems": (*e.problems, extra)}))
    return out


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
                    _err(f"{path}.{where}", "path-not-dot-slash", f"{item!r} must start with './'")
                )
            elif suffixes and not item.lower().endswith(suffixes):
                problems.append(
                    _err(
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
        return PluginJson(problems=[_err(path, "not-an-object", "plugin.json is not an object")])
    f = _Fields(value, path)
    name = f.text("name")
    if name is None:
        f.problems.append(_err(f"{path}.name", "missing-field", "plugin.json has no 'name'"))
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
            f.problems.append(_err(f"{path}.{key}", "wrong-type", f"'{key}' must be {want}"))
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
