"""Facts of a plugin folder: bin files, monitors, hosts, README, LICENSE, icon, evals, digest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from agentops_lite.models import PluginEntry
from agentops_lite.sources.local import load_local


def _entry(make_marketplace: Callable[..., Path], files: dict[str, str]) -> PluginEntry:
    root = make_marketplace("m", plugins=[{"name": "p", "source": "./p"}], files=files)
    return load_local(root).manifest.plugins[0]


def test_folder_facts(make_marketplace: Callable[..., Path]) -> None:
    manifest = {
        "name": "p",
        "license": "Apache-2.0",
        "privacyPolicyUrl": "https://p.example/privacy",
        "network": {"hosts": ["API.Example.com"]},
        "monitors": [{"name": "watch", "command": "tail -f log"}],
    }
    e = _entry(
        make_marketplace,
        {
            "p/.claude-plugin/plugin.json": json.dumps(manifest),
            "p/license.txt": "text",
            "p/assets/logo.svg": "<svg/>",
            "p/evals/cases.json": "[]",
            "p/bin/tool": "#!/bin/sh",
            "p/README.md": "Install with `/plugin install p@m` and enjoy. ```\ncode words\n```",
        },
    )
    f = e.files
    assert f is not None
    assert f.license_file == "license.txt" and f.license_declared and f.privacy_url
    assert f.icon == "assets/logo.svg" and f.evals
    assert f.readme is not None and f.readme.install_line and f.readme.path == "README.md"
    assert f.hosts == ("api.example.com",)
    assert [(r.kind, r.name, r.command) for r in f.runs] == [
        ("monitor", "watch", "tail -f log"),
        ("bin", "bin/tool", None),
    ]


def test_files_digest_follows_component_content(make_marketplace: Callable[..., Path]) -> None:
    files = {"p/commands/a.md": "---\ndescription: one\n---\n"}
    first = _entry(make_marketplace, files).files
    same = _entry(make_marketplace, files).files
    files["p/commands/a.md"] = "---\ndescription: one\n---\nbody changed\n"
    changed = _entry(make_marketplace, files).files
    assert first and same and changed
    assert first.files_digest == same.files_digest != changed.files_digest
