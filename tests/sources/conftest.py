"""Fixtures for crawler tests: a fake GitHub on loopback serving small fixture repos."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentops_lite.net import NetConfig
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
        "read_timeout": 0.5,
        "retries": 2,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "max_rate_wait": 2.0,
    }
    base.update(kw)
    return NetConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
def corpus_root(request: pytest.FixtureRequest) -> Path:
    """The shared corpus: the project's `corpus_dir` fixture when defined, else ../shared/corpus."""
    try:
        return Path(request.getfixturevalue("corpus_dir"))
    except pytest.FixtureLookupError:
        pass
    here = Path(__file__).resolve().parents[2]
    for candidate in (here.parent / "shared" / "corpus", Path("/work/shared/corpus")):
        if (candidate / "marketplaces").is_dir():
            return candidate
    if os.environ.get("AGENTOPS_CI") == "1":
        pytest.fail("the corpus is mandatory in CI")
    pytest.skip("../shared/corpus not available")
