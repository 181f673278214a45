"""`discover`'s result as plain tuples, and their JSON: the same document as the output models.

The warm `discover` (`cli.fast`) prints a result without importing pydantic, so ranking builds
these and `as_json` turns them into exactly what `DiscoverResult.model_dump(mode="json")` gives
(same keys in the same order, datetimes in pydantic's form). `rank_models` holds the models;
a test checks that each tuple has its model's fields, in order, and that the documents match.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from agentops_lite.catalog.meta import SnapshotFacts
    from agentops_lite.discovery.fit import FitLevel
    from agentops_lite.discovery.plugin_facts import Option, Recipe

SHOWN_COMPONENTS = 10


class ScoreParts(NamedTuple):
    """`rank_models.Components`."""

    relevance: float
    stars: float | None
    recency: float | None
    installs: float | None
    semantic: float | None = None


class FoundHit(NamedTuple):
    """`rank_models.Hit`."""

    plugin: str
    marketplace: str
    score: float
    components: ScoreParts
    description: str | None
    install: Recipe
    installed: bool
    flags: list[str]
    flag_notes: dict[str, str]
    category: str | None
    stars: int | None
    stars_at: datetime | None
    pushed_at: datetime | None
    installs: int | None
    matched: list[str]
    also_in: list[Option]
    also_named: list[str]
    contains: dict[str, int] | None
    component_names: list[str] | None
    plugin_id: int
    explain: list[str] | None
    fit: FitLevel | None = None


class FoundCatalog(NamedTuple):
    """`rank_models.CatalogInfo`."""

    marketplaces: int
    plugins: int
    refreshed_at: datetime | None
    snapshot: SnapshotFacts | None


class FoundConcept(NamedTuple):
    """`rank_models.QueryConcept`."""

    concept: str
    terms: list[str]
    importance: float
    corrected: dict[str, str]


class Found(NamedTuple):
    """`rank_models.DiscoverResult`."""

    query: str
    results: list[FoundHit]
    catalog: FoundCatalog
    weights: dict[str, float]
    interpretation: list[FoundConcept]
    nothing_fits: bool
    semantic: str | None
    missing: str | None


def real(value: float | None) -> float | None:
    """A float field's value as the model stores it (an int or a numpy scalar becomes a float)."""
    return None if value is None else float(value)


def iso(value: datetime) -> str:
    """A datetime as pydantic writes it in JSON mode: `Z` for UTC, microseconds only if set."""
    text = value.replace(tzinfo=None, microsecond=0).isoformat()
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    offset = value.utcoffset()
    if offset is None:
        return text
    seconds = int(offset.total_seconds())
    if seconds == 0:
        return text + "Z"
    minutes = abs(seconds) // 60
    return f"{text}{'-' if seconds < 0 else '+'}{minutes // 60:02d}:{minutes % 60:02d}"


def as_json(value: Any) -> Any:
    """The JSON-mode document of a result tuple (or of anything inside one)."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: as_json(item) for name, item in zip(value._fields, value, strict=True)}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return iso(value)
    return value


def as_python(value: Any) -> Any:
    """The tuples as nested dicts of Python values, for validating into the output models."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: as_python(item) for name, item in zip(value._fields, value, strict=True)}
    if isinstance(value, list):
        return [as_python(item) for item in value]
    if isinstance(value, dict):
        return {key: as_python(item) for key, item in value.items()}
    return value
