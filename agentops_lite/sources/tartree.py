"""A read-only FileTree over a GitHub tarball held in memory (never extracted to disk)."""

from __future__ import annotations

import io
import posixpath
import tarfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from agentops_lite.errors import SourceError
from agentops_lite.parse.safepath import path_issue

# Enrichment reads JSON manifests (<= 1 MiB) and Markdown frontmatter (<= 64 KiB); keeping just
# those heads bounds memory however big the files in the repository are.
JSON_HEAD = 1024 * 1024
OTHER_HEAD = 64 * 1024


@dataclass(frozen=True)
class TarLimits:
    max_members: int = 100_000
    max_unpacked: int = 1024 * 1024 * 1024  # sum of member sizes walked (decompression bomb guard)
    max_kept: int = 64 * 1024 * 1024  # bytes of file heads kept in memory


@dataclass
class TarTree:
    """Files (heads only) and directories of one tarball, paths relative to the repository root."""

    files: dict[str, bytes] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    dirs: dict[str, set[str]] = field(default_factory=lambda: {"": set()})
    commit: str | None = None
    truncated: bool = False
    rejected: list[str] = field(default_factory=list)

    def read_bytes(self, path: str, max_bytes: int) -> bytes | None:
        data = self.files.get(_norm(path))
        return None if data is None else data[:max_bytes]

    def list_dir(self, path: str) -> list[str] | None:
        names = self.dirs.get(_norm(path))
        return None if names is None else sorted(names)

    def _add_dir(self, path: str) -> None:
        while path:
            self.dirs.setdefault(path, set())
            parent, _, name = path.rpartition("/")
            siblings = self.dirs.setdefault(parent, set())
            if name in siblings:
                return
            siblings.add(name)
            path = parent

    def _add_file(self, path: str, head: bytes, size: int) -> None:
        parent, _, name = path.rpartition("/")
        self._add_dir(parent)
        self.dirs[parent].add(name)
        self.files[path] = head
        self.sizes[path] = size


def _norm(path: str) -> str:
    p = posixpath.normpath(path.strip("/")) if path.strip("/") else ""
    return "" if p == "." else p


def _safe_name(name: str) -> str | None:
    """The member path without GitHub's `owner-repo-sha/` prefix, or None if it is unsafe."""
    if name.startswith("/") or "\\" in name or path_issue(name) is not None:
        return None
    try:
        name.encode("utf-8")  # tarfile hands non-UTF-8 bytes back as lone surrogates
    except UnicodeEncodeError:
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts or not parts:
        return None
    return "/".join(parts[1:])


def _wanted(path: str, prefixes: tuple[str, ...] | None) -> bool:
    if prefixes is None:
        return True
    return any(p == "" or path == p or path.startswith(p + "/") for p in prefixes)


def read_tarball(
    data: bytes, *, keep_under: Iterable[str] | None = None, limits: TarLimits | None = None
) -> TarTree:
    """Index a .tar.gz in one streaming pass, keeping heads of files under `keep_under` (all when
    None). Unsafe member names are skipped and listed in `rejected`; caps set `truncated`."""
    limits = limits or TarLimits()
    prefixes = None if keep_under is None else tuple(_norm(p) for p in keep_under)
    tree = TarTree()
    members = unpacked = kept = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r|gz") as tar:
            for member in tar:
                if tree.commit is None:
                    comment = tar.pax_headers.get("comment")
                    tree.commit = comment if comment and len(comment) == 40 else None
                members += 1
                unpacked += max(0, member.size)
                if members > limits.max_members or unpacked > limits.max_unpacked:
                    tree.truncated = True
                    break
                rel = _safe_name(member.name)
                if rel is None:
                    tree.rejected.append(member.name[:200])
                    continue
                if not rel:
                    continue
                if member.isdir():
                    tree._add_dir(rel)
                    continue
                if not member.isreg():
                    continue  # symlinks and links are not followed: they could point anywhere
                head = b""
                if _wanted(rel, prefixes) and kept < limits.max_kept:
                    cap = JSON_HEAD if rel.endswith(".json") else OTHER_HEAD
                    fh = tar.extractfile(member)
                    head = fh.read(min(cap, member.size)) if fh is not None else b""
                    kept += len(head)
                elif _wanted(rel, prefixes):
                    tree.truncated = True
                tree._add_file(rel, head, member.size)
    except (tarfile.TarError, EOFError, OSError, zlib.error, ValueError, TypeError) as exc:
        # tarfile lets more than TarError out of hostile bytes: ValueError for malformed
        # headers, TypeError for a gzip header cut after its third byte (the fuzz harness).
        raise SourceError(f"unreadable tarball: {type(exc).__name__}: {exc}"[:300]) from None
    # Files whose heads were not kept must not read as empty files.
    for path, size in tree.sizes.items():
        if size and not tree.files[path]:
            del tree.files[path]
    return tree
