"""Shared fixtures: an isolated home for every test, the corpus, and a CLI runner."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

pytest_plugins = ["tests.claude_fixtures", "tests.snapshot_fixtures"]

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AGENTOPS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "marketplaces"
CI = os.environ.get("AGENTOPS_CI") == "1"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the real home, Claude Code state, network or terminal settings."""
    home = tmp_path / "agentops-home"
    monkeypatch.setenv("AGENTOPS_HOME", str(home))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude-config"))
    dead = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("AGENTOPS_GITHUB_API", dead)
    monkeypatch.setenv("AGENTOPS_GITHUB_RAW", dead)
    for var in ("GITHUB_TOKEN", "GH_TOKEN", "AGENTOPS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    # `claude` on PATH must never be consulted implicitly by core code under test.
    monkeypatch.setenv("AGENTOPS_CLAUDE_BIN", str(tmp_path / "no-claude"))
    # The lexical ranker is what most tests pin down; tests of the semantic stage (the
    # `[semantic]` extra, installed with `[test]`) turn it back on with the `semantic` fixture.
    monkeypatch.setenv("AGENTOPS_SEMANTIC", "0")
    return home


@pytest.fixture
def semantic(monkeypatch: pytest.MonkeyPatch) -> None:
    """The semantic stage on (its extra is part of `[test]`)."""
    monkeypatch.delenv("AGENTOPS_SEMANTIC")
    from agentops_lite.search.semantic import available

    assert available(), "the [semantic] extra is part of [test]: pip install -e '.[test]'"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus/marketplaces: skipped in a user's clone, mandatory under AGENTOPS_CI=1."""
    if not CORPUS.is_dir():
        if CI:
            pytest.fail(f"the corpus is mandatory in CI and is missing at {CORPUS}", pytrace=False)
        pytest.skip(f"corpus not available at {CORPUS} (only in the development workspace)")
    return CORPUS


@pytest.fixture(scope="session")
def seed_workflows() -> Path:
    """../shared/seed-workflows: skipped in a user's clone, mandatory under AGENTOPS_CI=1."""
    folder = SHARED / "seed-workflows"
    if not folder.is_dir():
        if CI:
            pytest.fail(
                f"the seed workflows are mandatory in CI: missing at {folder}", pytrace=False
            )
        pytest.skip(f"seed workflows not available at {folder} (development workspace only)")
    return folder


def corpus_meta(folder: Path) -> dict[str, object]:
    meta: dict[str, object] = json.loads((folder / "_meta.json").read_text())
    return meta


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the CLI in-process through its real entry point (error mapping included)."""
    from agentops_lite.cli import main, render

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        render.reset_consoles()

        def entry() -> None:
            main(list(args))

        import typer

        shim = typer.Typer()
        shim.command()(entry)
        return runner.invoke(shim, [], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def make_marketplace(tmp_path: Path) -> Callable[..., Path]:
    """Write a marketplace folder: make_marketplace(name, plugins=[...], files={path: text})."""

    def make(
        name: str = "test-market",
        plugins: list[dict[str, object]] | None = None,
        files: dict[str, str] | None = None,
        raw: str | None = None,
        folder: str | None = None,
    ) -> Path:
        root = tmp_path / (folder or name)
        (root / ".claude-plugin").mkdir(parents=True, exist_ok=True)
        doc = {
            "name": name,
            "owner": {"name": "Tester"},
            "description": "fixture",
            "plugins": plugins or [],
        }
        (root / ".claude-plugin" / "marketplace.json").write_text(
            raw if raw is not None else json.dumps(doc)
        )
        for rel, text in (files or {}).items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        return root

    return make
