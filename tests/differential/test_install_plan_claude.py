"""Differential: what `install-plan` predicts against what `claude plugin install` does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.claude_code import ClaudeRunner
from tests.install.dep_fixtures import write_all

pytestmark = [pytest.mark.claude, pytest.mark.slow]

Cli = Callable[..., Result]
# How Claude Code words each refusal our plan predicts.
REASON = {
    "cycle": "Dependency cycle",
    "cross-marketplace": "not in the allowlist",
    "missing": "not found",
    "range-conflict": "conflicting version requirements",
    "installed-unsatisfied": "does not satisfy",
}


@pytest.fixture
def world(
    cli: Cli, claude_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], ClaudeRunner]:
    monkeypatch.setenv("AGENTOPS_OFFLINE", "1")
    roots = write_all(tmp_path / "fixtures")
    for root in roots.values():
        assert cli("marketplace", "add", str(root)).exit_code == 0
    homes = iter(range(100))

    def fresh() -> ClaudeRunner:
        home = tmp_path / f"home{next(homes)}"
        home.mkdir()
        runner = ClaudeRunner(binary=claude_bin, home=home)
        for root in roots.values():
            runner.run("plugin", "marketplace", "add", str(root))
        monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(runner.config_dir))
        return runner

    return fresh


def installed(claude: ClaudeRunner) -> set[str]:
    return {p["id"] for p in json.loads(claude.run("plugin", "list", "--json").stdout)}


def compare(cli: Cli, claude: ClaudeRunner, root: str) -> dict[str, Any]:
    """Run the plan's commands in the real client; it refuses exactly when and why we said."""
    plan = json.loads(cli("install-plan", root, "--json").stdout)
    before = installed(claude)
    assert plan["commands"][-1] == ["claude", "plugin", "install", root]
    for argv in plan["commands"][:-1]:  # dependencies Claude Code would not bring itself
        assert "Successfully installed" in claude.run(*argv[1:]).stdout
    done = claude.run("plugin", "install", root, check=False)
    said = done.stdout + done.stderr
    refused = [p for p in plan["problems"] if p["claude_refuses"]]
    if refused:
        assert "Failed to install" in said, said
        assert REASON[refused[0]["kind"]] in said, (refused, said)
        assert installed(claude) == before  # a refusal installs nothing
        return plan
    assert "Successfully installed" in said, (plan["problems"], said)
    new = {p["install_id"] for p in plan["plugins"] if not p["installed"]}
    assert installed(claude) - before == new
    listing = json.loads(claude.run("plugin", "list", "--json").stdout)
    broken = {p["id"]: p["errors"] for p in listing if p.get("errors") and p["id"] in new}
    if any(p["severity"] == "error" for p in plan["problems"]):
        assert broken or plan["problems"][0]["kind"] in ("range-conflict", "no-version-in-range")
    else:
        assert broken == {}  # every plugin of the set loads with its dependencies
    return plan


@pytest.mark.parametrize(
    "root",
    ["app@alpha", "lib@alpha", "clash@alpha", "conflict@alpha", "old@alpha", "cyc-a@alpha",
     "cross-bad@alpha", "missing-dep@alpha"],
)  # fmt: skip
def test_install_plan_predicts_claude_plugin_install(
    cli: Cli, world: Callable[[], ClaudeRunner], root: str
) -> None:
    compare(cli, world(), root)


def test_install_plan_predicts_refusals_against_what_is_installed(
    cli: Cli, world: Callable[[], ClaudeRunner]
) -> None:
    claude = world()
    compare(cli, claude, "app@alpha")  # installs util 1.3.0, held to ^1.2.0 by app
    plan = compare(cli, claude, "pinner@alpha")  # ~2.0.0 against app's ^1.2.0: refused
    assert plan["problems"][0]["kind"] == "range-conflict"
    plan = compare(cli, claude, "clash@alpha")  # installs, with a skill name taken by util
    assert [c["name"] for c in plan["collisions"]] == ["format"]
