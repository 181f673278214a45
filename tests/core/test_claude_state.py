"""Claude Code's own state: known marketplaces load offline, installed plugins are marked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.claude_code import ClaudeRunner


def _plugin_rows(cli: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    result = cli("plugins", "--json")
    assert result.exit_code == 0, result.stderr
    return {f"{p['plugin']}@{p['marketplace']}": p for p in json.loads(result.stdout)["plugins"]}


def test_import_claude_from_state_files(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    market = make_marketplace(
        "team-tools",
        plugins=[{"name": "lint", "source": "./lint"}, {"name": "fmt", "source": "./fmt"}],
        files={"lint/commands/lint.md": "---\ndescription: Lint\n---\n", "fmt/x.md": ""},
    )
    plugins_dir = tmp_path / "claude-config" / "plugins"
    plugins_dir.mkdir(parents=True)
    (plugins_dir / "known_marketplaces.json").write_text(
        json.dumps(
            {
                "team-tools": {
                    "source": {"source": "directory", "path": str(market)},
                    "installLocation": str(market),
                    "lastUpdated": "2026-11-25T00:00:00Z",
                },
                "gone": {
                    "source": {"source": "github", "repo": "a/b"},
                    "installLocation": str(tmp_path / "missing"),
                },
            }
        )
    )
    (plugins_dir / "installed_plugins.json").write_text(
        json.dumps(
            {
                "version": 2,
                "plugins": {"lint@team-tools": [{"scope": "user", "version": "unknown"}]},
            }
        )
    )
    result = cli("marketplace", "import-claude", "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [m["key"] for m in payload["marketplaces"]] == ["team-tools"]
    assert payload["installed_plugins"] == 1
    rows = _plugin_rows(cli)
    assert rows["lint@team-tools"]["installed"] is True
    assert rows["fmt@team-tools"]["installed"] is False
    # Importing again changes nothing (no duplicate marketplace).
    assert cli("marketplace", "import-claude").exit_code == 0
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    assert [(m["key"], m["origin"]) for m in listing] == [("team-tools", "claude")]


def test_import_claude_with_broken_state_files(cli: Callable[..., Any], tmp_path: Path) -> None:
    plugins_dir = tmp_path / "claude-config" / "plugins"
    plugins_dir.mkdir(parents=True)
    (plugins_dir / "known_marketplaces.json").write_text("{not json")
    (plugins_dir / "installed_plugins.json").write_text("[1, 2]")
    result = cli("marketplace", "import-claude", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"marketplaces": [], "installed_plugins": 0}


@pytest.mark.claude
def test_import_claude_with_real_claude_code(
    claude: ClaudeRunner,
    cli: Callable[..., Any],
    make_marketplace: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    market = make_marketplace(
        "cc-fixture-market",
        plugins=[
            {"name": "hello", "source": "./hello", "description": "Says hello"},
            {"name": "other", "source": "./other"},
        ],
        files={
            "hello/.claude-plugin/plugin.json": json.dumps({"name": "hello", "version": "1.2.3"}),
            "hello/skills/hi/SKILL.md": "---\nname: hi\ndescription: Greets\n---\nSay hi.\n",
            "other/commands/o.md": "---\ndescription: Other\n---\n",
        },
    )
    claude.run("plugin", "marketplace", "add", str(market))
    claude.run("plugin", "install", "hello@cc-fixture-market")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(claude.config_dir))
    result = cli("marketplace", "import-claude", "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [m["key"] for m in payload["marketplaces"]] == ["cc-fixture-market"]
    rows = _plugin_rows(cli)
    assert rows["hello@cc-fixture-market"]["installed"] is True
    assert rows["other@cc-fixture-market"]["installed"] is False
