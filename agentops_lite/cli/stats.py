"""`stats` and `report`: ecosystem and workflow metrics in the terminal and as an HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agentops_lite.cli.common import JsonOpt, read_catalog

if TYPE_CHECKING:
    from agentops_lite.analytics.models import Count, Stats, WorkflowStats

TOP_ROWS = 15


def stats(json_: JsonOpt = False) -> None:
    """Show how big the catalog is, how it grows, and how workflow runs go.

    Totals, per-marketplace figures, distributions (categories, keywords, component kinds,
    stars, age), growth per refresh day and workflow run analytics.

    Examples:
      agentops-lite stats
      agentops-lite stats --json
    """
    from agentops_lite.analytics.catalog_stats import compute
    from agentops_lite.cli import render

    # Seeded on first use like every read command: a first `report` shows the snapshot, not
    # an empty catalog said to be "loaded from its source".
    with read_catalog() as cat:
        result = compute(cat.conn)
    if json_:
        render.emit_json(result)
    else:
        _show(result)


def report(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="The HTML file to write.", dir_okay=False
        ),
    ],
    json_: JsonOpt = False,
) -> None:
    """Write a self-contained HTML dashboard (charts and a searchable plugin table).

    The file needs no network to view and prints cleanly.

    Examples:
      agentops-lite report -o ecosystem.html
    """
    from agentops_lite.analytics.report import write_report
    from agentops_lite.cli import render

    with read_catalog() as cat:
        result = write_report(cat.conn, output)
    if json_:
        render.emit_json(result)
    else:
        render.note(
            f"wrote {result.path} ({result.bytes / 1024:,.0f} KiB, {result.plugins:,} plugins "
            f"from {result.marketplaces:,} marketplaces)"
        )


def _counts(title: str, rows: list[Count], label: str = "value") -> None:
    from agentops_lite.cli.render import out, table, untrusted

    t = table(label, "plugins", title=title)
    for c in rows:
        t.add_row(untrusted(c.name, 60), f"{c.count:,}")
    out().print(t)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _show(s: Stats) -> None:
    from agentops_lite.cli.render import out, table, untrusted

    t = s.totals
    totals = table("figure", "value", title="Totals")
    for label, value in (
        ("marketplaces", t.marketplaces),
        ("plugin listings", t.plugin_listings),
        ("unique plugins (de-duplicated)", t.unique_plugins),
        ("listings with manifest errors", t.plugins_with_errors),
        ("marketplaces failing to refresh", t.marketplaces_failing),
        ("problems: errors / warnings", f"{t.problem_errors:,} / {t.problem_warnings:,}"),
    ):
        totals.add_row(label, value if isinstance(value, str) else f"{value:,}")
    out().print(totals)

    mk = table(
        "marketplace",
        "plugins",
        "stars",
        "last update",
        "problems",
        "status",
        "refreshed",
        title="Marketplaces",
    )
    for m in s.marketplaces:
        status = m.status + (f": {m.last_error}" if m.last_error else "")
        mk.add_row(
            untrusted(m.key, 50),
            f"{m.plugins:,}",
            "—" if m.stars is None else f"{m.stars:,}",
            str(m.last_update or "—")[:10],
            f"{m.errors}E {m.warnings}W",
            untrusted(status, 70),
            str(m.refreshed_at or "—")[:16],
        )
    out().print(mk)

    d = s.distributions
    extra = [] if not d.uncategorised else [("(no category)", d.uncategorised)]
    from agentops_lite.analytics.models import Count

    _counts(
        f"Categories (top {TOP_ROWS} of {len(d.categories)})",
        d.categories[:TOP_ROWS] + [Count(name=n, count=c) for n, c in extra],
        "category",
    )
    _counts(f"Keywords and tags (top {TOP_ROWS})", d.keywords[:TOP_ROWS], "keyword")
    _counts("Component kinds", d.components, "ships")
    _counts("Stars", d.stars, "stars")
    _counts("Time since last update", d.age, "age")

    growth = table("day", "marketplaces", "plugins", "refreshes", "failed loads", title="Growth")
    for g in s.growth:
        growth.add_row(
            g.date, f"{g.marketplaces:,}", f"{g.plugins:,}", str(g.refreshes), str(g.failed)
        )
    out().print(growth if s.growth else untrusted("no refresh history yet"))
    _show_workflows(s.workflows)


def _show_workflows(w: WorkflowStats | None) -> None:
    from agentops_lite.cli.render import out, table, untrusted

    if w is None or not w.runs:
        out().print(untrusted("no workflow runs recorded yet"))
        return
    head = table("figure", "value", title="Workflow runs")
    head.add_row("runs", f"{w.runs:,}")
    for status in w.by_status:
        head.add_row(f"  {status.name}", f"{status.count:,}")
    head.add_row("success rate (finished runs)", _pct(w.success_rate))
    head.add_row("median steps per run", "—" if w.median_steps is None else f"{w.median_steps:g}")
    head.add_row(
        "median retries per run", "—" if w.median_retries is None else f"{w.median_retries:g}"
    )
    out().print(head)
    for title, rates in (("Per workflow", w.per_workflow), ("Per plugin", w.per_plugin)):
        t = table("name", "runs", "succeeded", "rate", title=title)
        for r in rates[:TOP_ROWS]:
            t.add_row(
                untrusted(r.name, 60), f"{r.runs:,}", f"{r.succeeded:,}", _pct(r.success_rate)
            )
        out().print(t)
    combos = table("plugins used together", "runs", title="Most common plugin combinations")
    for combo in w.combinations[:TOP_ROWS]:
        combos.add_row(untrusted(" + ".join(combo.plugins), 120), f"{combo.runs:,}")
    out().print(combos)


def register(app: typer.Typer) -> None:
    app.command()(stats)
    app.command()(report)
