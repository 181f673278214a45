"""`refresh` with no names takes the snapshot-served defaults live when GitHub answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from agentops_lite.sources.default_repos import DEFAULT_REPOS
from tests.fake_github import FakeGitHub
from tests.sources.conftest import good_repo


def test_refresh_without_network_keeps_the_snapshot(cli: Callable[..., Any]) -> None:
    assert cli("plugins", "--json").exit_code == 0  # seeds from the snapshot
    result = cli("refresh", "--json")
    assert "stay on the built-in snapshot" in result.stderr
    assert "Traceback" not in result.stderr
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    assert listing and {m["origin"] for m in listing} == {"embedded"}


def test_refresh_takes_a_default_live_when_github_answers(
    cli: Callable[..., Any], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = "docker/claude-plugins"
    assert repo in DEFAULT_REPOS
    fake.add_repo(repo, good_repo())
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    assert cli("plugins", "--json").exit_code == 0  # seeds from the snapshot
    result = cli("refresh", "--json")
    # Only docker/claude-plugins is served: it goes live, the others keep their snapshot copy.
    assert result.exit_code == 3, result.stderr
    outcomes = json.loads(result.stdout)["outcomes"]
    assert [o["status"] for o in outcomes if o["source"] == repo] == ["ok"]
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    live = [m for m in listing if m["source"] == repo]
    assert [m["origin"] for m in live] == ["default"]
    embedded = {m["source"] for m in listing if m["origin"] == "embedded"}
    assert repo not in embedded and len(embedded) == len(DEFAULT_REPOS) - 1


def test_refreshing_a_snapshot_served_marketplace_without_github_fails_and_keeps_its_date(
    cli: Callable[..., Any],
) -> None:
    assert cli("plugins", "--json").exit_code == 0  # seeds from the snapshot
    before = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    key = before[0]["key"]
    result = cli("refresh", key, "--json")
    # Reloading the snapshot would refresh nothing: it is a failure, and says what was kept.
    assert result.exit_code == 4, result.stderr
    [outcome] = json.loads(result.stdout)["outcomes"]
    assert outcome["status"] == "error"
    assert "kept the built-in snapshot of " in outcome["message"]
    offline = cli("refresh", key, "--offline", "--json")
    assert offline.exit_code == 0, offline.stderr
    assert [o["status"] for o in json.loads(offline.stdout)["outcomes"]] == ["unchanged"]
    after = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    assert [m["refreshed_at"] for m in after] == [m["refreshed_at"] for m in before]
    whole = cli("refresh", "--json")
    assert whole.exit_code == 4
    assert {o["status"] for o in json.loads(whole.stdout)["outcomes"]} == {"error"}


def test_refreshing_one_snapshot_served_marketplace_takes_it_live(
    cli: Callable[..., Any], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = "docker/claude-plugins"
    fake.add_repo(repo, good_repo())
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    assert cli("plugins", "--json").exit_code == 0
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    [served] = [m["key"] for m in listing if m["source"] == repo]
    result = cli("refresh", served, "--json")
    assert result.exit_code == 0, result.stderr
    assert [o["status"] for o in json.loads(result.stdout)["outcomes"]] == ["ok"]
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    assert [m["origin"] for m in listing if m["source"] == repo] == ["default"]
    # Only the named one went live.
    assert sum(m["origin"] == "embedded" for m in listing) == len(DEFAULT_REPOS) - 1


def test_a_failed_go_live_is_reported_under_the_name_the_user_gave(
    cli: Callable[..., Any], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in fake.env().items():  # GitHub answers, but serves no default repo
        monkeypatch.setenv(key, value)
    assert cli("plugins", "--json").exit_code == 0
    before = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    keys = [m["key"] for m in before]
    result = cli("refresh", *keys[:2], "--json")
    assert result.exit_code == 4, result.stderr
    outcomes = json.loads(result.stdout)["outcomes"]
    # Under the snapshot copy's name, with the plugins it still has.
    assert [(o["key"], o["status"], o["plugins"]) for o in outcomes] == [
        (m["key"], "error", m["plugin_count"]) for m in before[:2]
    ]
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    assert [m["key"] for m in listing] == keys  # snapshot copies kept, no live rows left
