"""`-o` files: atomic, the file's own mode (else the umask's), symlinks written through."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

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
