"""Enrichment directly over an in-memory FileTree: component discovery, declared paths, merging."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentops_lite.models import Component
from agentops_lite.parse.components import (
    MAX_COMPONENTS,
    collect_components,
    enrich_manifest,
    resolve_plugin_dir,
)
from agentops_lite.parse.marketplace_json import parse_marketplace_value


class DictTree:
    """The FileTree protocol over a dict of posix path -> text (directories are implied)."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = {k: v.encode() for k, v in files.items()}
        self.reads: list[str] = []

    def read_bytes(self, path: str, max_bytes: int) -> bytes | None:
        self.reads.append(path)
        data = self.files.get(path)
        return None if data is None else data[:max_bytes]

    def list_dir(self, path: str) -> list[str] | None:
        prefix = f"{path}/" if path else ""
        names = {k[len(prefix) :].split("/")[0] for k in self.files if k.startswith(prefix)}
        return sorted(names) if names and path not in self.files else None


def collect(
    files: dict[str, str], manifest: dict[str, Any] | None = None, **kw: Any
) -> tuple[list[Component], list[tuple[str, str, str]]]:
    tree = DictTree({f"p/{k}": v for k, v in files.items()})
    comps, problems = collect_components(tree, "p", manifest or {}, "plugins[0]", **kw)
    return comps, [(p.severity, p.code, p.path) for p in problems]


def kinds(comps: list[Component]) -> list[tuple[str, str]]:
    return [(c.kind, c.name) for c in comps]


def fm(name: str | None = None, description: str | None = None) -> str:
    lines = [f"name: {name}"] * bool(name) + [f"description: {description}"] * bool(description)
    return "---\n" + "\n".join(lines) + "\n---\nBody"


def test_default_folders_are_read() -> None:
    comps, problems = collect(
        {
            "commands/deploy.md": fm("ignored-name", "Deploy it"),
            "commands/plain.md": "Rolls back the last release.\n\nMore.",
            "commands/README.md": "not a command",
            "commands/notes.txt": "not markdown",
            "agents/rev.md": fm("manifest-reviewer", "Reviews manifests"),
            "skills/helm/SKILL.md": fm("helm-chart", "Charts"),
        }
    )
    assert kinds(comps) == [
        ("command", "deploy"),  # a command is named by its file, whatever its frontmatter says
        ("command", "plain"),
        ("agent", "manifest-reviewer"),  # an agent or skill by its frontmatter name
        ("skill", "helm-chart"),
    ]
    by_name = {c.name: c.description for c in comps}
    assert by_name["plain"] == "Rolls back the last release."  # first paragraph stands in
    assert problems == []


def test_agents_and_skills_without_frontmatter_warn_commands_do_not() -> None:
    comps, problems = collect(
        {
            "commands/c.md": "just text",
            "agents/a.md": "just text",
            "skills/s/SKILL.md": "just text",
        }
    )
    assert kinds(comps) == [("command", "c"), ("agent", "a"), ("skill", "s")]
    assert problems == [
        ("warning", "agent-no-frontmatter", "plugins[0]:agents/a.md"),
        ("warning", "skill-no-frontmatter", "plugins[0]:skills/s/SKILL.md"),
    ]


def test_declared_command_paths_replace_the_default_folder() -> None:
    files = {"commands/old.md": fm(), "custom/run.md": fm(), "more/a.md": fm(), "more/b.md": fm()}
    comps, _ = collect(files, {"commands": ["./custom/run.md", "./more"]})
    assert kinds(comps) == [("command", "run"), ("command", "a"), ("command", "b")]


def test_declared_skill_paths_add_to_the_default_folder() -> None:
    files = {
        "skills/one/SKILL.md": fm("one"),
        "extra/two/SKILL.md": fm("two"),
        "single/SKILL.md": fm(),  # a declared folder that is itself one skill
    }
    comps, _ = collect(files, {"skills": ["./extra", "./single"]})
    assert kinds(comps) == [("skill", "one"), ("skill", "two"), ("skill", "single")]


def test_skill_md_at_the_plugin_root_is_the_plugin_itself() -> None:
    comps, _ = collect({"SKILL.md": fm(description="Whole plugin")})
    assert kinds(comps) == [("skill", "p")]


def test_paths_leaving_the_plugin_are_never_read() -> None:
    tree = DictTree({"p/commands/x.md": fm(), "secret/evil.md": fm()})
    manifest = {"commands": ["../secret/evil.md", "/etc/passwd.md"], "hooks": "../h.json"}
    comps, _ = collect_components(tree, "p", manifest, "plugins[0]")
    assert kinds(comps) == [("command", "x")]  # nothing usable declared: the default folder
    assert not [r for r in tree.reads if not r.startswith("p/")]


def test_commands_declared_inline_as_an_object() -> None:
    manifest = {"commands": {"hello": {"description": "Says hi"}, "bare": "nope"}}
    comps, _ = collect({}, manifest)
    assert [(c.kind, c.name, c.description) for c in comps] == [
        ("command", "hello", "Says hi"),
        ("command", "bare", None),
    ]


def _hooks(*commands: str, event: str = "PreToolUse") -> dict[str, Any]:
    return {
        "hooks": {
            event: [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": c}]} for c in commands
            ]
        }
    }


def test_hooks_file_inline_hooks_and_hook_files_named_in_the_manifest() -> None:
    files = {
        "hooks/hooks.json": json.dumps(_hooks("${CLAUDE_PLUGIN_ROOT}/guard.sh", "second.sh")),
        "more-hooks.json": json.dumps(_hooks("x.sh", event="Stop")),
    }
    inline = _hooks("echo hi", event="SessionStart")["hooks"]
    comps, problems = collect(files, {"hooks": [inline, "./more-hooks.json"]})
    assert [(c.kind, c.name, c.command) for c in comps] == [
        # One component per event: the first hook's command stands for the event.
        ("hook", "PreToolUse", "${CLAUDE_PLUGIN_ROOT}/guard.sh"),
        ("hook", "SessionStart", "echo hi"),
        ("hook", "Stop", "x.sh"),
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"PreToolUse": []}', ("error", "bad-hooks-file", "plugins[0]:hooks/hooks.json")),
        ("[1, 2]", ("error", "bad-hooks-file", "plugins[0]:hooks/hooks.json")),
        ('{"modules": []}', None),  # another accepted shape: no hooks, no problem
    ],
)
def test_badly_shaped_hooks_file(text: str, expected: tuple[str, str, str] | None) -> None:
    comps, problems = collect({"hooks/hooks.json": text})
    assert comps == []
    assert problems == ([expected] if expected else [])


def test_unreadable_json_is_a_warning_not_a_crash() -> None:
    comps, problems = collect({".mcp.json": "{not json", "commands/ok.md": fm()})
    assert kinds(comps) == [("command", "ok")]
    assert [(sev, path) for sev, _, path in problems] == [("warning", "plugins[0]:.mcp.json")]


def test_mcp_and_lsp_servers_from_files_and_the_manifest() -> None:
    files = {
        ".mcp.json": json.dumps(
            {"mcpServers": {"db": {"command": "npx", "args": ["-y", "db-mcp", 3]}}}
        ),
        ".lsp.json": json.dumps({"go": {"command": "gopls"}}),  # the bare mapping works too
    }
    manifest = {
        "mcpServers": {"web": {"url": "https://mcp.example.com"}, "odd": "not an object"},
        "lspServers": {"lspServers": {"py": {"command": "pyright"}}},
    }
    comps, _ = collect(files, manifest)
    assert [(c.kind, c.name, c.command) for c in comps] == [
        ("mcp", "db", "npx -y db-mcp 3"),
        ("mcp", "web", "https://mcp.example.com"),
        ("mcp", "odd", None),
        ("lsp", "go", "gopls"),
        ("lsp", "py", "pyright"),
    ]


def test_components_are_capped_and_deduplicated() -> None:
    files = {f"commands/c{i:03}.md": fm() for i in range(MAX_COMPONENTS + 50)}
    comps, _ = collect(files, {"commands": {"c000": {}}})
    assert len(comps) == MAX_COMPONENTS
    assert len({c.name for c in comps}) == MAX_COMPONENTS  # c000 listed once


def test_declared_paths_that_do_not_exist_are_errors() -> None:
    declared = {"commands": ["./commands", "./missing.md"], "agents": "./nope", "skills": "x"}
    _, problems = collect({"commands/a.md": fm()}, {}, declared=declared)
    assert problems == [
        ("error", "path-not-found", "plugins[0]:.claude-plugin/plugin.json.commands[1]"),
        ("error", "path-not-found", "plugins[0]:.claude-plugin/plugin.json.agents"),
    ]  # "x" is not a ./ path: Claude Code does not check it, so neither do we


def test_resolve_plugin_dir() -> None:
    tree = DictTree({"market/plugins/a/x.md": "", "plugins/b/x.md": ""})
    assert resolve_plugin_dir(tree, "market", "plugins/a") == ("market/plugins/a", False)
    assert resolve_plugin_dir(tree, "market", "plugins/b") == ("plugins/b", True)
    assert resolve_plugin_dir(tree, "market", "plugins/c") == (None, False)
    assert resolve_plugin_dir(tree, "", "plugins/b") == ("plugins/b", False)


def _manifest(*plugins: dict[str, Any], name: str = "acme") -> Any:
    return parse_marketplace_value({"name": name, "owner": {"name": "o"}, "plugins": list(plugins)})


def test_enrich_merges_plugin_json_under_claude_code_rules() -> None:
    plugin_json = {
        "name": "k8s-tools",
        "version": "2.0.0",
        "description": "from plugin.json",
        "license": "MIT",
        "keywords": ["helm", "k8s"],
    }
    tree = DictTree(
        {
            ".claude-plugin/marketplace.json": "{}",
            "plugins/k8s/.claude-plugin/plugin.json": json.dumps(plugin_json),
            "plugins/k8s/commands/deploy.md": fm(description="Deploy"),
        }
    )
    entry = {
        "name": "k8s",
        "source": "./plugins/k8s",
        "description": "from the entry",
        "version": "1.0.0",
        "keywords": ["k8s", "kubernetes"],
    }
    (out,) = enrich_manifest(_manifest(entry), tree, "").plugins
    assert out.has_plugin_json
    assert out.description == "from the entry"  # display fields: the entry wins
    assert out.license == "MIT"  # ...and plugin.json fills what it lacks
    assert out.version == "2.0.0"  # the version: plugin.json wins
    assert out.keywords == ("k8s", "kubernetes", "helm")
    assert kinds(list(out.components)) == [("command", "deploy")]
    assert [(p.code, p.severity) for p in out.problems] == [("name-differs", "warning")]


def test_enrich_strict_merges_entry_paths_with_plugin_json() -> None:
    files = {
        "plugins/x/.claude-plugin/plugin.json": json.dumps({"name": "x", "commands": "./pj"}),
        "plugins/x/pj/from-plugin-json.md": fm(),
        "plugins/x/commands/default.md": fm(),
        "plugins/x/entry-agents/helper.md": fm("helper"),
    }
    entry = {"name": "x", "source": "./plugins/x", "agents": "./entry-agents"}
    (out,) = enrich_manifest(_manifest(entry), DictTree(files), "").plugins
    # plugin.json's path replaces the default commands/ folder; the entry's agents are added.
    assert kinds(list(out.components)) == [("command", "from-plugin-json"), ("agent", "helper")]


def test_enrich_strict_false_without_plugin_json_takes_the_entry_as_the_manifest() -> None:
    files = {"plugins/x/entry/from-entry.md": fm(), "plugins/x/commands/default.md": fm()}
    entry = {"name": "x", "source": "./plugins/x", "commands": "./entry", "strict": False}
    (out,) = enrich_manifest(_manifest(entry), DictTree(files), "").plugins
    assert kinds(list(out.components)) == [("command", "from-entry")]
    assert not out.has_plugin_json


def test_enrich_missing_and_wrong_root_sources() -> None:
    tree = DictTree({"market/.claude-plugin/marketplace.json": "{}", "plugins/b/x.md": ""})
    gone = {"name": "a", "source": "./plugins/a"}
    wrong = {"name": "b", "source": "./plugins/b"}
    remote = {"name": "c", "source": {"source": "github", "repo": "acme/c"}}
    a, b, c = enrich_manifest(_manifest(gone, wrong, remote), tree, "market").plugins
    assert [(p.code, p.path) for p in a.problems] == [("source-missing", "plugins[0].source")]
    assert [p.code for p in b.problems] == ["source-wrong-root"]
    assert c.components == () and c.problems == ()  # not relative: left as it was


def test_enrich_reads_each_file_at_most_its_cap() -> None:
    big = "---\ndescription: big\n---\n" + "x" * 200_000
    tree = DictTree({"plugins/x/commands/big.md": big})
    (out,) = enrich_manifest(_manifest({"name": "x", "source": "./plugins/x"}), tree, "").plugins
    assert [c.description for c in out.components] == ["big"]
