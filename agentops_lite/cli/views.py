"""Human (rich) views of catalog data; untrusted text always goes through render.untrusted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from agentops_lite.cli.render import out, table, untrusted

if TYPE_CHECKING:
    from agentops_lite.models import MarketplaceRecord, PluginRecord, RefreshOutcome
    from agentops_lite.sources.lint import ValidationReport


def _age(value: object) -> str:
    return str(value)[:10] if value else "—"


def marketplace_table(records: Sequence[MarketplaceRecord]) -> None:
    t = table("id", "declared name", "source", "plugins", "problems", "refreshed", "status")
    for r in records:
        status = Text(r.status, style="red" if r.status == "error" else "")
        if r.last_error:
            status.append(" " + untrusted(r.last_error, 60).plain)
        conflict = " (name shared)" if r.name_conflict else ""
        t.add_row(
            untrusted(r.key),
            untrusted(f"{r.name or '—'}{conflict}"),
            untrusted(r.source, 50),
            str(r.plugin_count),
            f"{r.error_count}E {r.warning_count}W",
            _age(r.refreshed_at),
            status,
        )
    out().print(t if records else Text("the catalog has no marketplaces yet"))


def marketplace_added(record: MarketplaceRecord, outcome: RefreshOutcome | None) -> None:
    out().print(
        Text("added ")
        + untrusted(record.key, style="bold")
        + Text(f" ({record.source_kind}) ")
        + (
            Text(f"{outcome.plugins} plugins, {outcome.errors} errors, {outcome.warnings} warnings")
            if outcome
            else Text("— run `agentops-lite refresh` to load it")
        )
    )


def outcome_table(outcomes: Sequence[RefreshOutcome]) -> None:
    t = table("marketplace", "status", "plugins", "problems", "message")
    for o in outcomes:
        style = {"error": "red", "unchanged": "dim"}.get(o.status, "green")
        t.add_row(
            untrusted(o.key),
            Text(o.status, style=style),
            str(o.plugins),
            f"{o.errors}E {o.warnings}W",
            untrusted(o.message or "", 80),
        )
    out().print(t)


def plugin_table(records: Sequence[PluginRecord]) -> None:
    t = table("plugin", "marketplace", "version", "category", "description")
    for r in records:
        t.add_row(
            untrusted(r.name),
            untrusted(r.marketplace_key),
            untrusted(r.entry.version or ""),
            untrusted(r.entry.category or ""),
            untrusted(r.entry.description or "", 70),
        )
    out().print(t)


def validation(report: ValidationReport) -> None:
    head = Text(f"{report.kind} ") + untrusted(report.name or report.target, style="bold")
    head.append(
        f": {report.plugins} plugin(s), {report.errors} error(s), {report.warnings} warning(s)"
    )
    out().print(head)
    for p in report.problems:
        style = "red" if p.severity == "error" else "yellow"
        line = Text(f"  {p.severity:<7} ", style=style) + untrusted(p.path, 60)
        line.append("  ")
        line.append(untrusted(p.message, 200))
        out().print(line)
