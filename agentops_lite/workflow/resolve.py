"""Look up a step's plugin and marketplace in the catalog (cheap rows, nearest names for typos)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import MarketplaceRecord


@dataclass(frozen=True)
class Listing:
    """One plugin listing, just enough to resolve a step."""

    plugin_id: int
    plugin: str
    marketplace_key: str
    marketplace_name: str | None
    marketplace_source: str
    marketplace_repo: str | None

    def marketplace_idents(self) -> set[str]:
        return idents(
            self.marketplace_key, self.marketplace_name, self.marketplace_source,
            self.marketplace_repo,
        )  # fmt: skip


def idents(key: str, name: str | None, source: str, repo: str | None) -> set[str]:
    """Every way a workflow may name a marketplace (lower-case)."""
    out = {key, source}
    if name:
        out.add(name)
    if repo:
        out.add(repo)
    # A local clone of owner/repo is often a folder called `owner__repo` (the corpus layout),
    # so `docker/claude-plugins` finds the marketplace loaded from `.../docker__claude-plugins`.
    folder = PurePath(source).name
    if "__" in folder:
        out.add(folder.replace("__", "/", 1))
    return {x.lower() for x in out}


class PluginIndex:
    """All plugin listings of a catalog, read once."""

    def __init__(self, listings: list[Listing]) -> None:
        self.listings = listings
        self.by_name: dict[str, list[Listing]] = {}
        for item in listings:
            self.by_name.setdefault(item.plugin.lower(), []).append(item)
        self._near: dict[tuple[str, int], list[str]] = {}  # one fuzzy search per unknown name
        self._marketplaces: set[str] = set()
        for item in listings:
            self._marketplaces |= item.marketplace_idents()

    @classmethod
    def load(cls, catalog: Catalog) -> PluginIndex:
        rows = catalog.conn.execute(
            "SELECT p.id, p.name, m.key, m.name, m.source, m.repo "
            "FROM plugins p JOIN marketplaces m ON m.id = p.marketplace_id "
            "ORDER BY m.key, p.position"
        ).fetchall()
        return cls([Listing(*row) for row in rows])

    def knows_marketplace(self, ident: str) -> bool:
        return ident.lower() in self._marketplaces

    def find(self, plugin: str, marketplace: str | None = None) -> list[Listing]:
        found = self.by_name.get(plugin.lower(), [])
        if marketplace:
            want = marketplace.lower()
            found = [x for x in found if want in x.marketplace_idents()]
        return found

    def nearest(self, plugin: str, limit: int = 3) -> list[str]:
        """Closest plugin names, best first (rapidfuzz: fast over thousands of names)."""
        from rapidfuzz import fuzz, process

        key = (plugin.lower(), limit)
        if key not in self._near:
            hits = process.extract(
                key[0], list(self.by_name), scorer=fuzz.WRatio, limit=limit, score_cutoff=70
            )
            self._near[key] = [self.by_name[h[0]][0].plugin for h in hits]
        return self._near[key]

    def nearest_marketplaces(self, ident: str, limit: int = 3) -> list[str]:
        from rapidfuzz import fuzz, process

        keys = sorted({x.marketplace_key for x in self.listings})
        hits = process.extract(ident, keys, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
        return [h[0] for h in hits]


def marketplace_add_source(record: MarketplaceRecord) -> str:
    """What to pass to `/plugin marketplace add`: owner/repo for GitHub, else the source."""
    return record.repo or record.source
