"""Paths a manifest names that no file can have (NUL, controls, over-long), and a manifest that
is a symlink out of its folder (issue 16, breaks 1 and 3)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentops_lite.parse.components import enrich_manifest
from agentops_lite.parse.marketplace_json import parse_marketplace
from agentops_lite.sources.local import LocalTree, load_local

HOSTILE = [
    pytest.param("./plugins/a\x00b", id="nul"),
    pytest.param("./plugins/a\x1b[31mb", id="escape"),
    pytest.param("./plugins/a\x85b", id="c1-control"),
    pytest.param("./" + "x" * 300, id="long-segment"),
    pytest.param("./" + "/".join(["abc"] * 400), id="long-path"),
]
GOOD = {"name": "good", "source": "./plugins/good"}
GOOD_FILES = {
    "plugins/good/.claude-plugin/plugin.json": json.dumps({"name": "good"}),
    "plugins/good/commands/hello.md": "---\ndescription: hi\n---\n",
}


def codes(entry_problems: object) -> set[str]:
    return {p.code for p in entry_problems}  # type: ignore[attr-defined]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_plugin_source_is_a_problem_on_that_entry(
    source: str, make_marketplace: Callable[..., Path]
) -> None:
    root = make_marketplace(plugins=[GOOD, {"name": "bad", "source": source}], files=GOOD_FILES)
    manifest = load_local(root).manifest
    good, bad = manifest.plugins
    assert [c.name for c in good.components] == ["hello"]
    assert "source-bad-path" in codes(bad.problems)
    assert all("\x00" not in p.message and "\x1b" not in p.message for p in bad.problems)


@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_component_path_is_a_problem_on_that_entry(
    path: str, make_marketplace: Callable[..., Path]
) -> None:
    plugin_json = json.dumps({"name": "good", "commands": [path, "./commands/hello.md"]})
    files = {**GOOD_FILES, "plugins/good/.claude-plugin/plugin.json": plugin_json}
    manifest = load_local(make_marketplace(plugins=[GOOD], files=files)).manifest
    (good,) = manifest.plugins
    assert [c.name for c in good.components] == ["hello"]
    assert "bad-path" in codes(good.problems)


def test_local_tree_never_raises_on_a_nul(tmp_path: Path) -> None:
    tree = LocalTree(tmp_path)
    assert tree.read_bytes("a\x00b", 10) is None
    assert tree.list_dir("a\x00b") is None


class RaisingTree:
    """A tree whose reads fail as an OS can fail (a FileTree is ours to implement, not a mock)."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def read_bytes(self, path: str, max_bytes: int) -> bytes | None:
        raise self.exc

    def list_dir(self, path: str) -> list[str] | None:
        if path in ("", "plugins"):
            return ["good"] if path == "plugins" else ["plugins"]
        raise self.exc


@pytest.mark.parametrize(
    "exc", [ValueError("embedded null byte"), OSError(36, "File name too long"), UnicodeError("x")]
)
def test_any_read_error_becomes_a_problem(exc: Exception) -> None:
    doc = {"name": "m", "owner": {"name": "o"}, "plugins": [GOOD, {"name": "b", "source": "./x"}]}
    manifest = enrich_manifest(parse_marketplace(json.dumps(doc).encode()), RaisingTree(exc), "")
    assert [p.name for p in manifest.plugins] == ["good", "b"]
    assert "read-failed" in codes(manifest.plugins[0].problems)


def test_add_with_nul_source_loads_the_rest_and_leaves_no_stray_row(
    cli: Callable[..., Result], make_marketplace: Callable[..., Path]
) -> None:
    root = make_marketplace(
        plugins=[GOOD, {"name": "bad", "source": "./plugins/a\x00b"}], files=GOOD_FILES
    )
    added = cli("marketplace", "add", str(root), "--json")
    assert added.exit_code == 0, added.stdout + added.stderr
    assert "internal error" not in added.stderr and "Traceback" not in added.stderr
    assert json.loads(added.stdout)["outcome"]["plugins"] == 2
    again = cli("refresh", "--json")
    assert again.exit_code == 0, again.stdout + again.stderr


def test_a_hostile_marketplace_does_not_stop_the_refresh(
    cli: Callable[..., Result], make_marketplace: Callable[..., Path]
) -> None:
    first = make_marketplace("first-market", plugins=[GOOD], files=GOOD_FILES)
    second = make_marketplace("second-market", plugins=[GOOD], files=GOOD_FILES)
    third = make_marketplace("third-market", plugins=[GOOD], files=GOOD_FILES)
    for root in (first, second, third):
        assert cli("marketplace", "add", str(root)).exit_code == 0
    # The first one changes under us: a NUL source (once a crash that ended the whole refresh),
    # the second one's manifest becomes a folder (unreadable).
    make_marketplace(
        "first-market", plugins=[GOOD, {"name": "bad", "source": "./p\x00"}], files=GOOD_FILES
    )
    manifest = second / ".claude-plugin" / "marketplace.json"
    manifest.unlink()
    manifest.mkdir()
    result = cli("refresh", "--json", "first-market", "second-market", "third-market")
    assert "internal error" not in result.stderr, result.stderr
    outcomes = {o["key"]: o["status"] for o in json.loads(result.stdout)["outcomes"]}
    assert outcomes == {"first-market": "ok", "second-market": "error", "third-market": "ok"}
    assert result.exit_code == 3


def test_failed_add_leaves_no_row(
    cli: Callable[..., Result], make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.json"
    outside.write_text(json.dumps({"name": "stolen", "owner": {"name": "x"}, "plugins": []}))
    root = tmp_path / "linked"
    (root / ".claude-plugin").mkdir(parents=True)
    os.symlink(outside, root / ".claude-plugin" / "marketplace.json")
    result = cli("marketplace", "add", str(root))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "symlink" in result.stderr
    listed = cli("marketplace", "list", "--json")
    mine = [m for m in json.loads(listed.stdout)["marketplaces"] if m["source_kind"] == "local"]
    assert mine == []


def test_manifest_symlink_leaving_the_folder_is_refused(tmp_path: Path) -> None:
    from agentops_lite.errors import SourceError

    outside = tmp_path / "outside" / "m.json"
    outside.parent.mkdir()
    outside.write_text(json.dumps({"name": "stolen", "owner": {"name": "x"}, "plugins": []}))
    root = tmp_path / "market"
    (root / ".claude-plugin").mkdir(parents=True)
    os.symlink(outside, root / ".claude-plugin" / "marketplace.json")
    with pytest.raises(SourceError, match="symlink"):
        load_local(root)
    with pytest.raises(SourceError, match="symlink"):
        load_local(root / ".claude-plugin" / "marketplace.json")


def test_manifest_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "market"
    (root / ".claude-plugin").mkdir(parents=True)
    real = root / "real.json"
    real.write_text(json.dumps({"name": "inside", "owner": {"name": "x"}, "plugins": []}))
    os.symlink(real, root / ".claude-plugin" / "marketplace.json")
    assert load_local(root).manifest.name == "inside"
