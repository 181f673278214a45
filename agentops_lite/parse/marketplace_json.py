"""Tolerant parsing of marketplace.json: keep every good entry, report every defect."""

from __future__ import annotations

from typing import Any

from agentops_lite.models import MarketplaceManifest, PluginEntry, Problem
from agentops_lite.parse.manifest_fields import (
    MAX_DESCRIPTION_CHARS,
    FieldReader,
    err,
    warn,
)
from agentops_lite.parse.names import (
    RESERVED_MARKETPLACE_NAMES,
    is_valid_id,
    marketplace_name_issue,
    reserved_plugin_name,
)
from agentops_lite.parse.plugin_source import parse_source
from agentops_lite.parse.safejson import load_json_isolating

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


def parse_marketplace(data: bytes, *, repo: str | None = None) -> MarketplaceManifest:
    """Parse marketplace.json bytes. Never raises: unreadable input gives a problem."""
    value, problem, too_deep = load_json_isolating(data, "plugins")
    if problem is not None:
        return MarketplaceManifest(problems=(problem,))
    return parse_marketplace_value(value, repo=repo, too_deep=too_deep)


def parse_marketplace_value(
    value: Any, *, repo: str | None = None, too_deep: frozenset[int] = frozenset()
) -> MarketplaceManifest:
    """Parse an already-decoded marketplace document; `too_deep`: plugins[] indexes that were
    nested too deeply to decode (each is an error on that entry alone)."""
    problems: list[Problem] = []
    if (
        isinstance(value, dict)
        and set(value) == {"marketplace"}
        and isinstance(value["marketplace"], dict)
    ):
        problems.append(
            err(
                "marketplace",
                "wrapped-marketplace",
                "the manifest is wrapped in a 'marketplace' object; move its keys to the top",
            )
        )
        value = value["marketplace"]
    if not isinstance(value, dict):
        kind = "an array" if isinstance(value, list) else "not an object"
        return MarketplaceManifest(
            problems=(err("", "not-an-object", f"the manifest is {kind}, expected an object"),)
        )
    top = FieldReader(value, "")
    name = top.text("name")
    if name is None and "name" not in value:
        problems.append(err("name", "missing-field", "missing marketplace 'name'"))
    elif name is not None and (issue := marketplace_name_issue(name, repo)):
        problems.append(err("name", "invalid-name", issue))
    owner = None
    if "owner" not in value:
        problems.append(err("owner", "missing-field", "missing 'owner'"))
    else:
        owner = top.person("owner")
    raw_meta = value.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    meta_f = FieldReader(meta, "metadata")
    description = top.text("description", MAX_DESCRIPTION_CHARS) or meta_f.text(
        "description", MAX_DESCRIPTION_CHARS
    )
    if description is None:
        problems.append(warn("description", "missing-description", "no marketplace description"))
    version = top.text("version") or meta_f.text("version")
    plugin_root = meta_f.text("pluginRoot")
    if "metadata" in value and not isinstance(value["metadata"], dict):
        problems.append(err("metadata", "wrong-type", "'metadata' must be an object"))
    problems.extend(
        warn(k, "unknown-field", f"unknown field '{k}'") for k in value if k not in KNOWN_TOP_KEYS
    )
    entries: list[PluginEntry] = []
    plugins = value.get("plugins")
    if plugins is None:
        problems.append(err("plugins", "missing-field", "missing 'plugins' array"))
    elif not isinstance(plugins, list):
        problems.append(err("plugins", "wrong-type", "'plugins' must be an array"))
    else:
        if len(plugins) > MAX_PLUGINS:
            problems.append(err("plugins", "too-many", f"only the first {MAX_PLUGINS} are read"))
        # Claude Code lets a marketplace under an official name use Anthropic-like plugin names.
        official = (name or "").lower() in RESERVED_MARKETPLACE_NAMES
        for i, raw in enumerate(plugins[:MAX_PLUGINS]):
            if i in too_deep:
                problems.append(
                    err(f"plugins[{i}]", "entry-too-deep", "entry nested too deeply to read")
                )
                continue
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
        return None, [err(path, "wrong-type", f"entry is {type(raw).__name__}, not an object")]
    f = FieldReader(raw, path)
    name = f.text("name")
    if name is None:
        f.problems.append(err(f"{path}.name", "missing-field", "entry has no 'name'"))
        return None, f.problems
    if not is_valid_id(name):
        f.problems.append(
            err(
                f"{path}.name",
                "invalid-name",
                f"plugin name {name!r} must use letters, digits, '.', '_' and '-'",
            )
        )
    elif reserved_plugin_name(name) and not official:
        message = f"plugin name {name!r} is reserved: it passes as one of Anthropic's own"
        f.problems.append(err(f"{path}.name", "reserved-name", message))
    source, source_problems = parse_source(raw.get("source"), f"{path}.source", plugin_root)
    f.problems.extend(source_problems)
    f.problems.extend(
        warn(f"{path}.{k}", "unknown-field", f"unknown field '{k}'")
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
                extra = err(f"plugins[{e.index}].name", "duplicate-name", message)
            else:
                message = f"plugin name {e.name!r} differs from {first!r} only by case"
                extra = warn(f"plugins[{e.index}].name", "duplicate-name-case", message)
        else:
            seen[folded] = e.name
        out.append(e if extra is None else e.model_copy(update={"problems": (*e.problems, extra)}))
    return out
