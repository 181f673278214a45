"""Local marketplace source: a folder holding .claude-plugin/marketplace.json, or that file."""

from __future__ import annotations

import os
from pathlib import Path

from agentops_lite.errors import SourceError
from agentops_lite.parse.components import enrich_manifest
from agentops_lite.parse.marketplace_json import parse_marketplace
from agentops_lite.parse.safejson import MAX_MANIFEST_BYTES
from agentops_lite.parse.safepath import path_issue
from agentops_lite.sources.base import LoadResult

MANIFEST_REL = ".claude-plugin/marketplace.json"


class LocalTree:
    """A FileTree over a folder that never leaves it: no '..', no symlinks pointing outside."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root_str = str(self.root)
        # dir (as joined) -> its real path, or None when it leaves the root. Each folder costs
        # one lstat the first time; many files share a folder.
        self._real: dict[str, str | None] = {self._root_str: self._root_str}
        self._listing: dict[str, list[str] | None] = {}
        # Paths (relative to the root) that are links leaving it: refused, and reported.
        self.refused_links: set[str] = set()

    def _inside(self, real: str) -> bool:
        return real == self._root_str or real.startswith(self._root_str + os.sep)

    def _real_dir(self, joined: str) -> str | None:
        if joined in self._real:
            return self._real[joined]
        head, name = os.path.split(joined)
        parent = (
            self._real_dir(head) if head != joined and len(head) >= len(self._root_str) else None
        )
        real: str | None = None
        if parent is not None:
            candidate = os.path.join(parent, name)
            if os.path.islink(candidate):
                resolved = os.path.realpath(candidate)
                real = resolved if self._inside(resolved) else None
                if real is None:
                    self.refused_links.add(os.path.relpath(candidate, self._root_str))
            else:
                real = candidate
        self._real[joined] = real
        return real

    def _resolve(self, rel: str) -> str | None:
        """The real path of `rel` if it stays inside the root (symlinks included)."""
        if path_issue(rel) is not None:  # NUL, controls, over-long: no file has such a name
            return None
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if ".." in parts:
            return None
        return self._real_dir(os.path.join(self._root_str, *parts))

    def read_bytes(self, path: str, max_bytes: int) -> bytes | None:
        target = self._resolve(path)
        if target is None:
            return None
        try:
            with open(target, "rb") as fh:
                return fh.read(max_bytes)
        except (OSError, ValueError):  # missing, a directory, unreadable, a name the OS refuses
            return None

    def list_dir(self, path: str) -> list[str] | None:
        target = self._resolve(path)
        if target is None:
            return None
        # Enrichment asks about the same folders several times (exists, scan, resolve): one
        # listdir each. A tree lives for one load, so the cache cannot go stale in practice.
        if target in self._listing:
            return self._listing[target]
        try:
            names: list[str] | None = sorted(n for n in os.listdir(target) if _is_text(n))
        except (OSError, ValueError):  # missing, not a directory, a name the OS refuses
            names = None
        self._listing[target] = names
        return names


def _inside_root(root: Path, manifest: Path) -> tuple[Path, Path]:
    """The symlink rule holds for the manifest too: one that resolves outside the marketplace
    folder is refused, or a folder could make us store any JSON file on the machine."""
    rel = manifest.relative_to(root).as_posix()
    if LocalTree(root)._resolve(rel) is None:
        raise SourceError(
            f"{manifest} is a symlink leaving {root}; symlinks out of a marketplace are not "
            "followed",
            hint="copy the manifest into the folder instead of linking it",
        )
    return root, manifest


def _is_text(name: str) -> bool:
    """False for a file name that is not UTF-8 (os.listdir hands its bytes back as lone
    surrogates, which no database or terminal takes): such a file is skipped."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find_manifest(path: Path) -> tuple[Path, Path]:
    """(marketplace root, manifest file) for a folder or a marketplace.json path."""
    if path.is_file():
        parent = path.parent
        root = parent.parent if parent.name == ".claude-plugin" else parent
        return _inside_root(root, path)
    candidate = path / MANIFEST_REL
    if candidate.is_file():
        return _inside_root(path, candidate)
    if path.is_dir():
        raise SourceError(
            f"no {MANIFEST_REL} in {path}",
            hint="point at a marketplace folder or directly at its marketplace.json",
        )
    raise SourceError(f"{path} does not exist")


def git_head(root: Path) -> str | None:
    """The commit a local git checkout is at, read from .git without running git."""
    for folder in (root, *root.parents):
        head = folder / ".git" / "HEAD"
        if head.is_file():
            try:
                ref = head.read_text().strip()
                if ref.startswith("ref: "):
                    ref_file = folder / ".git" / ref[5:]
                    return ref_file.read_text().strip() if ref_file.is_file() else None
                return ref or None
            except OSError:
                return None
    return None


def load_local(path: Path, *, repo: str | None = None, repo_root: Path | None = None) -> LoadResult:
    """Load and enrich a local marketplace. Raises SourceError if there is nothing to load.

    `repo_root` (default: the marketplace root) bounds what plugin sources may reach, and is
    where a source that does not resolve from the marketplace root is looked for.
    """
    root, manifest_file = find_manifest(path)
    try:
        with manifest_file.open("rb") as fh:
            # Read one byte past the cap so the parser reports "too large" instead of truncating.
            data = fh.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {manifest_file}: {exc.strerror}") from exc
    manifest = parse_marketplace(data, repo=repo)
    base = (repo_root or root).resolve()
    try:
        rel_root = root.resolve().relative_to(base).as_posix()
    except ValueError:
        base, rel_root = root.resolve(), "."
    manifest = enrich_manifest(manifest, LocalTree(base), "" if rel_root == "." else rel_root)
    return LoadResult(
        spec_kind="local",
        location=str(path),
        manifest=manifest,
        commit=git_head(root),
    )
