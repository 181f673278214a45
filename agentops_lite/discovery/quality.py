"""A static quality score with every part explained, and the plugin directory's own checks.

Only stored facts count: a part whose facts are unknown (files never read, no push date) is
left out of the score rather than counted as a fault, and the result says which were.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from agentops_lite.discovery.quality_parts import findings_of, score_of
from agentops_lite.models import OutputModel

if TYPE_CHECKING:
    from agentops_lite.catalog.stored import EntryLike, ListingLike

# Checks of `claude plugin validate --profile directory` that we make the same way.
DirectoryCode = Literal[
    "README_MISSING", "README_TRIVIAL", "LICENSE_MISSING", "ICON_MISSING", "PRIVACY_URL_MISSING"
]


class DirectoryFinding(OutputModel):
    code: DirectoryCode
    severity: Literal["error", "warning"]
    message: str


class QualityPart(OutputModel):
    name: str
    points: float | None = Field(description="Points earned; null: unknown, left out")
    max: float
    why: str


class QualityScore(OutputModel):
    score: int | None = Field(
        description="0-100 over the known parts only; null when too little is known"
    )
    known: float = Field(description="Share of the possible points whose facts are known")
    parts: list[QualityPart]
    directory: list[DirectoryFinding] | None = Field(
        description="What the plugin directory would flag; null: files not read"
    )


def directory_findings(entry: EntryLike) -> list[DirectoryFinding] | None:
    """The directory profile's README, LICENSE, icon and privacy checks on the stored facts."""
    found = findings_of(entry)
    return None if found is None else [DirectoryFinding(**f._asdict()) for f in found]


def quality_of(r: ListingLike, now: datetime | None = None) -> QualityScore:
    """Score one listing from what the catalog stores; each part says why it scored so."""
    s = score_of(r, now)
    return QualityScore(
        score=s.score,
        known=s.known,
        parts=[QualityPart(**p._asdict()) for p in s.parts],
        directory=None
        if s.directory is None
        else [DirectoryFinding(**f._asdict()) for f in s.directory],
    )
