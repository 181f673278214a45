"""In-memory tarball reading: GitHub's prefix stripped, unsafe members refused, caps enforced."""

from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from agentops_lite.errors import SourceError
from agentops_lite.sources.tartree import TarLimits, read_tarball


def make_tar(members: list[tuple[str, bytes | None, bytes]], comment: str | None = None) -> bytes:
    """members: (name, file content or None for a dir, symlink target or b"")."""
    raw = io.BytesIO()
    pax = {"comment": comment} if comment else {}
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, pax_headers=pax) as tar:
        for name, data, link in members:
            info = tarfile.TarInfo(name)
            if link:
                info.type, info.linkname = tarfile.SYMTYPE, link.decode()
                tar.addfile(info)
            elif data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


def test_prefix_dirs_and_commit() -> None:
    data = make_tar(
        [
            ("o-r-abc1234/", None, b""),
            ("o-r-abc1234/plugins/a/.claude-plugin/plugin.json", b'{"name": "a"}', b""),
            ("o-r-abc1234/plugins/a/commands/x.md", b"---\n---\n", b""),
            ("o-r-abc1234/README.md", b"hi", b""),
        ],
        comment="c" * 40,
    )
    tree = read_tarball(data)
    assert tree.commit == "c" * 40
    assert tree.list_dir("") == ["README.md", "plugins"]
    assert tree.list_dir("plugins/a") == [".claude-plugin", "commands"]
    assert tree.read_bytes("plugins/a/.claude-plugin/plugin.json", 100) == b'{"name": "a"}'
    assert tree.read_bytes("plugins/a/.claude-plugin/plugin.json", 3) == b'{"n'
    assert tree.read_bytes("missing.md", 10) is None
    assert tree.list_dir("README.md") is None


def test_unsafe_members_and_links_are_ignored() -> None:
    data = make_tar(
        [
            ("o-r-1/../../etc/passwd", b"root", b""),
            ("/abs/path", b"x", b""),
            ("o-r-1/ok.md", b"ok", b""),
            ("o-r-1/link.md", None, b"../../../etc/passwd"),
        ]
    )
    tree = read_tarball(data)
    assert tree.rejected == ["o-r-1/../../etc/passwd", "/abs/path"]
    assert tree.list_dir("") == ["ok.md"]
    assert tree.read_bytes("link.md", 100) is None


def test_member_count_cap_truncates() -> None:
    data = make_tar([(f"p/f{i}.md", b"x", b"") for i in range(50)])
    tree = read_tarball(data, limits=TarLimits(max_members=10))
    assert tree.truncated and len(tree.list_dir("") or []) == 10


def test_only_wanted_prefixes_keep_content() -> None:
    data = make_tar([("p/plugins/a/x.md", b"aaa", b""), ("p/docs/y.md", b"bbb", b"")])
    tree = read_tarball(data, keep_under=["plugins/a"])
    assert tree.read_bytes("plugins/a/x.md", 10) == b"aaa"
    assert tree.read_bytes("docs/y.md", 10) is None
    assert tree.list_dir("docs") == ["y.md"]


def test_garbage_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="unreadable tarball"):
        read_tarball(b"not a tarball at all")
