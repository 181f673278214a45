"""`workflow export`: the marketplace + bundle plugin on disk, and its refusals."""

from __future__ import annotations

import json
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
        assert cli("marketplace", "add", str(root)).exit_code == 0
    return roots


def flow(tmp_path: Path, *steps: dict[str, Any], name: str = "ship it") -> Path:
    path = tmp_path / "wf.json"
    path.write_text(json.dumps({"version": 1, "name": name, "steps": list(steps)}))
    return path


STEPS = [
    {"type": "step", "id": "build", "plugin": "util", "marketplace": "alpha", "skill": "format"},
    {"type": "step", "id": "share", "plugin": "shared", "marketplace": "beta"},
    {"type": "step", "id": "ask", "instructions": "no plugin", "confirm": True},
]


def test_export_writes_a_marketplace_with_a_bundle_plugin(
    cli: Cli, markets: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "bundle"
    r = cli("workflow", "export", str(flow(tmp_path, *STEPS)), "-o", str(out), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    market = json.loads((out / ".claude-plugin" / "marketplace.json").read_text())
    assert market["name"] == doc["marketplace"] == "ship-it-marketplace"
    assert market["allowCrossMarketplaceDependenciesOn"] == ["alpha", "beta"]
    manifest = json.loads((out / "plugins/ship-it/.claude-plugin/plugin.json").read_text())
    assert manifest["dependencies"] == ["util@alpha", "shared@beta"] == doc["dependencies"]
    assert [w["command"] for w in doc["workflows"]] == [
        "/ship-it:ship-it-part1", "/ship-it:ship-it-part2"
    ]  # fmt: skip
    assert doc["workflows"][1]["confirm_before"] == "ask"
    assert any("split into 2 workflows" in n for n in doc["notes"])
    for w in doc["workflows"]:
        assert (out / w["file"]).read_text().startswith("export const meta = ")
    assert doc["install_commands"][-2:] == [
        ["claude", "plugin", "marketplace", "add", str(out.absolute())],
        ["claude", "plugin", "install", "ship-it@ship-it-marketplace"],
    ]


def test_export_refuses_a_non_empty_folder_unless_forced(
    cli: Cli, markets: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    wf = flow(tmp_path, *STEPS[:1])
    r = cli("workflow", "export", str(wf), "-o", str(out))
    assert r.exit_code == 2 and "not empty" in r.stderr and "--force" in r.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    r = cli("workflow", "export", str(wf), "-o", str(out), "--force")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert not (out / "keep.txt").exists() and (out / ".claude-plugin").is_dir()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bundle")] == []


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            {"type": "step", "id": "a", "plugin": "ghost", "marketplace": "alpha"},
            "not in the catalog",
        ),
        ({"type": "step", "id": "a", "plugin": "cyc-a", "marketplace": "alpha"}, "cycle"),
    ],
)
def test_export_bad_plans_write_nothing(
    cli: Cli, markets: dict[str, Path], tmp_path: Path, step: dict[str, Any], message: str
) -> None:
    out = tmp_path / "bundle"
    r = cli("workflow", "export", str(flow(tmp_path, step)), "-o", str(out))
    assert r.exit_code == 1 and message in r.stderr.lower()
    assert not out.exists()


def test_export_depends_on_the_whole_set_so_nothing_transitive_is_missed(
    cli: Cli, markets: dict[str, Path], tmp_path: Path
) -> None:
    # clash -> lib (entry) -> util (lib's plugin.json): the bundle lists all three.
    out = tmp_path / "bundle"
    step = {"type": "step", "id": "a", "plugin": "clash", "marketplace": "alpha"}
    r = cli("workflow", "export", str(flow(tmp_path, step)), "-o", str(out), "--json")
    assert r.exit_code == 0, r.stdout + r.stderr
    manifest = json.loads((out / "plugins/ship-it/.claude-plugin/plugin.json").read_text())
    assert manifest["dependencies"] == ["util@alpha", "lib@alpha", "clash@alpha"]
