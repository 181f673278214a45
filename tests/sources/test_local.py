"""Local source + enrichment: plugin.json, component frontmatter, hooks/MCP/LSP, path safety."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from agentops_lite.errors import SourceError
from agentops_lite.sources.local import load_local

PLUGIN_FILES = {
    "plugins/k8s/.claude-plugin/plugin.json": json.dumps(
        {"name": "k8s", "version": "2.0.0", "keywords": ["helm"], "description": "from pj"}
    ),
    "plugins/k8s/commands/deploy.md": "---\ndescription: Deploy to a cluster\n---\nBody",
    "plugins/k8s/commands/plain.md": "Rolls back the last release.\n\nMore text.",
    "plugins/k8s/agents/reviewer.md": "---\nname: manifest-reviewer\ndescription: >\n  Reviews "
    "manifests\n  for drift\n---\n",
    "plugins/k8s/agents/nofm.md": "just text",
    "plugins/k8s/skills/helm-chart/SKILL.md": "---\r\nname: helm-chart\r\ndescription: "
    "Write charts: with colons: everywhere\r\n---\r\n",
    "plugins/k8s/hooks/hooks.json": json.dumps(
        {
            "hooks": {
                "PreToolUse": [
                    {
                        "matcher": "Bash",
                        "hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/guard.sh"}],
                    }
                ]
            }
        }
    ),
    "plugins/k8s/.mcp.json": json.dumps(
        {
            "mcpServers": {
                "kube": {"command": "npx", "args": ["-y", "kube-mcp"]},
                "remote": {"type": "http", "url": "https://mcp.example.com"},
            }
        }
    ),
    "plugins/k8s/.lsp.json": json.dumps(
        {"yaml": {"command": "yaml-language-server", "args": ["--stdio"]}}
    ),
}


def test_local_enrichment_reads_everything(make_marketplace: Callable[..., Path]) -> None:
    root = make_marketplace(
        plugins=[
            {
                "name": "k8s",
                "source": "./plugins/k8s",
                "description": "entry wins",
                "version": "1.0.0",
                "keywords": ["k8s"],
            }
        ],
        files=PLUGIN_FILES,
    )
    entry = load_local(root).manifest.plugins[0]
    assert entry.description == "entry wins" and entry.version == "2.0.0"
    assert entry.keywords == ("k8s", "helm") and entry.has_plugin_json
    comps = {(c.kind, c.name): c for c in entry.components}
    assert comps[("command", "deploy")].description == "Deploy to a cluster"
    assert comps[("command", "plain")].description == "Rolls back the last release."
    assert comps[("agent", "manifest-reviewer")].description == "Reviews manifests for drift"
    assert comps[("skill", "helm-chart")].description == "Write charts: with colons: everywhere"
    assert comps[("hook", "PreToolUse")].command == "${CLAUDE_PLUGIN_ROOT}/guard.sh"
    assert comps[("mcp", "kube")].command == "npx -y kube-mcp"
    assert comps[("mcp", "remote")].command == "https://mcp.example.com"
    assert comps[("lsp", "yaml")].command == "yaml-language-server --stdio"
    assert [p.code for p in entry.problems] == ["agent-no-frontmatter"]


def test_local_missing_source_dir_is_an_error(make_marketplace: Callable[..., Path]) -> None:
    root = make_marketplace(plugins=[{"name": "gone", "source": "./plugins/gone"}])
    entry = load_local(root).manifest.plugins[0]
    assert [p.code for p in entry.problems] == ["source-missing"]


def test_local_symlink_escape_is_not_followed(
    make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    secret = tmp_path / "outside"
    (secret / ".claude-plugin").mkdir(parents=True)
    (secret / ".claude-plugin" / "plugin.json").write_text('{"name": "stolen"}')
    root = make_marketplace(plugins=[{"name": "link", "source": "./link"}])
    os.symlink(secret, root / "link")
    entry = load_local(root).manifest.plugins[0]
    assert not entry.has_plugin_json
    assert [p.code for p in entry.problems] == ["source-missing"]


def test_local_declared_component_paths_cannot_escape(
    make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "evil.md").write_text("---\ndescription: outside\n---\n")
    root = make_marketplace(
        plugins=[{"name": "p", "source": "./p", "strict": False, "commands": ["../../evil.md"]}],
        files={"p/commands/ok.md": "---\ndescription: fine\n---\n"},
    )
    entry = load_local(root).manifest.plugins[0]
    assert [c.name for c in entry.components] == ["ok"]


def test_local_source_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no .claude-plugin/marketplace.json"):
        load_local(tmp_path)
    with pytest.raises(SourceError, match="does not exist"):
        load_local(tmp_path / "nope")


def test_local_manifest_file_path_is_accepted(make_marketplace: Callable[..., Path]) -> None:
    root = make_marketplace(plugins=[{"name": "a", "source": "./a"}], files={"a/x.md": "x"})
    result = load_local(root / ".claude-plugin" / "marketplace.json")
    assert [p.name for p in result.manifest.plugins] == ["a"]
    assert not result.manifest.plugins[0].problems
