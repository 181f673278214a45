"""Facts about one plugin listing that every view shares: install lines, flags, component counts."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pydantic import Field

from agentops_lite.models import OutputModel

if TYPE_CHECKING:
    from agentops_lite.models import PluginEntry, PluginRecord

STALE_DAYS = 365


class InstallOption(OutputModel):
    marketplace: str = Field(description="Catalog key of the marketplace")
    marketplace_name: str | None = Field(description="Name the marketplace declares")
    install: str = Field(description="`/plugin install PLUGIN@MARKETPLACE` for Claude Code")
    marketplace_add: str = Field(description="`/plugin marketplace add SOURCE`")
    installed: bool


def flags_of(r: PluginRecord, now: datetime, aliases: int) -> list[str]:
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


def marketplace_add_arg(repo: str | None, source: str) -> str:
    return f"/plugin marketplace add {repo or source}"


def component_counts(entry: PluginEntry) -> dict[str, int]:
    """How many commands, agents, skills, hooks, MCP and LSP servers it ships (by kind)."""
    counts: dict[str, int] = {}
    for c in entry.components:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    return counts


def option_for(r: PluginRecord, repos: dict[str, str | None]) -> InstallOption:
    return InstallOption(
        marketplace=r.marketplace_key,
        marketplace_name=r.marketplace_name,
        install=f"/plugin install {r.install_name}",
        marketplace_add=marketplace_add_arg(repos.get(r.marketplace_key), r.marketplace_source),
        installed=r.installed,
    )
