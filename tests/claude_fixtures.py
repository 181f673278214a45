"""Fixtures for `claude`-marked tests; load with pytest_plugins = ["tests.claude_fixtures"]."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.claude_code import (
    CI_ENV,
    ClaudeRunner,
    ClaudeUnavailable,
    copy_plugin_source,
    find_claude,
)
from tests.fake_anthropic import FakeAnthropic


def unavailable(reason: str) -> None:
    """Skip, except under CI (AGENTOPS_CI=1), where a missing Claude Code is a failure."""
    if os.environ.get(CI_ENV) == "1":
        pytest.fail(f"Claude Code is mandatory in CI: {reason}", pytrace=False)
    pytest.skip(f"real Claude Code unavailable: {reason}")


@pytest.fixture(scope="session")
def claude_bin() -> Path:
    """The pinned real `claude` binary (installed once per session with npm ci)."""
    try:
        return find_claude()
    except ClaudeUnavailable as exc:
        unavailable(str(exc))
        raise  # unreachable: unavailable() always raises


@pytest.fixture
def claude(claude_bin: Path, tmp_path: Path) -> ClaudeRunner:
    """A runner for `claude` with its own empty HOME under tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    return ClaudeRunner(binary=claude_bin, home=home)


@pytest.fixture(scope="session")
def plugin_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of this repo (what a clone holds): the marketplace the tests add."""
    return copy_plugin_source(tmp_path_factory.mktemp("agentops-lite-src"))


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    """A running loopback Messages API; script it via ``fake_anthropic.script``."""
    with FakeAnthropic() as server:
        yield server
