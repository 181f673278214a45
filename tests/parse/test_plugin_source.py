"""Source normalisation directly: every kind, written well and badly, and the problems it yields."""

from __future__ import annotations

from typing import Any

import pytest

from agentops_lite.parse.plugin_source import github_repo_of, parse_source

SHA = "0123456789abcdef0123456789abcdef01234567"


def parsed(value: Any, plugin_root: str | None = None) -> tuple[dict[str, Any], list[str]]:
    source, problems = parse_source(value, "plugins[0].source", plugin_root)
    fields = source.model_dump(exclude_none=True, exclude={"raw"})
    return fields, [p.code for p in problems]


@pytest.mark.parametrize(
    ("value", "fields", "codes"),
    [
        # Relative paths
        ("./plugins/x", {"kind": "relative", "path": "plugins/x"}, []),
        ("./plugins//./x/", {"kind": "relative", "path": "plugins/x"}, []),
        ("./", {"kind": "relative", "path": ""}, []),
        (".", {"kind": "relative", "path": ""}, []),
        ("  ./padded  ", {"kind": "relative", "path": "padded"}, []),
        ("plugins/x", {"kind": "relative", "path": "plugins/x"}, ["source-not-dot-slash"]),
        ("./a/../../etc", {"kind": "unknown"}, ["source-traversal"]),
        ("..\\outside", {"kind": "unknown"}, ["source-traversal"]),
        ("/abs/path", {"kind": "unknown"}, ["source-absolute"]),
        ("C:\\plugins\\x", {"kind": "unknown"}, ["source-absolute"]),
        # Strings that mean GitHub, written the way Claude Code refuses
        (
            "github:acme/tools",
            {"kind": "github", "repo": "acme/tools"},
            ["source-github-shorthand"],
        ),
        ("gh:acme/tools", {"kind": "github", "repo": "acme/tools"}, ["source-github-shorthand"]),
        (
            "https://github.com/acme/tools.git",
            {"kind": "url", "repo": "acme/tools", "url": "https://github.com/acme/tools.git"},
            ["source-url-string"],
        ),
        # Objects
        ({"source": "github", "repo": "acme/tools"}, {"kind": "github", "repo": "acme/tools"}, []),
        (
            {"source": "github", "repo": "acme/tools", "ref": "v1", "sha": SHA},
            {"kind": "github", "repo": "acme/tools", "ref": "v1", "sha": SHA},
            [],
        ),
        ({"source": "github"}, {"kind": "github"}, ["missing-field"]),
        ({"source": "github", "repo": "just-a-name"}, {"kind": "github"}, ["bad-repo"]),
        ({"source": "github", "repo": 7}, {"kind": "github"}, ["wrong-type", "missing-field"]),
        (
            {"source": "github", "repo": "a/b", "sha": SHA.upper()},
            {"kind": "github", "repo": "a/b", "sha": SHA.upper()},
            ["bad-sha"],
        ),
        (
            {"source": "url", "url": "git@github.com:acme/tools.git"},
            {"kind": "url", "repo": "acme/tools", "url": "git@github.com:acme/tools.git"},
            [],
        ),
        (
            {"source": "url", "url": "https://gitlab.com/acme/tools.git"},
            {"kind": "url", "url": "https://gitlab.com/acme/tools.git"},
            [],
        ),
        ({"source": "url"}, {"kind": "url"}, ["missing-field"]),
        (
            {"source": "url", "url": "acme/tools"},
            {"kind": "url", "url": "acme/tools"},
            ["url-shorthand"],
        ),
        (
            {"source": "url", "url": "https://github.com/a/b", "path": "sub"},
            {"kind": "url", "repo": "a/b", "url": "https://github.com/a/b", "path": "sub"},
            ["url-with-path"],
        ),
        (
            {"source": "git-subdir", "url": "acme/mono", "path": "plugins/x"},
            {"kind": "git-subdir", "repo": "acme/mono", "url": "acme/mono", "path": "plugins/x"},
            [],
        ),
        (
            {"source": "git-subdir", "url": "https://github.com/acme/mono"},
            {"kind": "git-subdir", "repo": "acme/mono", "url": "https://github.com/acme/mono"},
            ["missing-field"],
        ),
        (
            {"source": "git-subdir", "url": "acme/mono", "path": "../escape"},
            {"kind": "git-subdir", "repo": "acme/mono", "url": "acme/mono"},
            ["source-traversal"],
        ),
        ({"source": "npm", "package": "@acme/tool"}, {"kind": "npm", "package": "@acme/tool"}, []),
        ({"source": "npm"}, {"kind": "npm"}, ["missing-field"]),
        (
            {"source": "npm", "package": "../x"},
            {"kind": "npm", "package": "../x"},
            ["source-traversal"],
        ),
        (
            {"source": "archive", "url": "https://example.com/p.tgz"},
            {"kind": "archive", "url": "https://example.com/p.tgz"},
            [],
        ),
        (
            {"source": "archive", "url": "http://example.com/p.tgz"},
            {"kind": "archive", "url": "http://example.com/p.tgz"},
            ["bad-url"],
        ),
        ({"source": "command", "command": "make plugin"}, {"kind": "command"}, []),
        ({"source": "command"}, {"kind": "command"}, ["missing-field"]),
        ({"source": "svn", "url": "x"}, {"kind": "unknown"}, ["unknown-source-type"]),
        ({"repo": "acme/tools"}, {"kind": "unknown"}, ["unknown-source-type"]),
        # Neither string nor object
        (None, {"kind": "unknown"}, ["missing-field"]),
        (["./x"], {"kind": "unknown"}, ["wrong-type"]),
        (42, {"kind": "unknown"}, ["wrong-type"]),
    ],
)
def test_parse_source(value: Any, fields: dict[str, Any], codes: list[str]) -> None:
    assert parsed(value) == (fields, codes)


def test_problems_carry_the_field_path_and_severity() -> None:
    _, problems = parse_source(
        {"source": "url", "url": "https://github.com/a/b", "path": "x", "sha": "nope"},
        "plugins[3].source",
    )
    by_code = {p.code: p for p in problems}
    assert by_code["bad-sha"].path == "plugins[3].source.sha"
    assert by_code["bad-sha"].severity == "error"
    assert by_code["url-with-path"].severity == "warning"  # ignored by Claude Code, not fatal
    assert by_code["url-with-path"].path == "plugins[3].source.path"


def test_wrong_type_message_names_the_json_type() -> None:
    _, (problem,) = parse_source([1], "p")
    assert "array" in problem.message
    _, (problem,) = parse_source(True, "p")
    assert "boolean" in problem.message


def test_raw_keeps_the_value_as_written() -> None:
    value = {"source": "github", "repo": "acme/tools", "extra": [1]}
    source, _ = parse_source(value, "p")
    assert source.raw == value
    assert parse_source("gh:a/b", "p")[0].raw == "gh:a/b"


@pytest.mark.parametrize(
    ("root", "value", "path", "codes"),
    [
        ("plugins", "x", "plugins/x", []),
        ("./plugins/", "x", "plugins/x", []),
        ("./", "x", "x", []),
        ("plugins", "./x", "x", []),  # an explicit ./ path ignores pluginRoot
        ("plugins", "a/b", "a/b", ["source-not-dot-slash"]),  # only bare names use it
    ],
)
def test_plugin_root_resolves_bare_names(
    root: str, value: str, path: str, codes: list[str]
) -> None:
    assert parsed(value, plugin_root=root) == ({"kind": "relative", "path": path}, codes)


@pytest.mark.parametrize(
    ("url", "repo"),
    [
        ("https://github.com/acme/tools", "acme/tools"),
        ("http://www.github.com/acme/tools/", "acme/tools"),
        ("https://github.com/acme/tools.git", "acme/tools"),
        ("git@github.com:acme/tools.git", "acme/tools"),
        ("ssh://git@github.com/acme/tools", "acme/tools"),
        (" https://github.com/acme/tools ", "acme/tools"),
        ("https://github.com/acme/tools/tree/main", None),
        ("https://gitlab.com/acme/tools", None),
        ("https://github.com/acme", None),
    ],
)
def test_github_repo_of(url: str, repo: str | None) -> None:
    assert github_repo_of(url) == repo
