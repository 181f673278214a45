"""Bytes that are not text (found by the fuzz harness): a lone-surrogate escape in a manifest,
a file name that is not UTF-8. Both made `marketplace add` fail with "internal error"."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentops_lite.parse.safejson import load_json


def test_lone_surrogate_escapes_become_replacement_characters() -> None:
    value, problem = load_json(b'{"a\\ud800": ["x\\udc00y", {"k": "\\ud83d\\ude00"}]}')
    assert problem is None
    assert value == {"a\ufffd": ["x\ufffdy", {"k": "\U0001f600"}]}


def test_add_with_a_lone_surrogate_in_the_manifest(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path]
) -> None:
    raw = json.dumps(
        {"name": "sur", "owner": {"name": "o"}, "description": "\ud800", "plugins": []}
    )
    root = make_marketplace(raw=raw)
    result = cli("marketplace", "add", str(root), "--json")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_add_with_a_file_name_that_is_not_utf8(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path]
) -> None:
    files = {"plugins/p/commands/ok.md": "---\ndescription: fine\n---\n"}
    root = make_marketplace(plugins=[{"name": "p", "source": "./plugins/p"}], files=files)
    with open(os.path.join(os.fsencode(root), b"plugins/p/commands/bad\xff.md"), "wb") as fh:
        fh.write(b"---\ndescription: x\n---\n")
    result = cli("marketplace", "add", str(root), "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    listed = json.loads(cli("plugins", "--json").stdout)["plugins"]
    (plugin,) = [p for p in listed if p["plugin"] == "p"]
    assert [c["name"] for c in plugin["components"]] == ["ok"]
