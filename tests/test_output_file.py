"""`-o` files: atomic, the file's own mode (else the umask's), symlinks written through."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentops_lite.errors import UsageError
from agentops_lite.output_file import write_output


@pytest.fixture
def umask_077() -> Iterator[None]:
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_mode(tmp_path: Path, umask_077: None) -> None:
    target = tmp_path / "wf.json"
    write_output(target, b"{}")
    assert target.read_bytes() == b"{}" and mode(target) == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask_077: None) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_output(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o640


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_output(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_symlink_loop_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UsageError, match="cannot follow the symlink"):
        write_output(tmp_path / "a", b"{}")


def test_a_name_near_the_length_limit_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 250 + ".json")
    write_output(target, b"{}")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
