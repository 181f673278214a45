"""A tarball that cannot be read is a failed fetch that keeps the stored components (issue 16,
break 2), over real HTTP to the loopback fake GitHub."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Callable
from typing import Any

import pytest

from agentops_lite.catalog.store import Catalog
from tests.fake_github import FakeGitHub
from tests.sources.conftest import good_repo


@pytest.fixture
def served(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    fake.add_repo("acme/good", good_repo())
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    return fake


def components() -> dict[str, int]:
    with Catalog.open() as cat:
        return {
            f"{p.marketplace_key}/{p.name}": len(p.entry.components)
            for p in cat.plugins()
            if p.marketplace_key in ("acme-tools", "acme-good")
        }


def empty_tar() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz"):
        pass
    return buf.getvalue()


BODIES: dict[str, Callable[[FakeGitHub], bytes]] = {
    "garbage": lambda fake: b"\x1f\x8b\x08 this is not gzip at all" * 100,
    "not-gzip": lambda fake: b"<html>502 Bad Gateway</html>",
    "cut-in-half": lambda fake: (t := fake.tarball("acme/tools"))[: len(t) // 2],
    "gzip-of-garbage": lambda fake: gzip.compress(b"\x00\xff" * 5000),
    "empty-tar": lambda fake: empty_tar(),
    "gzip-header-cut": lambda fake: b"\x1f\x8b\x08",  # tarfile raised TypeError on it
}


@pytest.mark.parametrize("kind", list(BODIES))
def test_unreadable_tarball_keeps_stored_components(
    kind: str, served: FakeGitHub, cli: Callable[..., Any]
) -> None:
    for repo in ("acme/tools", "acme/good"):
        assert cli("marketplace", "add", repo).exit_code == 0
    first = cli("refresh", "acme/tools", "acme/good", "--json")  # keys until first loaded
    assert first.exit_code == 0, first.stdout + first.stderr
    before = components()
    assert sum(before.values()) > 0
    body = BODIES[kind](served)
    served.push("acme/tools", "README.md", b"changed")  # so the refresh reads the archive again
    served.push("acme/good", "README.md", b"changed")
    served.fault("/codeload/acme/tools/*", "body", body=body)
    result = cli("refresh", "acme-tools", "acme-good", "--json")
    assert result.exit_code == 3, result.stdout + result.stderr
    outcomes = {o["key"]: o for o in json.loads(result.stdout)["outcomes"]}
    assert outcomes["acme-tools"]["status"] == "error"
    assert "acme/tools" in outcomes["acme-tools"]["message"]
    assert outcomes["acme-good"]["status"] == "ok"
    assert components() == before
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_unreadable_tarball_of_the_only_source_exits_4(
    served: FakeGitHub, cli: Callable[..., Any]
) -> None:
    assert cli("marketplace", "add", "acme/tools").exit_code == 0
    assert cli("refresh", "acme/tools").exit_code == 0
    served.push("acme/tools", "README.md", b"changed")
    served.fault("/codeload/acme/tools/*", "body", body=b"garbage")
    result = cli("refresh", "acme-tools")
    assert result.exit_code == 4, result.stdout + result.stderr
    assert "unreadable tarball" in result.stdout + result.stderr
