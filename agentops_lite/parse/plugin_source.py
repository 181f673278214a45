"""Normalise a marketplace entry's `source` (string or object) into a PluginSource + problems."""

from __future__ import annotations

import re
from typing import Any

from agentops_lite.models import PluginSource, Problem
from agentops_lite.parse.safepath import path_issue, shown

_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_GITHUB_URL_RE = re.compile(
    r"^(?:https?://(?:www\.)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)
_SHA_RE = re.compile(r"^[0-9a-f]{40}$")

KNOWN_TYPES = ("github", "url", "git-subdir", "npm", "archive", "command")


def github_repo_of(url: str) -> str | None:
    """`owner/repo` when `url` points at a GitHub repository."""
    m = _GITHUB_URL_RE.match(url.strip())
    return f"{m.group(1)}/{m.group(2)}" if m else None


def _err(path: str, code: str, message: str) -> Problem:
    return Problem(severity="error", path=path, message=message, code=code)


def _warn(path: str, code: str, message: str) -> Problem:
    return Problem(severity="warning", path=path, message=message, code=code)


def _relative(text: str, path: str, plugin_root: str | None) -> tuple[PluginSource, list[Problem]]:
    problems: list[Problem] = []
    raw = text
    if (issue := path_issue(text) or (plugin_root and path_issue(plugin_root))) is not None:
        problems.append(_err(path, "source-bad-path", f"source {shown(raw)!r}: {issue}"))
        return PluginSource(kind="unknown", raw=raw), problems
    parts = text.replace("\\", "/").split("/")
    if ".." in parts:
        problems.append(_err(path, "source-traversal", f"source {raw!r} contains '..'"))
        return PluginSource(kind="unknown", raw=raw), problems
    if text.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", text):
        problems.append(_err(path, "source-absolute", f"source {raw!r} is an absolute path"))
        return PluginSource(kind="unknown", raw=raw), problems
    if text in (".", "./"):
        return PluginSource(kind="relative", path="", raw=raw), problems
    if text.startswith("./"):
        rel = "/".join(p for p in text[2:].split("/") if p not in ("", "."))
        return PluginSource(kind="relative", path=rel, raw=raw), problems
    if plugin_root is not None and "/" not in text.strip("/"):
        # A bare name resolves under metadata.pluginRoot (Claude Code 2.1.239+).
        root = "/".join(p for p in plugin_root.replace("\\", "/").split("/") if p not in ("", "."))
        rel = f"{root}/{text.strip('/')}" if root else text.strip("/")
        return PluginSource(kind="relative", path=rel, raw=raw), problems
    problems.append(
        _err(path, "source-not-dot-slash", f"relative source {raw!r} must start with './'")
    )
    rel = "/".join(p for p in text.split("/") if p not in ("", "."))
    return PluginSource(kind="relative", path=rel, raw=raw), problems


def parse_source(
    value: Any, path: str, plugin_root: str | None = None
) -> tuple[PluginSource, list[Problem]]:
    """Turn a `source` value into a PluginSource. Never raises."""
    if value is None:
        return PluginSource(kind="unknown"), [_err(path, "missing-field", "missing 'source'")]
    if isinstance(value, str):
        text = value.strip()
        for prefix in ("github:", "gh:"):
            if text.startswith(prefix) and _REPO_RE.match(text[len(prefix) :]):
                repo = text[len(prefix) :]
                return PluginSource(kind="github", repo=repo, raw=value), [
                    _err(
                        path,
                        "source-github-shorthand",
                        f"{value!r} is not a valid source; write "
                        f'{{"source": "github", "repo": "{repo}"}}',
                    )
                ]
        url_repo = github_repo_of(text)
        if url_repo:
            return PluginSource(kind="url", repo=url_repo, url=text, raw=value), [
                _err(path, "source-url-string", "a URL source must be an object with 'url'")
            ]
        return _relative(text, path, plugin_root)
    if not isinstance(value, dict):
        return PluginSource(kind="unknown", raw=value), [
            _err(path, "wrong-type", f"'source' must be a string or object, not {_typename(value)}")
        ]
    return _object_source(value, path)


def _typename(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _str_field(obj: dict[str, Any], key: str, path: str, problems: list[Problem]) -> str | None:
    val = obj.get(key)
    if val is None:
        return None
    if not isinstance(val, str):
        problems.append(_err(f"{path}.{key}", "wrong-type", f"'{key}' must be a string"))
        return None
    return val


def _object_source(obj: dict[str, Any], path: str) -> tuple[PluginSource, list[Problem]]:
    problems: list[Problem] = []
    kind = obj.get("source")
    ref = _str_field(obj, "ref", path, problems)
    sha = _str_field(obj, "sha", path, problems)
    if sha is not None and not _SHA_RE.match(sha):
        problems.append(_err(f"{path}.sha", "bad-sha", "'sha' must be 40 lowercase hex digits"))
    if kind == "github":
        repo = _str_field(obj, "repo", path, problems)
        if repo is None:
            problems.append(_err(f"{path}.repo", "missing-field", "github source needs 'repo'"))
        elif not _REPO_RE.match(repo):
            problems.append(_err(f"{path}.repo", "bad-repo", f"'repo' {repo!r} is not owner/repo"))
            repo = None
        return PluginSource(kind="github", repo=repo, ref=ref, sha=sha, raw=obj), problems
    if kind in ("url", "git-subdir"):
        url = _str_field(obj, "url", path, problems)
        sub = _str_field(obj, "path", path, problems)
        if url is None:
            problems.append(_err(f"{path}.url", "missing-field", f"{kind} source needs 'url'"))
        repo = None
        if url is not None:
            repo = github_repo_of(url)
            if repo is None and _REPO_RE.match(url):
                if kind == "git-subdir":
                    repo = url  # owner/repo shorthand is allowed for git-subdir
                else:
                    problems.append(
                        _err(f"{path}.url", "url-shorthand", "url sources need a full URL")
                    )
        if kind == "git-subdir" and sub is None:
            problems.append(_err(f"{path}.path", "missing-field", "git-subdir source needs 'path'"))
        if kind == "url" and sub is not None:
            problems.append(
                _warn(f"{path}.path", "url-with-path", "'path' is only read for git-subdir sources")
            )
        if sub is not None and ".." in sub.replace("\\", "/").split("/"):
            problems.append(_err(f"{path}.path", "source-traversal", "'path' contains '..'"))
            sub = None
        if sub is not None and (issue := path_issue(sub)) is not None:
            problems.append(_err(f"{path}.path", "source-bad-path", f"'path': {issue}"))
            sub = None
        return PluginSource(
            kind=kind, repo=repo, url=url, path=sub, ref=ref, sha=sha, raw=obj
        ), problems
    if kind == "npm":
        package = _str_field(obj, "package", path, problems)
        if package is None:
            problems.append(_err(f"{path}.package", "missing-field", "npm source needs 'package'"))
        elif ".." in package:
            problems.append(_err(f"{path}.package", "source-traversal", "'package' contains '..'"))
        return PluginSource(kind="npm", package=package, raw=obj), problems
    if kind == "archive":
        url = _str_field(obj, "url", path, problems)
        if url is None or not url.startswith("https://"):
            problems.append(_err(f"{path}.url", "bad-url", "archive sources need an https 'url'"))
        return PluginSource(kind="archive", url=url, raw=obj), problems
    if kind == "command":
        cmd = _str_field(obj, "command", path, problems)
        if cmd is None:
            problems.append(_err(f"{path}.command", "missing-field", "command source needs it"))
        return PluginSource(kind="command", url=None, raw=obj), problems
    label = repr(kind) if isinstance(kind, str) else "missing"
    problems.append(_err(f"{path}.source", "unknown-source-type", f"unknown source type {label}"))
    return PluginSource(kind="unknown", raw=obj), problems
