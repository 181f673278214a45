"""Facts about one plugin listing that every view shares: install lines, flags, component counts."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

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

    plugin: str
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
            plugin=r.name,
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


def alias_names(conn: sqlite3.Connection, records: Sequence[ListingLike]) -> dict[int, list[str]]:
    """Plugin id -> the other names it has in its own marketplace
    (`catalog.listings.alias_buckets`): the `duplicate` flag, and the names a folded result
    also has. One query per source folder however many of `records` share it."""
    import json

    from agentops_lite.catalog.listings import (
        SPEC_EXCLUDED,
        alias_buckets,
        install_spec,
        real_digest,
    )

    # The spec as SQLite writes it: the entry as stored minus the same keys. Equal texts are
    # equal specs; texts of different lengths never are (one serialiser wrote both, and key
    # order does not change a length), so only the rare rest is parsed. A marketplace listing
    # hundreds of entries from one folder (gicm) is decided almost entirely in SQL.
    spec_sql = "json_remove(json_extract(p.entry_json, '$.raw'), {})".format(
        ", ".join(f"'$.{k}'" for k in sorted(SPEC_EXCLUDED))
    )
    sql = (
        f"SELECT p.id, p.name, p.dedup_key, {spec_sql}, "
        "json_extract(p.entry_json, '$.source.ref'), json_extract(p.entry_json, '$.source.sha'), "
        "json_extract(p.entry_json, '$.files.files_digest'), "
        "json_extract(p.entry_json, '$.components_read'), p.components_json != '[]' "
        "FROM plugins p JOIN marketplaces m ON m.id = p.marketplace_id "
        # The same files parse to the same components: a plain column narrows the digest
        # route without reading any entry's JSON.
        "WHERE m.key = ? AND (p.dedup_key = ? OR (? != '' AND p.components_json = ?))"
    )
    found: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
    out: dict[int, list[str]] = {}
    for r in records:
        mine = set(alias_buckets(r))
        digest = next((str(b[2]) for b in mine if b[0] == "files"), "")
        where = (r.marketplace_key, r.dedup_key, digest)
        if where not in found:
            shipped_json = _components_json(r) if digest else ""
            found[where] = conn.execute(sql, (*where, shipped_json)).fetchall()
        rows = found[where]
        own = next((row[3] for row in rows if row[0] == r.id), None)
        spec = install_spec(r.entry.raw)
        names: set[str] = set()
        for _, name, key, text, ref, sha, files, read, shipped in rows:
            if name.lower() == r.name.lower() or text is None or own is None:
                continue
            if len(text) != len(own):
                continue
            theirs: set[tuple[str, ...]] = {("src", r.marketplace_key, key, ref or "", sha or "")}
            if real_digest(files, bool(read), int(shipped)):
                theirs.add(("files", r.marketplace_key, files))
            if mine & theirs and (text == own or install_spec(json.loads(text)) == spec):
                names.add(str(name))
        out[r.id] = sorted(names, key=str.lower)
    return out


def _components_json(r: ListingLike) -> str:
    """The `components_json` column as `catalog.rows.plugin_row` writes it (a test checks):
    `Component.model_dump(exclude_none=True)`, field by field (the plain views have no dump)."""
    import json

    shipped = []
    for c in r.entry.components:
        fields = {
            "kind": c.kind,
            "name": c.name,
            "description": c.description,
            "command": c.command,
        }
        shipped.append({k: v for k, v in fields.items() if v is not None})
    return json.dumps(shipped)


def flag_notes(r: ListingLike, flags: list[str], aliases: list[str]) -> dict[str, str]:
    """What each flag means for this listing, in words (shown by --explain, show and --json)."""
    notes = {
        "archived": "its repository is archived: no more updates",
        "manifest-errors": "its manifest has errors: Claude Code may refuse to install it",
        "stale": f"no push for over {STALE_DAYS} days",
        "duplicate": (
            f"{r.marketplace_key} also lists this plugin as {', '.join(aliases)} (the same "
            "source and files): one plugin under several names, shown once; install only one"
            if aliases
            else f"{r.marketplace_key} lists this plugin under another name too"
        ),
    }
    return {f: notes.get(f, f) for f in flags}


def component_counts(entry: EntryLike) -> dict[str, int]:
    """How many commands, agents, skills, hooks, MCP and LSP servers it ships (by kind)."""
    counts: dict[str, int] = {}
    for c in entry.components:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    return counts
