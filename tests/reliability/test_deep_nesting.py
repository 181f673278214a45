"""Nesting too deep inside one plugins[] entry fails that entry only (issue 16)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.parse.marketplace_json import parse_marketplace
from agentops_lite.parse.safejson import MAX_JSON_DEPTH, load_json


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def manifest(deep: str, where: str = "entry") -> str:
    entries = [
        '{"name": "good-one", "source": "./a", "description": "brackets [in] {strings}"}',
        '{"name": "deep", "source": "./d", "x": ' + deep + "}",
        '{"name": "good-two", "source": "./b", "tags": ["x", "y"]}',
    ]
    meta = f', "metadata": {{"x": {deep}}}' if where == "metadata" else ""
    return (
        '{"name": "m", "owner": {"name": "o"}, "plugins": [' + ", ".join(entries) + "]" + meta + "}"
    )


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 5, 300, 5_000, 100_000])
def test_one_deep_entry_fails_alone(depth: int) -> None:
    parsed = parse_marketplace(manifest(nested(depth)).encode())
    assert [p.name for p in parsed.plugins] == ["good-one", "good-two"]
    assert [p.index for p in parsed.plugins] == [0, 2]  # paths still name the right entry
    assert ("entry-too-deep", "plugins[1]") in {(p.code, p.path) for p in parsed.problems}
    assert parsed.plugins[0].description == "brackets [in] {strings}"


def test_shallow_nesting_is_kept() -> None:
    parsed = parse_marketplace(manifest(nested(10)).encode())
    assert [p.name for p in parsed.plugins] == ["good-one", "deep", "good-two"]


def test_deep_outside_the_entries_is_the_whole_file() -> None:
    parsed = parse_marketplace(manifest(nested(5_000), where="metadata").encode())
    assert parsed.plugins == ()
    assert [p.code for p in parsed.problems] == ["too-deep"]


def test_depth_is_bounded_where_json_is_read() -> None:
    value, problem = load_json(nested(MAX_JSON_DEPTH).encode())
    assert problem is None and isinstance(value, list)
    value, problem = load_json(nested(MAX_JSON_DEPTH + 1).encode())
    assert value is None and problem is not None and problem.code == "too-deep"


@pytest.mark.parametrize("depth", [300, 5_000])
def test_add_stores_the_good_entries(
    depth: int, cli: Callable[..., Any], make_marketplace: Callable[..., Path]
) -> None:
    # 300 levels decode but made pydantic fail to store them: "internal error", exit 4.
    root = make_marketplace(raw=manifest(nested(depth)))
    result = cli("marketplace", "add", str(root), "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["outcome"]["plugins"] == 2
