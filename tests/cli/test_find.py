"""`marketplace find` command: JSON output and --add, against the loopback fake."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from agentops_lite.catalog.store import Catalog
from agentops_lite.cli.find import register
from agentops_lite.errors import SourceError
from tests.fake_github import FakeGitHub


def _app() -> typer.Typer:
    app = typer.Typer()
    group = typer.Typer()
    register(group)
    app.add_typer(group, name="marketplace")
    return app


def test_find_json_and_add(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GITHUB_TOKEN", "tok-find")
    fake.search_extra = [("deep/nested", "x/.claude-plugin/marketplace.json", 10)]
    result = CliRunner().invoke(_app(), ["marketplace", "find", "--json", "--add"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [f["repo"] for f in doc["found"]] == ["acme/tools", "deep/nested"]
    assert doc["added"] == ["acme/tools"]  # the nested manifest cannot be added as owner/repo
    from jsonschema import Draft202012Validator

    from agentops_lite.cli.contract import schema_for

    assert list(Draft202012Validator(schema_for("marketplace find")).iter_errors(doc)) == []
    with Catalog.open() as cat:
        assert [m.source for m in cat.marketplaces()] == ["acme/tools"]
    assert "tok-find" not in result.output


def test_find_without_token_is_a_clear_error(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PATH", "/nonexistent")  # no `gh` to ask
    result = CliRunner().invoke(_app(), ["marketplace", "find"])
    assert isinstance(result.exception, SourceError)
    assert "needs a GitHub token" in result.exception.message
