"""The listings of one plugin: which ones are the same plugin, and which one to show."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import TypeVar

    from agentops_lite.catalog.stored import ListingLike

    # fold keeps the listings' own type (pydantic records or `stored.Listing` views).
    L = TypeVar("L", bound=ListingLike)

# Keys of a marketplace entry that only describe a plugin. Two entries of one marketplace that
# differ in nothing else install the same files under two names (han lists `helm` and its old
# name `jutsu-helm` that way); any other difference (a ref, a version, the `skills` a non-strict
# entry picks out of a shared folder) makes them two plugins.
_DESCRIPTIVE = frozenset(
    {"name", "description", "category", "tags", "keywords", "author", "homepage", "displayName"}
)
# What `install_spec` leaves out of an entry.
SPEC_EXCLUDED = _DESCRIPTIVE | {"source"}
# The digest of no files at all (sha256 of nothing): two listings whose files were never read
# share it. Written out: hashlib is not imported on the warm read path.
_NO_FILES = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


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


def shown_first(group: Sequence[L]) -> list[L]:
    """A group's listings in the order to show them: by `preference` (ties keep the group's
    order, best-matching first), except that among one marketplace's aliases, which tie on it,
    the name that marketplace lists first comes first: its primary name (han lists `helm`
    before its old name `jutsu-helm`), whichever name the query happened to match better."""
    ordered = sorted(group, key=preference)
    best = ordered[0]
    tied = [
        r
        for r in ordered
        if r.marketplace_key == best.marketplace_key and preference(r) == preference(best)
    ]
    primary = min(tied, key=lambda r: r.entry.index)
    return [primary, *(r for r in ordered if r is not primary)]


def _norm_desc(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()[:120]


def install_spec(raw: dict[str, Any]) -> str:
    """What installing an entry fetches, apart from where its folder is: every key of the entry
    as written but the descriptive ones and `source`, as canonical JSON."""
    kept = {k: v for k, v in raw.items() if k not in SPEC_EXCLUDED}
    return json.dumps(kept, sort_keys=True, default=str)


def real_digest(digest: str | None, read: bool, components: int) -> str | None:
    """A files digest that identifies a plugin's content: recorded over the files of at least
    one component (two READMEs alike, or no files at all, say nothing)."""
    return digest if read and components and digest and digest != _NO_FILES else None


def alias_buckets(r: ListingLike) -> list[tuple[str, ...]]:
    """Where one marketplace's aliases of `r` can be: the same resolved source (folder, ref and
    pin), or the same recorded files. Listings of a bucket are aliases when their
    `install_spec` is the same too."""
    src = r.entry.source
    buckets: list[tuple[str, ...]] = [
        ("src", r.marketplace_key, r.dedup_key, src.ref or "", src.sha or "")
    ]
    files = r.entry.files
    digest = real_digest(
        files.files_digest if files else None, r.entry.components_read, len(r.entry.components)
    )
    if digest:
        buckets.append(("files", r.marketplace_key, digest))
    return buckets


def _aliases(records: Sequence[ListingLike]) -> list[tuple[int, int]]:
    """Pairs of positions in `records` that are one marketplace's aliases of one plugin."""
    buckets: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(records):
        for b in alias_buckets(r):
            buckets.setdefault(b, []).append(i)
    specs: dict[int, str] = {}
    pairs: list[tuple[int, int]] = []
    for members in buckets.values():
        if len(members) < 2:
            continue  # the common case: no spec is ever worked out
        first: dict[str, int] = {}
        for i in members:
            spec = specs.setdefault(i, install_spec(records[i].entry.raw))
            pairs.append((first.setdefault(spec, i), i))
    return pairs


def fold(records: Sequence[L]) -> list[list[L]]:
    """Group listings of the same plugin: same name and (source, marketplace name or blurb), or
    one marketplace's aliases (`alias_buckets`).

    Input order is kept (best first)."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i

    owner: dict[tuple[str, ...], int] = {}
    for i, r in enumerate(records):
        name = r.name.lower()
        keys: list[tuple[str, ...]] = [
            ("src", name, r.dedup_key),
            ("mkt", name, (r.marketplace_name or "").lower()),
        ]
        desc = _norm_desc(r.entry.description)
        if len(desc) > 20:
            keys.append(("desc", name, desc))
        for key in keys:
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    for i, j in _aliases(records):
        parent[find(j)] = find(i)
    groups: dict[int, list[L]] = {}
    for i, r in enumerate(records):
        groups.setdefault(find(i), []).append(r)
    return list(groups.values())  # dicts keep insertion order: the best member's position
