"""Local marketplace source: a folder holding .claude-plugin/marketplace.json, or that file."""

from __future__ import annotations

import os
from pathlib import Path

from agentops_lite.enrich import enrich_manifest
from agentops_lite.errors import SourceError
from agentops_lite.manifest import parse_marketplace
from agentops_lite.safejson import MAX_MANIFEST_BYTES
from agentops_lite.sources.base import LoadResult

MANIFEST_REL = ".claude-plugin/marketplace.json"


class LocalTree:
    """A FileTree over a folder that never leaves it: no '..', no symlinks pointing outside."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root_str = str(self.root)
        self._dir_ok: dict[str, bool] = {}

    def _inside(self, real: str) -> bool:
        return real == self._root_str or real.startswith(self._root_str + os.sep)

    def _resolve(self, rel: str) -> Path | None:
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if ".." in parts:
            return None
        if not parts:
            # The root itself (a plugin whose source is "./"): its parent is outside by design.
            return self.root
        target = os.path.join(self._root_str, *parts)
        parent = os.path.dirname(target)
        # realpath is a syscall per component; folders are shared by many files, so cache them.
        ok = self._dir_ok.get(parent)
        if ok is None:
            ok = self._dir_ok[parent] = self._inside(os.path.realpath(parent))
        if not ok or (os.path.islink(target) and not self._inside(os.path.realpath(target))):
            return None
        return Path(target)

    def read_bytes(self, path: str, max_bytes: int) -> bytes | None:
        target = self._resolve(path)
        if target is None or not target.is_file():
            return None
        try:
            with target.open("rb") as fh:
                return fh.read(max_bytes)
        except OSError:
            return None

    def list_dir(self, path: str) -> list[str] | None:
        target = self._resolve(path)
        if target is None or not target.is_dir():
            return None
        try:
            return sorted(os.listdir(target))
        except OSError:
            return None


def find_manifest(path: Path) -> tuple[Path, Path]:
    """(marketplace root, manifest file) for a folder or a marketplace.json path."""
    if path.is_file():
        parent = path.parent
        root = parent.parent if parent.name == ".claude-plugin" else parent
        return root, path
    candidate = path / MANIFEST_REL
    if candidate.is_file():
        return path, candidate
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
