"""The install lines we print, run in the real Claude Code, install the listing they were for."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.claude_code import ClaudeRunner

pytestmark = pytest.mark.claude

SHARED = "shared-market"


@pytest.fixture
def two_markets(make_marketplace: Callable[..., Path], cli: Callable[..., Any]) -> list[Path]:
    """Two marketplaces in different folders that both declare SHARED and list `helper`."""
    roots = []
    for side in ("first", "second"):
        roots.append(
            make_marketplace(
                SHARED,
                folder=side,
                plugins=[{"name": "helper", "source": "./helper", "description": f"{side} one"}],
                files={
                    "helper/.claude-plugin/plugin.json": json.dumps(
                        {"name": "helper", "version": "1.0.0", "description": f"{side} one"}
                    ),
                    f"helper/commands/from-{side}.md": f"---\ndescription: {side}\n---\n",
                },
            )
        )
        assert cli("marketplace", "add", str(roots[-1])).exit_code == 0
    return roots


def _recipe(cli: Callable[..., Any], ident: str) -> dict[str, Any]:
    result = cli("show", ident, "--json")
    assert result.exit_code == 0, result.stderr
    recipe: dict[str, Any] = json.loads(result.stdout)["install"]
    return recipe


def _claude_args(line: str) -> list[str]:
    """`/plugin marketplace add X` or `claude plugin install ...` as arguments of `claude`."""
    words = shlex.split(line)
    if words[0] == "/plugin":
        return ["plugin", *words[1:]]
    assert words[0] == "claude", line
    return words[1:]


def _installed_from(claude: ClaudeRunner) -> list[str]:
    listing = json.loads(claude.run("plugin", "list", "--json").stdout)
    return [str(p.get("readFromFolder") or p.get("installPath")) for p in listing]


def test_the_shared_name_is_reported_with_an_unambiguous_one_step(
    two_markets: list[Path], cli: Callable[..., Any]
) -> None:
    keys = sorted(
        m["key"] for m in json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    )
    assert len(keys) == 2 and SHARED in keys
    second_key = next(k for k in keys if k != SHARED)
    recipe = _recipe(cli, f"helper@{second_key}")
    # The install id is the declared name (what Claude Code knows), never the catalog key.
    assert recipe["command"] == f"/plugin install helper@{SHARED}"
    assert recipe["name_shared_with"] and str(two_markets[0]) in recipe["name_shared_with"][0]
    human = cli("show", f"helper@{second_key}").stdout
    assert recipe["one_step"] in human and human.count(recipe["command"]) == 1
    assert "also declare the name" in human


@pytest.mark.parametrize("form", ["two-step", "one-step"])
def test_the_printed_recipe_installs_the_right_repos_plugin(
    two_markets: list[Path], cli: Callable[..., Any], claude: ClaudeRunner, form: str
) -> None:
    keys = [
        m["key"] for m in json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    ]
    for root in two_markets:
        key = next(
            k for k in keys if _recipe(cli, f"helper@{k}")["marketplace_add"].endswith(str(root))
        )
        recipe = _recipe(cli, f"helper@{key}")
        home = claude.home.parent / f"home-{root.name}-{form}"
        home.mkdir()
        runner = ClaudeRunner(binary=claude.binary, home=home)
        lines = (
            [recipe["marketplace_add"], recipe["command"]]
            if form == "two-step"
            else [recipe["one_step"]]
        )
        for line in lines:
            runner.run(*_claude_args(line))
        [folder] = _installed_from(runner)
        assert folder.startswith(str(root)), (folder, root)


def test_the_one_step_refuses_rather_than_install_the_namesake(
    two_markets: list[Path], cli: Callable[..., Any], claude: ClaudeRunner
) -> None:
    first, second = two_markets
    keys = [
        m["key"] for m in json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    ]
    recipes = [_recipe(cli, f"helper@{k}") for k in keys]
    wanted = next(r for r in recipes if r["marketplace_add"].endswith(str(second)))
    claude.run("plugin", "marketplace", "add", str(first))  # the namesake is already added
    done = claude.run(*_claude_args(wanted["one_step"]), check=False)
    assert done.returncode != 0
    assert _installed_from(claude) == []
