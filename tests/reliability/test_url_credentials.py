"""Credentials in a source URL are refused, never stored or shown (issue 16)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentops_lite.errors import UsageError
from agentops_lite.sources.base import parse_source

SECRET = "s3cr3t-PASSWORD"


@pytest.mark.parametrize(
    "url",
    [
        f"https://alice:{SECRET}@git.example.com/team/market.git",
        f"https://{SECRET}@github.com/acme/private",  # a token as the user name
        f"http://alice:{SECRET}@example.com/marketplace.json",
        f"ssh://git:{SECRET}@example.com/team/market.git",
        f"git://alice:{SECRET}@example.com/market.git",
    ],
)
def test_url_with_credentials_is_refused(
    url: str, cli: Callable[..., Any], isolated_home: Path
) -> None:
    with pytest.raises(UsageError, match="credentials") as info:
        parse_source(url)
    assert "credential helper" in (info.value.hint or "")
    assert SECRET not in info.value.message
    result = cli("marketplace", "add", url, "--json")
    assert result.exit_code == 2
    assert SECRET not in result.stdout + result.stderr
    listed = cli("marketplace", "list", "--json")
    assert SECRET not in listed.stdout
    assert all(SECRET not in json.dumps(m) for m in json.loads(listed.stdout)["marketplaces"])
    for f in isolated_home.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "ssh://git@example.com/team/market.git",
        "git@github.com:acme/market.git",
        "https://example.com/a@b/marketplace.json",
    ],
)
def test_user_names_without_secrets_are_accepted(url: str) -> None:
    assert parse_source(url).kind in ("git", "url")
