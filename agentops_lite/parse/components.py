"""Deep enrichment of relative-path plugins from any file tree (local folder or in-memory tarball).

One function serves every source so a plugin reads the same whether it came from disk or GitHub.
"""

from __future__ import annotations

import posixpath
from typing import Any, Protocol

from agentops_lite.models import (
    Component,
    ComponentKind,
    MarketplaceManifest,
    PluginEntry,
    Problem,
    RunItem,
    Severity,
)
from agentops_lite.parse.frontmatter import parse_frontmatter
from agentops_lite.parse.names import RESERVED_MARKETPLACE_NAMES
from agentops_lite.parse.plugin_files import HashingTree, declared_hosts, host_of, read_plugin_files
from agentops_lite.parse.plugin_json import PluginJson, parse_plugin_json
from agentops_lite.parse.safejson import load_json
from agentops_lite.parse.safepath import path_issue, shown

MAX_MD_BYTES = 64 * 1024  # only the frontmatter matters; cap what is read per file
MAX_JSON_BYTES = 1024 * 1024
MAX_COMPONENTS = 400  # per plugin; beyond this the rest are not listed
MAX_LIST = 2000  # directory entries considered per folder
PATH_KEYS = ("commands", "agents", "skills", "outputStyles", "hooks", "mcpServers", "lspServers")


class FileTree(Protocol):
    """Read-only view of a repository. Paths are posix, relative to the tree root."""

    def read_bytes(self, path: str, max_bytes: int) -> bytes | None:
        """At most `max_bytes` of the file, or None if it is missing or not a file."""
        ...

    def list_dir(self, path: str) -> list[str] | None:
        """Names of the entries directly in `path`, or None if it is not a directory."""
        ...


def _join(*parts: str) -> str:
    kept = [p for p in parts if p]
    joined = posixpath.normpath(posixpath.join(*kept)) if kept else "."
    return "" if joined == "." else joined


def _safe_rel(path: str) -> str | None:
    """A component path from a manifest, if it stays inside the plugin (no '..', not absolute)."""
    p = path.strip().replace("\\", "/")
    if p.startswith("/") or ".." in p.split("/") or path_issue(p) is not None:
        return None
    return _join(p)


def _paths(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


class _Collector:
    def __init__(self, tree: FileTree, plugin_dir: str, entry_path: str) -> None:
        self.tree = tree
        self.dir = plugin_dir
        self.entry_path = entry_path
        self.components: list[Component] = []
        self.problems: list[Problem] = []
        self._seen: set[tuple[str, str]] = set()
        # Every hook command and server (components keep one per event/name): the trust view.
        self.runs: list[RunItem] = []
        self.hosts: list[str] = []

    def add(
        self, kind: ComponentKind, name: str, description: str | None, cmd: str | None = None
    ) -> None:
        if len(self.components) >= MAX_COMPONENTS or (kind, name) in self._seen:
            return
        self._seen.add((kind, name))
        self.components.append(
            Component(kind=kind, name=name[:200], description=description, command=cmd)
        )

    def warn(self, rel: str, code: str, message: str) -> None:
        self._add_problem("warning", rel, code, message)

    def error(self, rel: str, code: str, message: str) -> None:
        self._add_problem("error", rel, code, message)

    def _add_problem(self, severity: Severity, rel: str, code: str, message: str) -> None:
        path = f"{self.entry_path}:{rel}"
        self.problems.append(Problem(severity=severity, path=path, message=message, code=code))

    def exists(self, rel: str) -> bool:
        target = _join(self.dir, rel)
        return self.tree.list_dir(target) is not None or self.tree.read_bytes(target, 1) is not None

    def flag_bad_paths(self, manifest: dict[str, Any]) -> None:
        """Component paths no file can have (NUL, controls, too long): skipped, and said so."""
        for key in PATH_KEYS:
            val = manifest.get(key)
            items = [v for v in val if isinstance(v, str)] if isinstance(val, list) else [val]
            for item in items:
                if isinstance(item, str) and (issue := path_issue(item)) is not None:
                    self.error(key, "bad-path", f"{key} path {shown(item)!r} skipped: {issue}")

    def check_declared_paths(self, manifest: dict[str, Any]) -> None:
        """Declared component paths that do not exist fail at load time in Claude Code."""
        for key in ("commands", "agents", "skills", "outputStyles", "hooks", "lspServers"):
            val = manifest.get(key)
            items = [(key, val)] if isinstance(val, str) else []
            if isinstance(val, list):
                items = [(f"{key}[{i}]", v) for i, v in enumerate(val) if isinstance(v, str)]
            for where, item in items:
                rel = _safe_rel(item)
                if item.startswith("./") and rel is not None and not self.exists(rel):
                    where = f".claude-plugin/plugin.json.{where}"
                    self.error(where, "path-not-found", f"declared path {item!r} does not exist")

    def markdown(self, kind: ComponentKind, rel_file: str, default_name: str) -> None:
        data = self.tree.read_bytes(_join(self.dir, rel_file), MAX_MD_BYTES)
        if data is None:
            return
        fm = parse_frontmatter(data.decode("utf-8", "replace"), fallback_description=True)
        if kind in ("agent", "skill") and not fm.present:
            self.warn(rel_file, f"{kind}-no-frontmatter", f"{rel_file} has no YAML frontmatter")
        name = default_name if kind == "command" else (fm.name or default_name)
        self.add(kind, name, fm.description)

    def md_dir(self, kind: ComponentKind, rel_dir: str) -> None:
        for n in sorted(self.tree.list_dir(_join(self.dir, rel_dir)) or [])[:MAX_LIST]:
            if n.endswith(".md") and n.lower() != "readme.md":
                self.markdown(kind, _join(rel_dir, n), n[:-3])

    def skills_dir(self, rel_dir: str) -> None:
        names = self.tree.list_dir(_join(self.dir, rel_dir)) or []
        if "SKILL.md" in names:
            self.markdown("skill", _join(rel_dir, "SKILL.md"), posixpath.basename(rel_dir))
            return
        for n in sorted(names)[:MAX_LIST]:
            self.markdown("skill", _join(rel_dir, n, "SKILL.md"), n)

    def json_file(self, rel: str) -> Any:
        data = self.tree.read_bytes(_join(self.dir, rel), MAX_JSON_BYTES)
        if data is None:
            return None
        value, problem = load_json(data, max_bytes=MAX_JSON_BYTES)
        if problem is not None:
            self.warn(rel, problem.code, f"{rel}: {problem.message}")
        return value

    def hooks_file(self, rel: str) -> None:
        value = self.json_file(rel)
        shaped = isinstance(value, dict) and (
            isinstance(value.get("hooks"), dict) or "modules" in value
        )
        if value is not None and not shaped:
            message = f"{rel} must be an object whose 'hooks' is an object of events"
            self.error(rel, "bad-hooks-file", message)
        self.hooks(value)

    def hooks(self, value: Any) -> None:
        if isinstance(value, dict) and isinstance(value.get("hooks"), dict):
            value = value["hooks"]
        if not isinstance(value, dict):
            return
        for event, matchers in value.items():
            for m in matchers if isinstance(matchers, list) else []:
                inner = m.get("hooks") if isinstance(m, dict) else None
                for h in inner if isinstance(inner, list) else []:
                    if isinstance(h, dict):
                        cmd = h.get("command") or h.get("url") or h.get("prompt")
                        self.add("hook", str(event), None, str(cmd)[:500] if cmd else None)
                        self._hook_run(str(event), m, h, cmd)

    def _hook_run(self, event: str, matcher: Any, hook: dict[str, Any], cmd: Any) -> None:
        kind = hook.get("type") if isinstance(hook.get("type"), str) else "command"
        match = matcher.get("matcher") if isinstance(matcher, dict) else None
        detail = f"{kind} {match}" if isinstance(match, str) and match else str(kind)
        if isinstance(hook.get("args"), list):
            cmd = " ".join([str(cmd), *[str(a) for a in hook["args"]]])
        if kind == "http" and isinstance(hook.get("url"), str) and (h := host_of(hook["url"])):
            self.hosts.append(h)
        text = str(cmd)[:500] if cmd else None
        self.runs.append(RunItem(kind="hook", name=event[:200], command=text, detail=detail[:200]))

    def servers(self, kind: ComponentKind, value: Any, key: str) -> None:
        if isinstance(value, dict) and isinstance(value.get(key), dict):
            value = value[key]
        if not isinstance(value, dict):
            return
        for name, conf in value.items():
            cmd: str | None = None
            if isinstance(conf, dict):
                if isinstance(conf.get("command"), str):
                    raw_args = conf.get("args")
                    args: list[Any] = raw_args if isinstance(raw_args, list) else []
                    cmd = " ".join([conf["command"], *[str(a) for a in args]])[:500]
                elif isinstance(conf.get("url"), str):
                    cmd = conf["url"][:500]
            self.add(kind, str(name), None, cmd)
            self._server_run(kind, str(name), conf, cmd)

    def _server_run(self, kind: ComponentKind, name: str, conf: Any, cmd: str | None) -> None:
        if kind not in ("mcp", "lsp"):
            return
        transport = conf.get("type") if isinstance(conf, dict) else None
        url = conf.get("url") if isinstance(conf, dict) else None
        if isinstance(url, str) and (host := host_of(url)):
            self.hosts.append(host)
        if isinstance(conf, dict):
            self.hosts.extend(declared_hosts(conf.get("network")))
        detail = str(transport) if isinstance(transport, str) else ("url" if url else "stdio")
        item = RunItem(kind=kind, name=name[:200], command=cmd, detail=detail[:50])
        if item not in self.runs:
            self.runs.append(item)

    def inline_or_file(self, value: Any) -> list[Any]:
        out: list[Any] = []
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict):
                out.append(v)
            elif isinstance(v, str) and (rel := _safe_rel(v)) is not None and v.endswith(".json"):
                out.append(self.json_file(rel))
        return out


def collect_components(
    tree: FileTree,
    plugin_dir: str,
    manifest: dict[str, Any],
    entry_path: str,
    declared: dict[str, Any] | None = None,
    runs: tuple[list[RunItem], list[str]] | None = None,
) -> tuple[list[Component], list[Problem]]:
    """Commands, agents, skills, hooks, MCP and LSP servers of one plugin directory.

    `declared` is the plugin.json whose component paths must exist (Claude Code fails to load
    the plugin otherwise); paths in a marketplace entry are not checked, as Claude Code's
    validator does not check them either. `runs`: (run items, hosts) lists to fill with every
    hook command and server found.
    """
    c = _Collector(tree, plugin_dir, entry_path)
    if runs is not None:
        c.runs, c.hosts = runs
    c.flag_bad_paths(manifest)
    if declared is not None:
        c.check_declared_paths(declared)
    for kind, key, default in (("command", "commands", "commands"), ("agent", "agents", "agents")):
        paths = [r for p in _paths(manifest.get(key)) if (r := _safe_rel(p)) is not None]
        # Declared command/agent paths replace the default folder.
        for rel in paths or [default]:
            if rel.endswith(".md"):
                c.markdown(kind, rel, posixpath.basename(rel)[:-3])  # type: ignore[arg-type]
            else:
                c.md_dir(kind, rel)  # type: ignore[arg-type]
    if isinstance(manifest.get("commands"), dict):
        for name, conf in manifest["commands"].items():
            desc = conf.get("description") if isinstance(conf, dict) else None
            c.add("command", str(name), desc if isinstance(desc, str) else None)
    # Declared skill paths add to the default skills/ folder.
    for rel in ["skills", *[r for p in _paths(manifest.get("skills")) if (r := _safe_rel(p))]]:
        c.skills_dir(rel)
    if "SKILL.md" in (tree.list_dir(plugin_dir) or []):
        c.markdown("skill", "SKILL.md", posixpath.basename(plugin_dir) or "skill")
    c.hooks_file("hooks/hooks.json")
    for v in c.inline_or_file(manifest.get("hooks")):
        c.hooks(v)
    c.servers("mcp", c.json_file(".mcp.json"), "mcpServers")
    for v in c.inline_or_file(manifest.get("mcpServers")):
        c.servers("mcp", v, "mcpServers")
    c.servers("lsp", c.json_file(".lsp.json"), "lspServers")
    for v in c.inline_or_file(manifest.get("lspServers")):
        c.servers("lsp", v, "lspServers")
    return c.components, c.problems


def _merge(
    entry: PluginEntry,
    pj: PluginJson | None,
    comps: list[Component],
    probs: list[Problem],
    files: Any = None,
) -> PluginEntry:
    update: dict[str, Any] = {"components": tuple(comps), "components_read": True}
    if files is not None:
        update["files"] = files
    extra = list(probs)
    if pj is not None:
        update["has_plugin_json"] = True
        extra.extend(pj.problems)
        # Display fields: the marketplace entry wins; version: plugin.json wins (Claude Code rules).
        for fld in ("description", "author", "homepage", "repository", "license", "category"):
            if getattr(entry, fld) is None and getattr(pj, fld) is not None:
                update[fld] = getattr(pj, fld)
        if pj.version is not None:
            update["version"] = pj.version
        update["keywords"] = tuple(dict.fromkeys([*entry.keywords, *pj.keywords]))
        deps = pj.raw.get("dependencies")
        if isinstance(deps, list):
            update["plugin_json_dependencies"] = tuple(deps)
        if pj.name and pj.name != entry.name:
            extra.append(
                Problem(
                    severity="warning",
                    path=f"plugins[{entry.index}]:.claude-plugin/plugin.json.name",
                    message=f"plugin.json names it {pj.name!r}; commands are namespaced by that",
                    code="name-differs",
                )
            )
    update["problems"] = (*entry.problems, *extra)
    return entry.model_copy(update=update)


def resolve_plugin_dir(tree: FileTree, root: str, rel: str) -> tuple[str | None, bool]:
    """Where a relative source lives: (dir, found_only_from_repo_root)."""
    candidate = _join(root, rel)
    if tree.list_dir(candidate) is not None:
        return candidate, False
    if root and tree.list_dir(_join(rel)) is not None:
        return _join(rel), True
    return None, False


def enrich_manifest(
    manifest: MarketplaceManifest, tree: FileTree, root: str
) -> MarketplaceManifest:
    """Read plugin.json and components of each relative plugin (`root` holds .claude-plugin)."""
    enriched: list[PluginEntry] = []
    official = (manifest.name or "").lower() in RESERVED_MARKETPLACE_NAMES
    for entry in manifest.plugins:
        if entry.source.kind != "relative" or entry.source.path is None:
            enriched.append(entry)
            continue
        try:
            enriched.append(_enrich_entry(entry, tree, root, official))
        except (OSError, ValueError, RecursionError) as exc:
            # A tree that cannot read one path (a name the OS refuses, a file that vanished,
            # bytes no codec takes) costs that entry its files, never the marketplace.
            failed = Problem(
                severity="error",
                path=f"plugins[{entry.index}].source",
                message=f"plugin files not read: {type(exc).__name__}: {shown(str(exc), 200)}",
                code="read-failed",
            )
            enriched.append(entry.model_copy(update={"problems": (*entry.problems, failed)}))
    return manifest.model_copy(update={"plugins": tuple(enriched)})


def _enrich_entry(entry: PluginEntry, base: FileTree, root: str, official: bool) -> PluginEntry:
    entry_path = f"plugins[{entry.index}]"
    tree = HashingTree(base)
    plugin_dir, from_repo_root = resolve_plugin_dir(tree, root, entry.source.path or "")
    if plugin_dir is None:
        missing = Problem(
            severity="error",
            path=f"{entry_path}.source",
            message=f"source directory './{entry.source.path}' does not exist",
            code="source-missing",
        )
        return entry.model_copy(update={"problems": (*entry.problems, missing)})
    probs: list[Problem] = []
    if from_repo_root:
        probs.append(
            Problem(
                severity="error",
                path=f"{entry_path}.source",
                message="source resolves only from the repository root, not from the "
                "marketplace root, so Claude Code cannot install it",
                code="source-wrong-root",
            )
        )
    data = tree.read_bytes(_join(plugin_dir, ".claude-plugin/plugin.json"), MAX_JSON_BYTES)
    pj_path = f"{entry_path}:.claude-plugin/plugin.json"
    pj = parse_plugin_json(data, pj_path, official=official) if data else None
    pj_raw = pj.raw if pj is not None else {}
    strict = entry.strict is not False
    # With strict (default) plugin.json is the authority and entry paths are appended.
    fields = {**entry.raw, **pj_raw} if strict else (pj_raw or entry.raw)
    runs: tuple[list[RunItem], list[str]] = ([], [])
    comps, comp_probs = collect_components(tree, plugin_dir, fields, entry_path, pj_raw, runs)
    files = read_plugin_files(tree, plugin_dir, fields, pj_raw, *runs)
    probs.extend(
        Problem(
            severity="warning",
            path=f"{entry_path}:{link}",
            message=f"{link} is a symlink leaving the plugin; not followed",
            code="link-outside",
        )
        for link in files.skipped_links
    )
    return _merge(entry, pj, comps, probs + comp_probs, files)
