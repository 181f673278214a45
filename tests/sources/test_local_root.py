"""A plugin whose source is "./" lives at the marketplace root (issue 9: Every's, obra's)."""

from __future__ import annotations

import json
from pathlib import Path

from agentops_lite.sources.local import LocalTree, load_local


def test_local_tree_root_is_listable(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x")
    assert LocalTree(tmp_path).list_dir("") == ["a.md"]
    assert LocalTree(tmp_path).list_dir(".") == ["a.md"]


def test_load_local_root_source_plugin_has_no_missing_error(tmp_path: Path) -> None:
    (tmp_path / ".claude-plugin").mkdir()
    doc = {"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "p", "source": "./"}]}
    (tmp_path / ".claude-plugin" / "marketplace.json").write_text(json.dumps(doc))
    (tmp_path / ".claude-plugin" / "plugin.json").write_text(json.dumps({"name": "p"}))
    (tmp_path / "commands").mkdir()
    (tmp_path / "commands" / "go.md").write_text("---\ndescription: Go now\n---\nbody\n")
    entry = load_local(tmp_path).manifest.plugins[0]
    assert not [p for p in entry.problems if p.code == "source-missing"]
    assert [c.name for c in entry.components if c.kind == "command"] == ["go"]
