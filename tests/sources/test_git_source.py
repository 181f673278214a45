"""Git source: a shallow clone of a real (local, file://) repository; clear error without git."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest

from agentops_lite.errors import SourceError
from agentops_lite.sources.base import SourceSpec
from agentops_lite.sources.git import load_git
from tests.sources.conftest import FIXTURES

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "tools"
    shutil.copytree(FIXTURES / "acme__tools", repo)
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    return repo


@needs_git
def test_shallow_clone_loads_like_a_local_folder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True)
    result = asyncio.run(load_git(SourceSpec(kind="git", location=repo.as_uri())))
    assert result.spec_kind == "git" and result.commit == head.stdout.strip()
    assert [p.name for p in result.manifest.plugins] == ["alpha", "beta", "gamma", "delta"]
    assert len(result.manifest.plugins[0].components) == 3


@needs_git
def test_clone_failure_is_clear_and_hides_credentials(tmp_path: Path) -> None:
    url = f"file://user:hunter2@{tmp_path}/missing.git"
    with pytest.raises(SourceError) as info:
        asyncio.run(load_git(SourceSpec(kind="git", location=url)))
    assert "git clone of" in info.value.message and "hunter2" not in info.value.message


def test_missing_git_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SourceError) as info:
        asyncio.run(load_git(SourceSpec(kind="git", location="https://example.com/x.git")))
    assert "git is not installed" in info.value.message
    assert info.value.hint is not None
