"""Trust: what a plugin runs on your machine, where it is pinned, and what changed since you looked.

Everything here is read from the catalog (and Claude Code's install record); nothing a plugin
ships is ever executed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from agentops_lite.catalog.surface import (
    SurfaceRow,
    reviews,
    run_items,
    surface_history,
)
from agentops_lite.errors import NotFoundError
from agentops_lite.models import OutputModel, RunItem

if TYPE_CHECKING:
    import sqlite3

    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import PluginFiles, PluginRecord

Tier = Literal["anthropic", "user-added", "other"]
Pin = Literal["sha", "ref", "version", "floating", "unknown"]
ReviewState = Literal["reviewed", "changed-since-review", "changed-since-install", "unreviewed"]
OFFICIAL_OWNERS = frozenset({"anthropics"})


class TrustSurface(OutputModel):
    """Everything a plugin would run or reach on the user's machine, and how far to trust it."""

    tier: Tier = Field(
        description="anthropic: a marketplace in Anthropic's own GitHub org; user-added: one you "
        "added (or Claude Code knows); other: a default or snapshot marketplace of anyone else"
    )
    pinned: Pin = Field(
        description="sha: a commit; ref: a branch or tag; version: an npm version; floating: "
        "follows the latest push; unknown: its source kind says nothing"
    )
    pin: str | None = Field(description="The sha, ref or version it is pinned to")
    license: str | None = Field(description="Declared license, or the LICENSE file's name")
    files_read: bool = Field(description="false: what it runs is unknown (null), not nothing")
    runs: list[RunItem] | None = Field(description="Hooks, MCP/LSP servers, monitors, bin files")
    hooks_by_event: dict[str, list[str]] | None = Field(
        description="Hook event -> the commands (or URLs/prompts) it runs"
    )
    hosts: list[str] | None = Field(description="Network hosts it names; null: not read")
    skipped_links: list[str] = Field(description="Symlinks leaving the plugin: never followed")
    runnable: int | None = Field(description="How many things it runs; null: not read")
    review: ReviewState | None = Field(
        description="For installed plugins: whether what it runs changed since you installed "
        "or last reviewed it (`agentops-lite review`); null: not installed"
    )


def tier_of(repo: str | None, origin: str) -> Tier:
    if repo and repo.split("/")[0].lower() in OFFICIAL_OWNERS:
        return "anthropic"
    return "user-added" if origin in ("user", "claude") else "other"


def pin_of(r: PluginRecord, marketplace_ref: str | None) -> tuple[Pin, str | None]:
    src = r.entry.source
    if src.kind == "relative":
        # It moves with its marketplace: pinned only when the marketplace itself is.
        return ("ref", marketplace_ref) if marketplace_ref else ("floating", None)
    if src.sha:
        return "sha", src.sha
    if src.ref:
        return "ref", src.ref
    if src.kind == "npm":
        raw = src.raw if isinstance(src.raw, dict) else {}
        version = raw.get("version")
        return ("version", str(version)) if version else ("floating", None)
    if src.kind in ("github", "url", "git-subdir"):
        return "floating", None
    return "unknown", None


def _marketplace_facts(conn: sqlite3.Connection, key: str) -> tuple[str | None, str, str | None]:
    row = conn.execute(
        "SELECT repo, origin, ref FROM marketplaces WHERE key = ?", (key,)
    ).fetchone()
    return (row[0], row[1], row[2]) if row else (None, "other", None)


def _hosts(files: PluginFiles | None, items: list[RunItem] | None) -> list[str] | None:
    named = list(files.hosts) if files else []
    return named if items is not None or named else None


def trust_surface(
    catalog: Catalog, r: PluginRecord, review: ReviewState | None = None
) -> TrustSurface:
    repo, origin, ref = _marketplace_facts(catalog.conn, r.marketplace_key)
    pinned, pin = pin_of(r, ref)
    items = run_items(r.entry)
    files = r.entry.files
    hooks: dict[str, list[str]] | None = None
    if items is not None:
        hooks = {}
        for i in items:
            if i.kind == "hook":
                hooks.setdefault(i.name, []).append(i.command or "(not stated)")
    if review is None and r.installed:
        review = review_states(catalog).get((r.name.lower(), r.marketplace_key), "unreviewed")
    return TrustSurface(
        tier=tier_of(repo, origin),
        pinned=pinned,
        pin=pin,
        license=r.entry.license or (files.license_file if files else None),
        files_read=items is not None,
        runs=items,
        hooks_by_event=hooks,
        # The hosts are read from its hooks and servers: with those unread (a capped folder
        # keeps its README facts only), none named is unknown, not none.
        hosts=_hosts(files, items),
        skipped_links=list(files.skipped_links) if files else [],
        runnable=None if items is None else len(items),
        review=review if r.installed else None,
    )


# -- drift ----------------------------------------------------------------------------------


class ChangeItem(OutputModel):
    kind: str = Field(description="hook, mcp, lsp, monitor, bin or host")
    name: str
    change: Literal["new", "removed", "changed"]
    before: list[str] = Field(description="Its commands (or sha256 for bin) before")
    after: list[str] = Field(description="Its commands after")


class PluginChange(OutputModel):
    plugin: str
    marketplace: str
    at: datetime = Field(description="The refresh that saw the new state")
    previous_at: datetime
    version: tuple[str | None, str | None] | None = Field(description="(before, after) if changed")
    sha: tuple[str | None, str | None] | None = Field(description="(before, after) if changed")
    surface: list[ChangeItem] = Field(description="What it runs that is new, gone or different")
    files_changed: bool = Field(description="Some component file's content changed")
    installed: bool
    needs_review: bool = Field(description="Installed, and what it runs changed since reviewed")


class ChangesResult(OutputModel):
    changes: list[PluginChange]
    since: datetime | None
    plugins_tracked: int = Field(description="Plugins with a recorded surface history")


def _split(lines: list[str]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for line in lines:
        kind, name, command, detail = (line.split("\t") + ["", "", ""])[:4]
        # A bin file is its content's sha256; a host is its name.
        shown = detail if kind == "bin" else name if kind == "host" else command or detail
        out.setdefault((kind, name), []).append(shown)
    return out


def diff_lines(before: list[str], after: list[str]) -> list[ChangeItem]:
    """What is new, removed or different, per (kind, name)."""
    old, new = _split(before), _split(after)
    items = []
    for key in sorted(old.keys() | new.keys()):
        was, now_ = sorted(old.get(key, [])), sorted(new.get(key, []))
        if was == now_:
            continue
        change: Literal["new", "removed", "changed"] = (
            "new" if not was else "removed" if not now_ else "changed"
        )
        items.append(ChangeItem(kind=key[0], name=key[1], change=change, before=was, after=now_))
    return items


def _change(before: SurfaceRow, after: SurfaceRow, installed: bool, stale: bool) -> PluginChange:
    return PluginChange(
        plugin=after.plugin,
        marketplace=after.marketplace,
        at=after.recorded_at,
        previous_at=before.recorded_at,
        version=(before.version, after.version) if before.version != after.version else None,
        sha=(before.sha, after.sha) if before.sha != after.sha else None,
        surface=diff_lines(before.lines, after.lines),
        files_changed=before.files_digest != after.files_digest,
        installed=installed,
        needs_review=installed and stale,
    )


def _installed(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {
        (p.lower(), m.lower())
        for p, m in conn.execute("SELECT plugin_name, marketplace_name FROM installed_plugins")
    }


def _install_times() -> dict[tuple[str, str], datetime]:
    from agentops_lite.sources.claude_code import installed_plugins

    out: dict[tuple[str, str], datetime] = {}
    for i in installed_plugins():
        try:
            when = datetime.fromisoformat((i.installed_at or "").replace("Z", "+00:00"))
        except ValueError:
            continue
        when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        key = (i.plugin.lower(), i.marketplace.lower())
        out[key] = min(when, out.get(key, when))
    return out


def _baseline(rows: list[SurfaceRow], since: datetime | None) -> SurfaceRow:
    """The state current at `since` (the first one known when it predates them all)."""
    if since is None:
        return rows[0]
    before = [r for r in rows if r.recorded_at <= since]
    return before[-1] if before else rows[0]


def review_states(catalog: Catalog) -> dict[tuple[str, str], ReviewState]:
    """(plugin lower, marketplace key) -> review state, for installed plugins with a history."""
    conn = catalog.conn
    installed = _installed(conn)
    done = reviews(conn)
    times = _install_times()
    out: dict[tuple[str, str], ReviewState] = {}
    for (_, name), rows in surface_history(conn).items():
        market = (rows[-1].marketplace_name or rows[-1].marketplace).lower()
        key = (name.lower(), market)
        if key not in installed:
            continue
        review = next((v for (p, m), v in done.items() if (p.lower(), m.lower()) == key), None)
        latest = rows[-1].surface_digest
        if review is not None:
            state: ReviewState = "reviewed" if review[1] == latest else "changed-since-review"
        else:
            base = _baseline(rows, times.get(key))
            state = "changed-since-install" if base.surface_digest != latest else "unreviewed"
        out[(name.lower(), rows[-1].marketplace)] = state
    return out


def changes(
    catalog: Catalog, plugins: list[str] | None = None, since: datetime | None = None
) -> ChangesResult:
    """What changed between refreshes, newest first; `since` keeps changes seen at or after it."""
    names = [p.partition("@")[0] for p in plugins or []]
    markets = {p.partition("@")[0].lower(): p.partition("@")[2].lower() for p in plugins or []}
    history = surface_history(catalog.conn, names or None)
    states = review_states(catalog)
    installed = _installed(catalog.conn)
    out: list[PluginChange] = []
    for (_, name), rows in history.items():
        want = markets.get(name.lower())
        last = rows[-1]
        if want and want not in (last.marketplace.lower(), (last.marketplace_name or "").lower()):
            continue
        is_installed = (name.lower(), (last.marketplace_name or last.marketplace).lower()) in (
            installed
        )
        stale = states.get((name.lower(), last.marketplace), "reviewed") not in (
            "reviewed",
            "unreviewed",
        )
        for before, after in zip(rows, rows[1:], strict=False):
            if since is None or after.recorded_at >= since:
                out.append(_change(before, after, is_installed, stale))
    out.sort(key=lambda c: (c.at, c.plugin), reverse=True)
    if plugins and not history:
        raise NotFoundError(
            f"no recorded surface for {', '.join(plugins)}",
            hint="a plugin's history starts at the first refresh that reads its files",
        )
    return ChangesResult(changes=out, since=since, plugins_tracked=len(history))
