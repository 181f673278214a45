"""The static quality score's parts and the directory checks, computed without pydantic.

`discovery.quality` wraps these in its output models; ranking (a quality prior on every
candidate of a warm `discover`) needs only the number, so it reads them from here.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from agentops_lite.catalog.stored import EntryLike, FilesLike, ListingLike

README_MIN_WORDS = 40  # what Claude Code's directory profile requires
FRESH_DAYS = 365
CHARS_PER_TOKEN = 4
ALWAYS_LOADED = ("command", "agent", "skill")
BLOCKING: frozenset[str] = frozenset({"README_MISSING", "README_TRIVIAL", "LICENSE_MISSING"})
REMOTE_TRANSPORTS = frozenset({"http", "sse", "url", "ws", "streamable-http"})


class Finding(NamedTuple):
    """`quality.DirectoryFinding`'s fields."""

    code: str
    severity: str
    message: str


class Part(NamedTuple):
    """`quality.QualityPart`'s fields."""

    name: str
    points: float | None
    max: float
    why: str


class Score(NamedTuple):
    """`quality.QualityScore`'s fields."""

    score: int | None
    known: float
    parts: list[Part]
    directory: list[Finding] | None


def _read_files(entry: EntryLike) -> FilesLike | None:
    """The file facts, when the plugin's files were read; facts of a folder whose files were
    never read (a capped snapshot copy) say "none" where the truth is unknown."""
    return entry.files if entry.components_read else None


def _connects_remote(entry: EntryLike) -> bool:
    files = _read_files(entry)
    if files is None:
        return False
    for item in files.runs:
        detail = (item.detail or "").split(" ")[0]
        if item.kind == "mcp" and detail in REMOTE_TRANSPORTS:
            return True
        if item.kind == "hook" and detail == "http":
            return True
    return False


def findings_of(entry: EntryLike) -> list[Finding] | None:
    """The directory profile's README, LICENSE, icon and privacy checks on the stored facts."""
    files = _read_files(entry)
    if files is None:
        return None
    out: list[Finding] = []
    readme = files.readme
    if readme is None:
        out.append(Finding(code="README_MISSING", severity="error", message="no README"))
    elif readme.unread or readme.words < README_MIN_WORDS:
        why = "too large to read" if readme.unread else f"{readme.words} words"
        out.append(
            Finding(
                code="README_TRIVIAL",
                severity="error",
                message=f"{readme.path}: {why}; the directory needs {README_MIN_WORDS}",
            )
        )
    if files.license_file is None and not files.license_declared:
        out.append(
            Finding(
                code="LICENSE_MISSING",
                severity="error",
                message="no LICENSE file and plugin.json sets no `license`",
            )
        )
    if files.icon is None:
        out.append(Finding(code="ICON_MISSING", severity="warning", message="no icon"))
    privacy = files.privacy_url or (readme is not None and readme.privacy_link)
    if _connects_remote(entry) and not privacy:
        out.append(
            Finding(
                code="PRIVACY_URL_MISSING",
                severity="warning",
                message="connects to a remote service but names no privacy policy",
            )
        )
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _description_part(entry: EntryLike) -> Part:
    desc = (entry.description or "").strip()
    if not desc:
        return Part(name="description", points=0, max=10, why="no description")
    if set(_words(desc)) <= set(_words(entry.name)) | {"plugin", "a", "the", "for"}:
        return Part(name="description", points=2, max=10, why="only repeats its name")
    if len(desc) < 30:
        return Part(name="description", points=5, max=10, why=f"short ({len(desc)} chars)")
    return Part(name="description", points=10, max=10, why=f"{len(desc)} chars")


def _readme_part(entry: EntryLike) -> Part:
    if entry.files is None:
        return Part(name="readme", points=None, max=15, why="files not read")
    r = entry.files.readme
    if r is None:
        return Part(name="readme", points=0, max=15, why="no README")
    points = 10.0 if r.words >= README_MIN_WORDS else 4.0 if r.words else 0.0
    why = f"{r.words} words"
    if r.install_line:
        points += 5
        why += ", has an install line"
    else:
        why += ", no install line"
    return Part(name="readme", points=points, max=15, why=why)


def _cost_part(entry: EntryLike) -> Part:
    if not entry.components_read:
        return Part(name="components", points=None, max=10, why="files not read")
    n = len(entry.components)
    chars = sum(
        len(c.name) + len(c.description or "") for c in entry.components if c.kind in ALWAYS_LOADED
    )
    tokens = (chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN
    points = (5.0 if n else 0.0) + (5.0 if tokens <= 2000 else 3.0 if tokens <= 5000 else 0.0)
    return Part(
        name="components",
        points=points,
        max=10,
        why=f"{n} component(s), ~{tokens} tokens always loaded",
    )


def _recency_parts(r: ListingLike, now: datetime) -> list[Part]:
    version = r.entry.version
    tagged = Part(
        name="version",
        points=5 if version else 0,
        max=5,
        why=f"version {version}" if version else "no version",
    )
    if r.pushed_at is None:
        return [tagged, Part(name="recency", points=None, max=5, why="push date unknown")]
    when = r.pushed_at if r.pushed_at.tzinfo else r.pushed_at.replace(tzinfo=timezone.utc)
    days = (now - when).days
    fresh = Part(
        name="recency", points=5 if days <= FRESH_DAYS else 0, max=5, why=f"pushed {days} days ago"
    )
    return [tagged, fresh]


def score_of(r: ListingLike, now: datetime | None = None) -> Score:
    """Score one listing from what the catalog stores; each part says why it scored so."""
    now = now or datetime.now(timezone.utc)
    e = r.entry
    errors = sum(p.severity == "error" for p in e.problems)
    warnings = len(e.problems) - errors
    manifest = Part(
        name="manifest",
        points=0 if errors else 10 if warnings else 15,
        max=15,
        why=f"{errors} error(s), {warnings} warning(s)",
    )
    files = _read_files(e)
    license_ok = bool(e.license or (files and (files.license_file or files.license_declared)))
    license_known = license_ok or files is not None
    parts = [
        manifest,
        _description_part(e),
        _readme_part(e),
        Part(
            name="license",
            points=(10 if license_ok else 0) if license_known else None,
            max=10,
            why=(e.license or (files.license_file if files else None) or "none")
            if license_known
            else "files not read",
        ),
        Part(
            name="icon",
            points=None if files is None else 5 if files.icon else 0,
            max=5,
            why="files not read" if files is None else files.icon or "none",
        ),
        _cost_part(e),
        *_recency_parts(r, now),
        Part(
            name="evals",
            points=None if files is None else 5 if files.evals else 0,
            max=5,
            why="files not read" if files is None else "ships evals/" if files.evals else "none",
        ),
    ]
    findings = findings_of(e)
    if findings is None:
        parts.append(Part(name="directory", points=None, max=20, why="files not read"))
    else:
        blocking = [f.code for f in findings if f.code in BLOCKING]
        warns = [f.code for f in findings if f.code not in BLOCKING]
        points = 0.0 if blocking else max(0.0, 20.0 - 5 * len(warns))
        why = ", ".join(blocking + warns) or "passes the directory checks we make"
        parts.append(Part(name="directory", points=points, max=20, why=why))
    possible = sum(p.max for p in parts)
    known_max = sum(p.max for p in parts if p.points is not None)
    earned = sum(p.points or 0.0 for p in parts)
    known = known_max / possible
    score = round(100 * earned / known_max) if known >= 0.5 else None
    return Score(score=score, known=round(known, 2), parts=parts, directory=findings)
