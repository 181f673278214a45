"""CLI of trust and quality: show (panel, --explain, --json), changes, review, refresh's line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.discovery.test_trust import PLUGINS, _plugin_files


def _add(cli: Callable[..., Any], make_marketplace: Callable[..., Path]) -> Path:
    root = make_marketplace("trusty", plugins=PLUGINS, files=_plugin_files())
    assert cli("marketplace", "add", str(root)).exit_code == 0
    return root


def test_show_prints_trust_panel_and_explains_quality(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path]
) -> None:
    _add(cli, make_marketplace)
    result = cli("show", "runner", "--explain")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "PreToolUse [command Bash]  python3 guard.py" in result.stdout
    assert "api.x.io, hooks.example.com, mcp.example.org" in result.stdout
    assert "quality score" in result.stdout and "ICON_MISSING" in result.stdout
    doc = json.loads(cli("show", "runner", "--json").stdout)
    assert doc["trust"]["hooks_by_event"]["PreToolUse"] == ["python3 guard.py", "echo second"]
    parts = {p["name"]: p for p in doc["quality"]["parts"]}
    assert parts["license"]["points"] == 10 and parts["recency"]["points"] is None
    assert 0 <= doc["quality"]["score"] <= 100


def test_changes_review_and_refresh_line(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    root = _add(cli, make_marketplace)
    state = tmp_path / "claude-config" / "plugins"
    state.mkdir(parents=True)
    (state / "installed_plugins.json").write_text(
        json.dumps(
            {
                "version": 2,
                "plugins": {
                    "runner@trusty": [{"scope": "user", "installedAt": "2020-01-01T00:00:00Z"}]
                },
            }
        )
    )
    assert cli("marketplace", "import-claude").exit_code == 0
    assert json.loads(cli("changes", "--json").stdout)["changes"] == []
    (root / "plugins/runner/.mcp.json").write_text(
        json.dumps({"mcpServers": {"local": {"command": "npx", "args": ["-y", "tool@2.0"]}}})
    )
    refreshed = cli("refresh", "trusty")
    assert "what 1 installed plugin(s) run changed: runner@trusty" in refreshed.stderr
    shown = cli("changes", "runner")
    assert shown.exit_code == 0, shown.stderr
    assert "installed: review it" in shown.stdout and "now  npx -y tool@2.0" in shown.stdout
    assert "was  npx -y tool@1.0" in shown.stdout
    doc = json.loads(cli("changes", "--json").stdout)
    assert [c["needs_review"] for c in doc["changes"]] == [True]
    assert cli("review", "runner").exit_code == 0
    assert not json.loads(cli("changes", "--json").stdout)["changes"][0]["needs_review"]
    assert cli("changes", "--since", "not-a-date").exit_code == 2
    assert json.loads(cli("changes", "--since", "2999-01-01", "--json").stdout)["changes"] == []


def test_escape_sequences_in_commands_never_reach_the_terminal(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path]
) -> None:
    escape = "echo \x1b[2J\x1b]0;pwned\x07 \x9b31m \u202eevil"
    files = {
        "plugins/evil/.mcp.json": json.dumps({"mcpServers": {"esc\x1b[1m": {"command": escape}}}),
        "plugins/evil/hooks/hooks.json": json.dumps(
            {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": escape}]}]}}
        ),
    }
    root = make_marketplace(
        "hostile", plugins=[{"name": "evil", "source": "./plugins/evil"}], files=files
    )
    assert cli("marketplace", "add", str(root)).exit_code == 0
    (root / "plugins/evil/hooks/hooks.json").write_text(json.dumps({"hooks": {}}))
    assert cli("refresh", "hostile").exit_code == 0
    for args in (("show", "evil", "--explain"), ("changes",)):
        result = cli(*args)
        for bad in ("\x1b", "\x9b", "\x07", "\u202e"):
            assert bad not in result.stdout, (args, result.stdout)
    assert "echo [2J]0;pwned" in cli("show", "evil").stdout
    doc = cli("show", "evil", "--json").stdout
    assert "\x1b" not in doc and json.loads(doc)["trust"]["runs"][0]["command"] == escape
