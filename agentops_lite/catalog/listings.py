"""The listings of one plugin: which ones are the same plugin, and which one to show."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeVar

    from agentops_lite.catalog.stored import ListingLike

    # fold keeps the listings' own type (pydantic records or `stored.Listing` views).
    L = TypeVar("L", bound=ListingLike)


def preference(r: ListingLike) -> tuple[bool, bool, float, int]:
    """Sort key among the listings of one plugin: the one you installed, then a sound one, then
    the freshest, then the most starred (a stale copy in someone else's marketplace comes last)."""
    pushed = r.pushed_at
    when = (pushed if pushed.tzinfo else pushed.replace(tzinfo=timezone.utc)) if pushed else None
    return (
        not r.installed,
        r.archived or r.entry.has_errors,
        -when.timestamp() if when else math.inf,
        -(r.stars or 0),
    )


def _norm_desc(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()[:120]


def fold(records: Sequence[L]) -> list[list[L]]:
    """Group listings of the same plugin: same name and (source, marketplace name or blurb).

    Input order is kept (best first); different names stay apart even on one source (aliases)."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i

    owner: dict[tuple[str, str, str], int] = {}
    for i, r in enumerate(records):
        name = r.name.lower()
        keys = [("src", name, r.dedup_key), ("mkt", name, (r.marketplace_name or "").lower())]
        desc = _norm_desc(r.entry.description)
        if len(desc) > 20:
            keys.append(("desc", name, desc))
        for key in keys:
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[L]] = {}
    for i, r in enumerate(records):
        groups.setdefault(find(i), []).append(r)
    return list(groups.values())  # dicts keep insertion order: the best member's position
