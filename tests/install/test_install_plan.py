"""`install-plan` over fixture marketplaces with dependencies, through the real entry point."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.install.dep_fixtures import write_all

Cli = Callable[..., Result]


@pytest.fixture
def markets(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("AGENTOPS_OFFLINE", "1")
    roots = write_all(tmp_path / "fixtures")
    for root in roots.values():
        r = cli("marketplace", "add", str(root))
        assert r.exit_code == 0, r.stdout + r.stderr
    return roots


def plan(cli: Cli, *args: str) -> tuple[int, dict[str, Any]]:
    r = cli("install-plan", *args, "--json")
    return r.exit_code, json.loads(r.stdout)


def test_install_plan_orders_dependencies_first_across_marketplaces(
    cli: Cli, markets: dict[str, Path]
) -> None:
    code, doc = plan(cli, "app@alpha")
    assert code == 0 and doc["ok"] is True, doc["problems"]
    order = [p["install_id"] for p in doc["plugins"]]
    assert order.index("util@alpha") < order.index("lib@alpha") < order.index("app@alpha")
    assert "shared@beta" in order  # beta is on alpha's allowCrossMarketplaceDependenciesOn
    util = next(p for p in doc["plugins"] if p["install_id"] == "util@alpha")
    assert sorted(util["required_by"]) == ["app@alpha", "lib@alpha"]
    assert util["ranges"] == ["^1.2.0", ">=1.0.0 <2"]
    assert doc["commands"] == [
        ["claude", "plugin", "marketplace", "add", str(markets["alpha"])],
        ["claude", "plugin", "marketplace", "add", str(markets["beta"])],
        ["claude", "plugin", "install", "app@alpha"],
    ]
    assert doc["one_step"][-1] == [
        "claude", "plugin", "install", "app", "--marketplace", str(markets["alpha"])
    ]  # fmt: skip
    assert doc["always_on_tokens"] == sum(p["always_on_tokens"] for p in doc["plugins"]) > 0


@pytest.mark.parametrize(
    ("root", "kind", "culprit", "refuses"),
    [
        ("cyc-a@alpha", "cycle", "cyc-a@alpha", True),
        ("cross-bad@alpha", "cross-marketplace", "other@gamma", True),
        ("missing-dep@alpha", "missing", "nope@alpha", True),
        ("conflict@alpha", "range-conflict", "util@alpha", False),
        ("old@alpha", "no-version-in-range", "util@alpha", False),
    ],
)
def test_install_plan_bad_sets_exit_1_naming_plugin_and_reason(
    cli: Cli, markets: dict[str, Path], root: str, kind: str, culprit: str, refuses: bool
) -> None:
    code, doc = plan(cli, root)
    assert code == 1 and doc["ok"] is False
    found = [p for p in doc["problems"] if p["kind"] == kind]
    assert found and found[0]["plugin"] == culprit and found[0]["claude_refuses"] is refuses
    r = cli("install-plan", root)
    assert r.exit_code == 1
    assert r.stderr.startswith(f"error: {culprit}: ")


def test_install_plan_missing_plugin_is_exit_1(cli: Cli, markets: dict[str, Path]) -> None:
    r = cli("install-plan", "no-such-plugin@alpha")
    assert r.exit_code == 1
    assert "no-such-plugin@alpha" in r.stderr and "not in the catalog" in r.stderr


def test_install_plan_reports_component_collisions(cli: Cli, markets: dict[str, Path]) -> None:
    code, doc = plan(cli, "clash@alpha", "util@alpha")
    assert code == 0
    assert {"kind": "skill", "name": "format", "plugins": ["util@alpha", "clash@alpha"]} in [
        {**c, "plugins": sorted(c["plugins"], reverse=True)} for c in doc["collisions"]
    ]


def _install_state(config: Path, plugins: dict[str, str]) -> None:
    folder = config / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    doc = {
        "version": 2,
        "plugins": {pid: [{"scope": "user", "version": v}] for pid, v in plugins.items()},
    }
    (folder / "installed_plugins.json").write_text(json.dumps(doc))
    known = {"alpha": {"source": {"source": "directory", "path": "/x"}}}
    (folder / "known_marketplaces.json").write_text(json.dumps(known))


def test_install_plan_reads_what_claude_code_has_installed(
    cli: Cli, markets: dict[str, Path]
) -> None:
    config = Path(os.environ["CLAUDE_CONFIG_DIR"])
    _install_state(config, {"util@alpha": "1.3.0", "app@alpha": "1.0.0"})
    code, doc = plan(cli, "lib@alpha")
    assert code == 0
    assert doc["already_installed"] == ["util@alpha"]
    assert doc["commands"] == [["claude", "plugin", "install", "lib@alpha"]]  # alpha is known
    # app (installed) already holds util to ^1.2.0, so pinner's ~2.0.0 cannot be met.
    code, doc = plan(cli, "pinner@alpha")
    assert code == 1
    problem = next(p for p in doc["problems"] if p["plugin"] == "util@alpha")
    assert problem["kind"] == "range-conflict" and problem["claude_refuses"] is True
    assert "~2.0.0, ^1.2.0" in problem["message"]


def _fake_claude(tmp_path: Path, fail_on: str) -> tuple[Path, Path]:
    log = tmp_path / "claude-calls.log"
    script = tmp_path / "fake-claude"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {log}\n'
        f'case "$*" in *{fail_on}*) echo "boom: $*" >&2; exit 3;; esac\n'
        "exit 0\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


def test_install_plan_apply_runs_in_order_and_stops_at_first_failure(
    cli: Cli, markets: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = _fake_claude(tmp_path, fail_on="fixtures/beta")
    monkeypatch.setenv("AGENTOPS_CLAUDE_BIN", str(script))
    r = cli("install-plan", "app@alpha", "--apply", "--yes", "--json")
    assert r.exit_code == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and [s["exit_code"] for s in doc["done"]] == [0, 3]
    assert "boom" in doc["done"][-1]["output"]
    calls = log.read_text().splitlines()
    assert calls == [f"plugin marketplace add {markets['alpha']}",
                     f"plugin marketplace add {markets['beta']}"]  # fmt: skip
    assert "1 command(s) before it were done" in r.stderr


def test_install_plan_apply_asks_and_refuses_without_a_terminal(
    cli: Cli, markets: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = _fake_claude(tmp_path, fail_on="never-matches")
    monkeypatch.setenv("AGENTOPS_CLAUDE_BIN", str(script))
    r = cli("install-plan", "app@alpha", "--apply")
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert not log.exists()
    r = cli("install-plan", "app@alpha", "--apply", "--yes")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert (
        len(log.read_text().splitlines()) == 3 and "ok: claude plugin install app@alpha" in r.stdout
    )
    r = cli("install-plan", "cyc-a@alpha", "--apply", "--yes")
    assert r.exit_code == 1 and len(log.read_text().splitlines()) == 3  # nothing more was run


def test_install_plan_installs_first_what_claude_code_would_miss(
    cli: Cli, markets: dict[str, Path]
) -> None:
    # clash -> lib (marketplace entry) -> util (lib's plugin.json only): Claude Code installs
    # clash and lib and leaves lib broken ("util@alpha is not installed") unless util comes first.
    code, doc = plan(cli, "clash@alpha")
    assert code == 0
    assert doc["commands"][-2:] == [
        ["claude", "plugin", "install", "util@alpha"],
        ["claude", "plugin", "install", "clash@alpha"],
    ]
    (note,) = [p for p in doc["problems"] if p["kind"] == "not-auto-installed"]
    assert note["plugin"] == "util@alpha" and note["severity"] == "warning"


def test_install_plan_takes_the_plugins_a_workflow_uses(
    cli: Cli, markets: dict[str, Path], tmp_path: Path
) -> None:
    wf = tmp_path / "wf.json"
    steps = [
        {"type": "step", "id": "a", "plugin": "lib", "marketplace": "alpha"},
        {"type": "step", "id": "b", "plugin": "shared", "marketplace": "beta"},
    ]
    wf.write_text(json.dumps({"version": 1, "name": "w", "steps": steps}))
    code, doc = plan(cli, "--workflow", str(wf))
    assert code == 0 and doc["roots"] == ["lib@alpha", "shared@beta"]
    assert {p["install_id"] for p in doc["plugins"]} == {"lib@alpha", "shared@beta", "util@alpha"}
    r = cli("install-plan")
    assert r.exit_code == 2 and "--workflow" in r.stderr


def test_install_plan_flags_ranges_written_in_a_marketplace_entry(
    cli: Cli, tmp_path: Path, make_marketplace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTOPS_OFFLINE", "1")
    root = make_marketplace(
        "solo",
        plugins=[
            {"name": "top", "source": "./p/top",
             "dependencies": [{"name": "base", "version": "^9"}]},
            {"name": "base", "source": "./p/base", "version": "1.0.0"},
        ],
        files={"p/top/skills/t/SKILL.md": "---\nname: t\ndescription: t\n---\n",
               "p/base/skills/b/SKILL.md": "---\nname: b\ndescription: b\n---\n"},
    )  # fmt: skip
    assert cli("marketplace", "add", str(root)).exit_code == 0
    code, doc = plan(cli, "top@solo", "top@solo")
    assert code == 0 and doc["roots"] == ["top@solo"]
    (note,) = doc["problems"]
    assert note["kind"] == "ignored-range" and note["severity"] == "warning"
    base = next(p for p in doc["plugins"] if p["plugin"] == "base")
    assert base["ranges"] == []  # Claude Code ignores it, so the plan does too


def test_install_plan_counts_each_dependants_range_once(cli: Cli, markets: dict[str, Path]) -> None:
    code, doc = plan(cli, "app@alpha", "lib@alpha", "app@alpha")
    assert code == 0 and doc["roots"] == ["app@alpha", "lib@alpha"]
    util = next(p for p in doc["plugins"] if p["install_id"] == "util@alpha")
    assert sorted(util["ranges"]) == [">=1.0.0 <2", "^1.2.0"]


def test_install_plan_commands_are_never_wrapped(
    cli: Cli, markets: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A command broken over two lines cannot be pasted, however narrow the terminal.
    monkeypatch.setenv("COLUMNS", "40")
    r = cli("install-plan", "app@alpha")
    assert r.exit_code == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert f"  claude plugin marketplace add {markets['alpha']}" in lines
    assert "  claude plugin install app@alpha" in lines


def test_two_marketplaces_declaring_one_name_keep_their_own_keys_and_sources(
    cli: Cli, make_marketplace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `marketplace` is the catalog key in install-plan as in discover and show; the declared
    # name (what `@` takes) is `marketplace_name`; each plugin's one-step names its own repo.
    monkeypatch.setenv("AGENTOPS_OFFLINE", "1")
    roots = {}
    for folder, plugin in (("one", "alpha-tool"), ("two", "beta-tool")):
        entry = {"name": plugin, "source": f"./plugins/{plugin}", "description": plugin}
        files = {f"plugins/{plugin}/README.md": "x"}
        roots[plugin] = make_marketplace("plus", [entry], files, folder=folder)
        assert cli("marketplace", "add", str(roots[plugin])).exit_code == 0
    keys = {
        p["plugin"]: p["marketplace"]
        for p in json.loads(cli("plugins", "--json").stdout)["plugins"]
    }
    assert len(set(keys.values())) == 2
    code, doc = plan(cli, *(f"{p}@{k}" for p, k in keys.items()))
    assert code == 0, doc
    got = {p["plugin"]: (p["marketplace"], p["marketplace_name"]) for p in doc["plugins"]}
    assert got == {p: (k, "plus") for p, k in keys.items()}
    assert [s["source"] for s in doc["marketplaces"]] == [str(roots[p]) for p in keys]
    installs = {step[3]: step[-1] for step in doc["one_step"] if step[2] == "install"}
    assert installs == {p: str(roots[p]) for p in keys}
