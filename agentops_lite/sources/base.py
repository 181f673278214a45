"""The source interface: what a user can add as a marketplace, and what loading one yields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from agentops_lite.errors import SourceError, UsageError
from agentops_lite.models import MarketplaceManifest, RepoMetrics

SpecKind = Literal["local", "github", "url", "git", "embedded"]

_REPO_RE = re.compile(r"^([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:[@#](.+))?$")
_GITHUB_URL_RE = re.compile(
    r"^https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?"
    r"(?:#(.+))?$"
)

__all__ = ["LoadResult", "SourceError", "SourceSpec", "parse_source"]


@dataclass(frozen=True)
class SourceSpec:
    """A parsed marketplace source as the user typed it."""

    kind: SpecKind
    location: str  # absolute path, owner/repo, or URL
    ref: str | None = None

    @property
    def repo(self) -> str | None:
        # An embedded (snapshot) copy names its GitHub repo too, so live data can replace it.
        return self.location if self.kind in ("github", "embedded") else None

    def display(self) -> str:
        if self.kind == "github" and self.ref:
            return f"{self.location}@{self.ref}"
        return self.location


class LoadResult(BaseModel):
    """A loaded marketplace, ready to be stored."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    spec_kind: str
    location: str
    manifest: MarketplaceManifest
    repo_metrics: RepoMetrics | None = None
    plugin_repo_metrics: dict[str, RepoMetrics] = Field(
        default_factory=dict, description="owner/repo -> metrics, for plugins hosted elsewhere"
    )
    commit: str | None = None
    not_modified: bool = Field(
        default=False, description="Nothing changed since the last refresh; keep stored data"
    )
    snapshot_date: datetime | None = None


def _looks_local(text: str) -> bool:
    return (
        text.startswith(("./", "../", "/", "~", ".\\"))
        or text in (".", "..")
        or re.match(r"^[A-Za-z]:[\\/]", text) is not None
        or (text.endswith("marketplace.json") and "://" not in text)
    )


def _refuse_credentials(raw: str) -> None:
    """Refuse a URL that carries a secret in its user part.

    The source is stored in the catalog and shown by `marketplace list`, `refresh` and their
    JSON, so a password (or a token, which GitHub takes as the user name) would sit in plain
    text in many places; redacting each would still leave it in the database. Git's credential
    helpers and GITHUB_TOKEN keep it where it belongs. An ssh user name alone (git@host) is no
    secret and stays allowed.
    """
    try:
        parts = urlsplit(raw)
        user, password = parts.username, parts.password
    except ValueError:
        return  # not a URL urllib can split; the later steps say what it is
    secret = password is not None or (user is not None and parts.scheme != "ssh")
    if secret:
        raise UsageError(
            "the source URL contains credentials; they would be stored and shown in plain text",
            hint="remove 'user:password@' and use a git credential helper "
            "(git config --global credential.helper store|cache|osxkeychain), or GITHUB_TOKEN "
            "for private GitHub repositories",
        )


def parse_source(text: str, *, cwd: Path | None = None) -> SourceSpec:
    """Classify what the user typed, as `claude plugin marketplace add` does."""
    raw = text.strip()
    if not raw:
        raise UsageError("empty marketplace source")
    if "://" in raw and "@" in raw:
        _refuse_credentials(raw)
    if _looks_local(raw) or (cwd or Path.cwd()).joinpath(raw).exists() and "://" not in raw:
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = (cwd or Path.cwd()) / path
        return SourceSpec(kind="local", location=str(path.resolve()))
    m = _GITHUB_URL_RE.match(raw)
    if m:
        return SourceSpec(kind="github", location=f"{m.group(1)}/{m.group(2)}", ref=m.group(3))
    if raw.startswith(("https://", "http://")):
        path_part = raw.split("?", 1)[0]
        if path_part.endswith(".json"):
            return SourceSpec(kind="url", location=raw)
        return SourceSpec(kind="git", location=raw)
    if raw.startswith(("git@", "ssh://", "git://")) or raw.endswith(".git"):
        return SourceSpec(kind="git", location=raw)
    m = _REPO_RE.match(raw)
    if m and "." not in m.group(1)[:1]:
        return SourceSpec(kind="github", location=f"{m.group(1)}/{m.group(2)}", ref=m.group(3))
    raise UsageError(
        f"cannot tell what kind of source {raw!r} is",
        hint="use owner/repo, a git or https URL, or a local folder path",
    )
