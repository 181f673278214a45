"""Manifest parsing: every defect becomes a problem; good entries survive bad neighbours."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentops_lite.models import MarketplaceManifest
from agentops_lite.parse.marketplace_json import parse_marketplace, parse_marketplace_value
from agentops_lite.parse.plugin_json import parse_plugin_json


def doc(plugins: list[Any], **top: Any) -> bytes:
    base: dict[str, Any] = {"name": "good-market", "owner": {"name": "o"}, "description": "d"}
    base.update(top)
    base["plugins"] = plugins
    return json.dumps(base).encode()


def codes(m: MarketplaceManifest) -> dict[str, str]:
    """code -> path for every problem."""
    return {p.code: p.path for _, p in m.all_problems()}


def test_manifest_clean_document_has_no_problems() -> None:
    m = parse_marketplace(doc([{"name": "a", "source": "./plugins/a", "keywords": ["x"]}]))
    assert m.name == "good-market" and [p.name for p in m.plugins] == ["a"]
    assert m.all_problems() == []
    assert m.plugins[0].source.kind == "relative" and m.plugins[0].source.path == "plugins/a"


def test_manifest_one_bad_entry_keeps_the_good_ones() -> None:
    m = parse_marketplace(
        doc([{"name": "a", "source": "./a"}, 42, {"source": "./x"}, {"name": "b", "source": "./b"}])
    )
    assert [p.name for p in m.plugins] == ["a", "b"]
    assert codes(m) == {"wrong-type": "plugins[1]", "missing-field": "plugins[2].name"}


@pytest.mark.parametrize(
    ("source", "code", "path"),
    [
        ("plugins/a", "source-not-dot-slash", "plugins[0].source"),
        ("./../../etc", "source-traversal", "plugins[0].source"),
        ("/etc/passwd", "source-absolute", "plugins[0].source"),
        ("github:owner/repo", "source-github-shorthand", "plugins[0].source"),
        ({"source": "svn", "url": "x"}, "unknown-source-type", "plugins[0].source.source"),
        ({"source": "github"}, "missing-field", "plugins[0].source.repo"),
        (
            {"source": "git-subdir", "url": "https://x.org/r.git"},
            "missing-field",
            "plugins[0].source.path",
        ),
        ({"source": "github", "repo": "o/r", "sha": "abc"}, "bad-sha", "plugins[0].source.sha"),
    ],
)
def test_manifest_source_defects(source: Any, code: str, path: str) -> None:
    m = parse_marketplace(doc([{"name": "a", "source": source}]))
    assert codes(m).get(code) == path
    assert m.plugins[0].has_errors


def test_manifest_traversal_is_never_followed() -> None:
    m = parse_marketplace(doc([{"name": "a", "source": "./x/../../../secret"}]))
    assert m.plugins[0].source.kind == "unknown" and m.plugins[0].source.path is None


def test_manifest_github_shorthand_is_normalised_and_flagged() -> None:
    m = parse_marketplace(doc([{"name": "a", "source": "github:Kermit457/gICM"}]))
    src = m.plugins[0].source
    assert (src.kind, src.repo) == ("github", "Kermit457/gICM")


def test_manifest_bare_name_resolves_under_plugin_root() -> None:
    m = parse_marketplace(doc([{"name": "a", "source": "a"}], metadata={"pluginRoot": "./plugins"}))
    assert m.plugins[0].source.path == "plugins/a" and not m.plugins[0].problems


def test_manifest_duplicate_names_exact_and_case_insensitive() -> None:
    m = parse_marketplace(
        doc(
            [
                {"name": "a", "source": "./a"},
                {"name": "a", "source": "./b"},
                {"name": "A", "source": "./c"},
            ]
        )
    )
    found = [(name, p.code, p.severity) for name, p in m.all_problems()]
    assert ("a", "duplicate-name", "error") in found
    assert ("A", "duplicate-name-case", "warning") in found
    assert len(m.plugins) == 3


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("../../../.ssh", "invalid marketplace name"),
        ("has space", "invalid marketplace name"),
        ("claude-plugins-official", "reserved"),
        ("github", "reserved"),
        ("claudeai-x", "claude.ai"),
    ],
)
def test_manifest_invalid_or_reserved_marketplace_names(name: str, fragment: str) -> None:
    m = parse_marketplace(doc([], name=name))
    assert any(fragment in p.message and p.path == "name" for p in m.problems)


def test_manifest_reserved_name_allowed_for_anthropics_repo() -> None:
    m = parse_marketplace(doc([], name="claude-plugins-official"), repo="anthropics/x")
    assert not [p for p in m.problems if p.path == "name"]


def test_manifest_keywords_string_is_split_and_flagged() -> None:
    m = parse_marketplace(doc([{"name": "a", "source": "./a", "keywords": "k8s, helm"}]))
    assert m.plugins[0].keywords == ("k8s", "helm")
    assert codes(m)["keywords-string"] == "plugins[0].keywords"


def test_manifest_wrapped_marketplace_object_is_unwrapped_and_flagged() -> None:
    inner = json.loads(doc([{"name": "a", "source": "./a"}]))
    m = parse_marketplace(json.dumps({"marketplace": inner}).encode())
    assert [p.name for p in m.plugins] == ["a"]
    assert codes(m)["wrapped-marketplace"] == "marketplace"


def test_manifest_missing_required_top_level_fields() -> None:
    m = parse_marketplace(b'{"agents": []}')
    assert {"name", "owner", "plugins"} <= {p.path for p in m.problems if p.code == "missing-field"}


def test_manifest_mistyped_fields() -> None:
    m = parse_marketplace(
        doc([{"name": "a", "source": "./a", "description": 5, "strict": "no", "tags": {"x": 1}}])
    )
    paths = {p.path for _, p in m.all_problems() if p.code == "wrong-type"}
    assert {"plugins[0].description", "plugins[0].strict", "plugins[0].tags"} <= paths


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty-file"),
        (b"   \n", "empty-file"),
        (b'{"name": "x", "plugins": [', "invalid-json"),
        (b"\xff\xfe{}", "invalid-utf8"),
        (b"[1, 2]", "not-an-object"),
        (b"[" * 100_000 + b"]" * 100_000, "too-deep"),
        (b'{"a": 1}\n<<<<<<< HEAD\n', "invalid-json"),
    ],
)
def test_manifest_hostile_files_give_one_problem(data: bytes, code: str) -> None:
    m = parse_marketplace(data)
    assert [p.code for p in m.problems] == [code]
    assert m.plugins == ()


def test_manifest_bom_is_accepted() -> None:
    m = parse_marketplace(b"\xef\xbb\xbf" + doc([{"name": "a", "source": "./a"}]))
    assert [p.name for p in m.plugins] == ["a"] and not m.all_problems()


def test_manifest_oversize_file_is_refused_without_parsing() -> None:
    m = parse_marketplace(b" " * (8 * 1024 * 1024 + 1))
    assert [p.code for p in m.problems] == ["file-too-large"]


def test_manifest_huge_description_and_control_characters_are_bounded() -> None:
    desc = "\x1b]8;;http://evil\x07click\x1b[31m" + "x" * 3_000_000
    m = parse_marketplace(doc([{"name": "a", "source": "./a", "description": desc}]))
    text = m.plugins[0].description or ""
    assert len(text) <= 4000 and "\x1b" not in text and "\x07" not in text
    assert {"too-long", "control-characters"} <= set(codes(m))


def test_plugin_json_defects() -> None:
    pj = parse_plugin_json(b'{"name": "bad name", "author": "Jo", "keywords": "a,b"}')
    got = {p.code for p in pj.problems}
    assert {"bad-name", "wrong-type", "keywords-string"} <= got
    assert pj.keywords == ("a", "b") and pj.author == "Jo"
    assert parse_plugin_json(b'{"name": "x",}').problems[0].code == "invalid-json"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=30,
)
plugin_like = st.fixed_dictionaries(
    {"name": st.one_of(st.text(), json_values), "source": st.one_of(st.text(), json_values)},
    optional={
        "description": json_values,
        "keywords": json_values,
        "tags": json_values,
        "author": json_values,
        "strict": json_values,
        "category": json_values,
    },
)
manifest_like = st.fixed_dictionaries(
    {"plugins": st.one_of(st.lists(st.one_of(plugin_like, json_values), max_size=6), json_values)},
    optional={"name": json_values, "owner": json_values, "metadata": json_values},
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, manifest_like))
def test_manifest_any_json_value_never_raises(value: Any) -> None:
    m = parse_marketplace(json.dumps(value).encode())
    assert isinstance(m, MarketplaceManifest)
    assert parse_marketplace_value(value) is not None
    for entry in m.plugins:
        assert isinstance(entry.name, str)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_manifest_any_bytes_never_raise(data: bytes) -> None:
    m = parse_marketplace(data)
    assert m.problems or m.plugins or m.raw is not None
