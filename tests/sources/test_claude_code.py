"""Claude Code's own state: known marketplaces load offline, installed plugins are marked."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
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
    assert json.loads(result.stdout) == {
        "marketplaces": [],
        "installed_plugins": 0,
        "install_counts": None,
    }


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


def _write_claude_stats(config_dir: Path, installs: dict[str, int]) -> None:
    """The plugin-stats cache Claude Code writes after downloading its catalog (version 1)."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")  # fresh: < 24 h
    plugins = {
        plugin_id: {
            "plugin": plugin_id.split("@")[0],
            "tokens": {},
            "components": {"commands": [], "agents": [], "skills": []},
            "unique_installs": count,
            "marketplace_entry": {},
        }
        for plugin_id, count in installs.items()
    }
    catalog = {
        "generated_at": stamp,
        "installs_generated_at": stamp,
        "marketplace_sha": "0" * 40,
        "models": [],
        "plugins": plugins,
    }
    (config_dir / "plugins" / "plugin-catalog-cache.json").write_text(
        json.dumps({"version": 1, "fetchedAt": stamp, "catalog": catalog})
    )


@pytest.mark.claude
def test_install_counts_from_real_claude_code_feed_the_installs_signal(
    claude: ClaudeRunner,
    cli: Callable[..., Any],
    make_marketplace: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    same = {"description": "Fix lint errors"}  # equal relevance: popularity decides
    market = make_marketplace(
        "stats-market",
        plugins=[
            {"name": "lint-a", "source": "./a", **same},
            {"name": "lint-b", "source": "./b", **same},
            {"name": "lint-c", "source": "./c", **same},
        ],
        files={"a/x.md": "", "b/x.md": "", "c/x.md": ""},
    )
    claude.run("plugin", "marketplace", "add", str(market))
    _write_claude_stats(claude.config_dir, {"lint-a@stats-market": 3, "lint-c@stats-market": 4321})
    # What we parse is what the real binary prints from its own cache.
    listed = json.loads(claude.run("plugin", "list", "--json", "--available").stdout)
    counts = {p["name"]: p.get("installCount") for p in listed["available"]}
    assert counts == {"lint-a": 3, "lint-b": None, "lint-c": 4321}

    monkeypatch.setenv("HOME", str(claude.home))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(claude.config_dir))
    monkeypatch.setenv("AGENTOPS_CLAUDE_BIN", str(claude.binary))
    result = cli("marketplace", "import-claude", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["install_counts"] == 2

    found = json.loads(cli("discover", "lint errors", "--json", "--explain").stdout)["results"]
    by_name = {r["plugin"]: r for r in found}
    assert by_name["lint-c"]["installs"] == 4321
    assert by_name["lint-b"]["installs"] is None
    high, low = (
        by_name["lint-c"]["components"]["installs"],
        by_name["lint-a"]["components"]["installs"],
    )
    assert 0 < low < high <= 1
    assert by_name["lint-b"]["components"]["installs"] is None
    # Unknown sits between the known ones (at their median), so installs order the three.
    assert [r["plugin"] for r in found] == ["lint-c", "lint-b", "lint-a"]
    assert any("median" in line for line in by_name["lint-b"]["explain"])

    report = json.loads(cli("refresh", "--json").stdout)
    assert report["install_counts"] == 2


def test_no_claude_binary_leaves_installs_unknown(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path]
) -> None:
    market = make_marketplace("quiet", plugins=[{"name": "p", "source": "./p"}], files={"p/x": ""})
    assert cli("marketplace", "add", str(market)).exit_code == 0
    result = cli("refresh", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["install_counts"] is None


def test_install_counts_ignore_odd_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentops_lite.sources.claude_code import install_counts

    items = [
        {"name": "ok", "marketplaceName": "m", "installCount": 7},
        {"name": "flag", "marketplaceName": "m", "installCount": True},
        {"name": "neg", "marketplaceName": "m", "installCount": -1},
        {"name": "text", "marketplaceName": "m", "installCount": "12"},
        {"name": 5, "marketplaceName": "m", "installCount": 1},
        "not an object",
    ]
    fake = tmp_path / "claude"  # stands in for the binary's stdout only
    fake.write_text(f"#!/bin/sh\ncat <<'JSON'\n{json.dumps({'available': items})}\nJSON\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AGENTOPS_CLAUDE_BIN", str(fake))
    assert install_counts() == [("ok", "m", 7)]
    fake.write_text("#!/bin/sh\necho 'not json'\n")
    assert install_counts() == []


def test_refresh_asks_claude_only_on_a_full_online_refresh(
    cli: Callable[..., Any],
    make_marketplace: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    market = make_marketplace("quiet", plugins=[{"name": "p", "source": "./p"}], files={"p/x": ""})
    assert cli("marketplace", "add", str(market)).exit_code == 0
    calls = tmp_path / "calls"
    fake = tmp_path / "claude"  # counts its runs; prints one install count
    doc = {"available": [{"name": "p", "marketplaceName": "quiet", "installCount": 9}]}
    fake.write_text(f"#!/bin/sh\necho run >> {calls}\necho '{json.dumps(doc)}'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AGENTOPS_CLAUDE_BIN", str(fake))
    for args in (["--offline"], ["quiet"]):
        result = cli("refresh", *args, "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["install_counts"] is None
    assert not calls.exists()
    result = cli("refresh", "--json")
    assert json.loads(result.stdout)["install_counts"] == 1
    assert calls.read_text() == "run\n"
