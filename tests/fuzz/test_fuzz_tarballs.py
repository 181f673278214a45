"""Fuzz: hostile and damaged tarballs. Reading one never raises anything but SourceError and
never yields a path outside the repository; over real HTTP, a fetch that fails keeps the
stored components."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from agentops_lite.catalog.store import Catalog
from agentops_lite.errors import SourceError
from agentops_lite.refresh.update import add_source, refresh
from agentops_lite.sources.tartree import TarLimits, read_tarball
from tests.fake_github import FakeGitHub
from tests.fuzz.profiles import bounded, fuzz
from tests.fuzz.strategies import hostile_path
from tests.sources.conftest import small_repos

PREFIX = "acme-tools-aaaaaaa/"
MEMBER_KINDS = ["file", "dir", "symlink", "hardlink", "fifo", "huge"]


@st.composite
def members(draw: st.DrawFn) -> tuple[str, str, bytes, str]:
    """(name, kind, content, link target)."""
    name = draw(
        st.one_of(
            hostile_path.map(lambda p: PREFIX + p),
            hostile_path,
            st.sampled_from(["/etc/passwd", "../../x", PREFIX + "../x", PREFIX + "a/../../b"]),
            st.sampled_from(["plugins/p/commands/x.md", ".claude-plugin/marketplace.json"]).map(
                lambda p: PREFIX + p
            ),
        )
    )
    kind = draw(st.sampled_from(MEMBER_KINDS))
    content = draw(st.binary(max_size=200))
    target = draw(st.sampled_from(["/etc/passwd", "../../../etc/shadow", "x", ""]))
    return name, kind, content, target


def build(base: dict[str, bytes], extra: list[tuple[str, str, bytes, str]], fmt: int) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=fmt) as tar:
        for rel, data in sorted(base.items()):
            info = tarfile.TarInfo(PREFIX + rel)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, kind, content, target in extra:
            info = tarfile.TarInfo(name)
            if kind == "dir":
                info.type = tarfile.DIRTYPE
            elif kind in ("symlink", "hardlink"):
                info.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
                info.linkname = target
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
            elif kind == "huge":
                info.size = len(content)
                info.pax_headers = {"size": str(2**40)}  # claims a terabyte
            try:
                if kind in ("file", "huge"):
                    info.size = len(content)
                    tar.addfile(info, io.BytesIO(content))
                else:
                    tar.addfile(info)
            except (ValueError, UnicodeError, tarfile.TarError):
                continue  # a name tarfile itself cannot write
    return gzip.compress(raw.getvalue(), mtime=0)


@st.composite
def damage(draw: st.DrawFn, body: bytes) -> bytes:
    how = draw(st.sampled_from(["none", "truncate", "flip", "splice", "garbage"]))
    if how == "truncate":
        return body[: draw(st.integers(0, max(0, len(body) - 1)))]
    if how == "flip":
        data = bytearray(body)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
        return bytes(data)
    if how == "splice":
        cut = draw(st.integers(0, len(body)))
        return body[:cut] + draw(st.binary(max_size=64)) + body[cut:]
    if how == "garbage":
        return draw(st.binary(max_size=512))
    return body


BASE = small_repos()["acme/tools"].all_files()


@st.composite
def tarballs(draw: st.DrawFn) -> bytes:
    extra = draw(st.lists(members(), max_size=6))
    fmt = draw(st.sampled_from([tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT]))
    return draw(damage(build(BASE, extra, fmt)))


@fuzz(examples=120)
@given(body=tarballs())
@example(body=b"\x1f\x8b\x08")  # found by a long run: TypeError out of tarfile
def test_fuzz_reading_a_hostile_tarball(body: bytes) -> None:
    limits = TarLimits(max_members=200, max_unpacked=8 * 1024 * 1024, max_kept=1024 * 1024)
    try:
        with bounded("read_tarball"):
            tree = read_tarball(body, limits=limits)
    except SourceError:
        event("unreadable")
        return
    event("read")
    for path in [*tree.files, *tree.dirs]:
        parts = path.split("/")
        assert ".." not in parts and not path.startswith("/"), path
        assert "\x00" not in path
        path.encode("utf-8")  # text, storable


@pytest.fixture
def served(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    yield fake


def _components(catalog: Catalog) -> dict[str, Any]:
    return {
        p.name: sorted(c.name for c in p.entry.components)
        for p in catalog.plugins()
        if p.marketplace_key == "acme-tools"
    }


_PUSHES = iter(range(1, 10**6))
MANIFEST = ".claude-plugin/marketplace.json"


def _commit(fake: FakeGitHub) -> None:
    """A new commit that changes marketplace.json, so the refresh must read the archive (the
    fake's pushed_at has one-second steps: two pushes in a second would look unchanged)."""
    fake.push("acme/tools", MANIFEST, BASE[MANIFEST] + b" " * next(_PUSHES))


@fuzz(examples=15)
@given(body=tarballs())
def test_fuzz_a_failed_archive_fetch_keeps_stored_data(
    body: bytes, served: FakeGitHub, isolated_home: Path
) -> None:
    with Catalog.open() as catalog:
        if not any(m.key == "acme-tools" for m in catalog.marketplaces()):
            add_source(catalog, "acme/tools")
            assert refresh(catalog, ["acme/tools"]).outcomes[0].status == "ok"
        before = _components(catalog)
        assert before
        _commit(served)
        served.fault("/codeload/acme/tools/*", "body", body=body)
        with bounded("refresh"):
            (outcome,) = refresh(catalog, ["acme-tools"]).outcomes
        event(outcome.status)
        if outcome.status == "error":
            assert _components(catalog) == before, outcome.message
        else:
            # Read whole: hostile extra members may add or replace files, never wipe them all
            # (an unreadable archive stored as "ok" once left every plugin with none).
            assert outcome.status == "ok", outcome
            after = _components(catalog)
            assert set(after) == set(before)
            assert sum(map(len, after.values())) > 0, after
        served.faults.clear()
        # Back to a good archive, so the next example starts from full data.
        _commit(served)
        assert refresh(catalog, ["acme-tools"]).outcomes[0].status == "ok"
