"""Facts about one plugin listing that every view shares: install lines, flags, component counts."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import sqlite3

    from agentops_lite.catalog.stored import EntryLike, ListingLike
    from agentops_lite.discovery.install_lines import InstallOption, InstallRecipe

STALE_DAYS = 365


class Recipe(NamedTuple):
    """`install_lines.InstallRecipe`'s fields (plain: the warm discover path builds these)."""

    marketplace_add: str
    command: str
    one_step: str
    name_shared_with: list[str]


class Option(NamedTuple):
    """`install_lines.InstallOption`'s fields."""

    marketplace: str
    marketplace_name: str | None
    install: Recipe
    installed: bool


class MarketSources(NamedTuple):
    """Each catalog marketplace's `marketplace add` source, and which declare the same name."""

    source: dict[str, str]  # catalog key -> owner/repo for GitHub, else what the user added
    by_name: dict[str, list[str]]  # declared name (lower case) -> catalog keys declaring it

    @classmethod
    def read(cls, conn: sqlite3.Connection) -> MarketSources:
        source: dict[str, str] = {}
        by_name: dict[str, list[str]] = {}
        for key, name, repo, src in conn.execute(
            "SELECT key, name, repo, source FROM marketplaces ORDER BY key"
        ):
            source[key] = repo or src
            by_name.setdefault((name or key).lower(), []).append(key)
        return cls(source, by_name)

    def plain_recipe(self, r: ListingLike) -> Recipe:
        where = self.source.get(r.marketplace_key, r.marketplace_source)
        declared = (r.marketplace_name or r.marketplace_key).lower()
        others = [k for k in self.by_name.get(declared, []) if k != r.marketplace_key]
        return Recipe(
            marketplace_add=f"/plugin marketplace add {where}",
            command=f"/plugin install {r.install_name}",
            one_step=f"claude plugin install {r.name} --marketplace {where}",
            name_shared_with=sorted({self.source.get(k, k) for k in others}),
        )

    def plain_option(self, r: ListingLike) -> Option:
        return Option(
            marketplace=r.marketplace_key,
            marketplace_name=r.marketplace_name,
            install=self.plain_recipe(r),
            installed=r.installed,
        )

    def recipe(self, r: ListingLike) -> InstallRecipe:
        from agentops_lite.discovery.install_lines import InstallRecipe

        return InstallRecipe(**self.plain_recipe(r)._asdict())

    def option(self, r: ListingLike) -> InstallOption:
        from agentops_lite.discovery.install_lines import InstallOption

        o = self.plain_option(r)
        return InstallOption(**{**o._asdict(), "install": self.recipe(r)})


def flags_of(r: ListingLike, now: datetime, aliases: int) -> list[str]:
    flags: list[str] = []
    if r.archived:
        flags.append("archived")
    if r.entry.has_errors:
        flags.append("manifest-errors")
    if r.pushed_at is not None:
        when = r.pushed_at if r.pushed_at.tzinfo else r.pushed_at.replace(tzinfo=timezone.utc)
        if (now - when).days > STALE_DAYS:
            flags.append("stale")
    if aliases:
        flags.append("duplicate")
    return flags


def alias_names(conn: sqlite3.Connection, r: ListingLike) -> list[str]:
    """Other names the same source folder has in the same marketplace (the `duplicate` flag)."""
    rows = conn.execute(
        "SELECT DISTINCT p.name FROM plugins p JOIN marketplaces m ON m.id = p.marketplace_id "
        "WHERE m.key = ? AND p.dedup_key = ? AND LOWER(p.name) != LOWER(?) ORDER BY p.name",
        (r.marketplace_key, r.dedup_key, r.name),
    )
    return [str(n) for (n,) in rows]


def flag_notes(r: ListingLike, flags: list[str], aliases: list[str]) -> dict[str, str]:
    """What each flag means for this listing, in words (shown by --explain, show and --json)."""
    notes = {
        "archived": "its repository is archived: no more updates",
        "manifest-errors": "its manifest has errors: Claude Code may refuse to install it",
        "stale": f"no push for over {STALE_DAYS} days",
        "duplicate": (
            f"the same source folder is also listed here as {', '.join(aliases)}: "
            "one plugin under several names, install only one"
            if aliases
            else "the same source folder is listed here under another name too"
        ),
    }
    return {f: notes.get(f, f) for f in flags}


def component_counts(entry: EntryLike) -> dict[str, int]:
    """How many commands, agents, skills, hooks, MCP and LSP servers it ships (by kind)."""
    counts: dict[str, int] = {}
    for c in entry.components:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    return counts
