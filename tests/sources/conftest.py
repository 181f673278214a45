"""Fixtures for crawler tests: a fake GitHub on loopback serving small fixture repos."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentops_lite.sources.http import NetConfig
from tests.fake_github import FakeGitHub, Repo, repo_from_corpus

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "github"
TOOLS_SHA = "a" * 40


def small_repos() -> dict[str, Repo]:
    return {
        "acme/tools": repo_from_corpus(
            FIXTURES / "acme__tools",
            sha=TOOLS_SHA,
            stars=120,
            pushed_at="2026-05-01T10:00:00Z",
            license="Apache-2.0",
            description="Acme tools",
        ),
        "acme/gamma-plugin": repo_from_corpus(FIXTURES / "acme__gamma-plugin", stars=7),
        "other/delta": Repo(files={"README.md": b"delta"}, stars=3, archived=True),
    }


def good_repo() -> Repo:
    """A second marketplace (same plugins, own name) to show one failure does not spread."""
    manifest = (FIXTURES / "acme__tools" / ".claude-plugin" / "marketplace.json").read_bytes()
    renamed = manifest.replace(b'"name": "acme-tools"', b'"name": "acme-good"', 1)
    return Repo(
        folder=FIXTURES / "acme__tools",
        files={".claude-plugin/marketplace.json": renamed},
        sha="b" * 40,
        stars=5,
    )


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(small_repos()) as server:
        yield server


def fast_config(fake: FakeGitHub, **kw: object) -> NetConfig:
    """Short timeouts and backoff so fault tests take a second, not a minute."""
    base = {
        "api_base": fake.api_base,
        "raw_base": fake.raw_base,
        "connect_timeout": 1.0,
        "read_timeout": 2.0,  # generous: CI machines can be loaded
        "retries": 2,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "max_rate_wait": 2.0,
    }
    base.update(kw)
    return NetConfig(**base)  # type: ignore[arg-type]
