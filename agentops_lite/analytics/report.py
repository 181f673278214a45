"""The self-contained HTML report: inline CSS, JS and SVG charts, no network at view time."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentops_lite.analytics import report_svg as svg
from agentops_lite.analytics.catalog_stats import COMPONENT_KINDS, compute
from agentops_lite.analytics.models import Stats
from agentops_lite.analytics.report_svg import esc

_REPO_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}/[A-Za-z0-9_.][A-Za-z0-9_.-]{0,99}")
DESCRIPTION_CHARS = 200
KEYWORD_CHARS = 120
TOP_MARKETPLACES = 20
TOP_CATEGORIES = 15
TOP_KEYWORDS = 20


class ReportResult(BaseModel):
    """What `agentops-lite report` wrote."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="The HTML file written")
    bytes: int = Field(description="Its size in bytes")
    plugins: int = Field(description="Plugin listings in its table")
    marketplaces: int = Field(description="Marketplaces covered")


def _asset(name: str) -> str:
    return (resources.files("agentops_lite") / "data" / name).read_text(encoding="utf-8")


def embed_json(value: Any) -> str:
    """JSON that cannot end its <script> block or break a JS parser, whatever strings it holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _json_list(text: str | None) -> list[Any]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def repo_url(repo: str | None) -> str:
    """https://github.com/owner/repo for a well-formed owner/repo, else "" (never a URL built
    from arbitrary marketplace text)."""
    if repo and _REPO_RE.fullmatch(repo):
        return f"https://github.com/{repo}"
    return ""


def table_data(conn: sqlite3.Connection) -> dict[str, Any]:
    """Rows for the plugin table, compact: marketplaces once, plugins pointing at them."""
    from agentops_lite.discovery.plugin_facts import MarketSources

    sources = MarketSources.read(conn)
    markets: list[list[Any]] = []
    index: dict[int, int] = {}
    for mid, key, name, repo in conn.execute(
        "SELECT id, key, name, repo FROM marketplaces ORDER BY key"
    ):
        index[mid] = len(markets)
        shared = len(sources.by_name.get((name or key).lower(), [])) > 1
        # [catalog key, name for `/plugin install x@name`, argument of `/plugin marketplace
        # add`, repo link, whether other marketplaces declare the same name]
        markets.append(
            [
                svg.clean(key, 80),
                svg.clean(name or key, 80),
                svg.clean(sources.source.get(key, ""), 300),
                repo_url(repo),
                shared,
            ]
        )
    plugins: list[list[Any]] = []
    for row in conn.execute(
        "SELECT p.marketplace_id, p.name, p.category, p.description, p.keywords_json, "
        "p.tags_json, p.components_json, COALESCE(r.stars, m.stars), p.error_count, p.version, "
        "p.source_repo "
        "FROM plugins p JOIN marketplaces m ON m.id = p.marketplace_id "
        "LEFT JOIN repo_metrics r ON r.repo = LOWER(p.source_repo) ORDER BY m.key, p.position"
    ):
        mid, name, category, description, kw, tags, comps, stars, errors, version, own = row
        words = dict.fromkeys(
            svg.clean(w).lower() for w in _json_list(kw) + _json_list(tags) if isinstance(w, str)
        )
        kinds = [c.get("kind") for c in _json_list(comps) if isinstance(c, dict)]
        plugins.append(
            [
                svg.clean(name, 120),
                index[mid],
                svg.clean(category or "", 60),
                svg.clean(description or "", DESCRIPTION_CHARS),
                svg.clean(" ".join(w for w in words if w), KEYWORD_CHARS),
                [kinds.count(k) for k in COMPONENT_KINDS],
                stars,
                errors,
                svg.clean(version or "", 30),
                repo_url(own),
            ]
        )
    return {"kinds": list(COMPONENT_KINDS), "m": markets, "p": plugins}


def _card(label: str, value: int | str) -> str:
    shown = f"{value:,}" if isinstance(value, int) else value
    return f'<div class="card"><div class="num">{esc(shown)}</div><div>{esc(label)}</div></div>'


def _figure(title: str, chart: str, note: str = "") -> str:
    extra = f'<p class="muted">{esc(note)}</p>' if note else ""
    return f"<figure><figcaption>{esc(title)}</figcaption>{chart}{extra}</figure>"


def _days(iso: str) -> int:
    when = datetime.fromisoformat(iso)
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return max(0, (datetime.now(timezone.utc) - when).days)


def data_age(conn: sqlite3.Connection) -> dict[str, str | None]:
    """How old the data is: the snapshot's date and the range of dates of the star counts."""
    snap = conn.execute(
        "SELECT MIN(snapshot_date) FROM marketplaces WHERE origin = 'embedded'"
    ).fetchone()[0]
    low, high = conn.execute(
        "SELECT MIN(d), MAX(d) FROM (SELECT stars_at AS d FROM marketplaces WHERE stars IS NOT "
        "NULL UNION ALL SELECT stars_at FROM repo_metrics WHERE stars IS NOT NULL)"
    ).fetchone()
    return {"snapshot": snap, "stars_from": low, "stars_to": high}


def _age_text(ages: dict[str, str | None]) -> tuple[str, str]:
    snap, low, high = ages["snapshot"], ages["stars_from"], ages["stars_to"]
    head = (
        f"built-in snapshot of {snap[:10]} ({_days(snap)} days old)"
        if snap
        else "no snapshot data: every marketplace was loaded from its source"
    )
    stars = "no star counts recorded"
    if low and high:
        span = low[:10] if low[:10] == high[:10] else f"{low[:10]} to {high[:10]}"
        stars = f"star counts recorded {span} (up to {_days(low)} days old)"
    return head, stars


def _growth_figure(stats: Stats, ages: dict[str, str | None]) -> str:
    if len(stats.growth) < 2:
        # One refresh day is not a history: say how old the data is instead of an empty chart.
        head, stars = _age_text(ages)
        note = "No history yet: listings over time appear after refreshes on several days. "
        return _figure(
            "Data age", svg.empty("Data age", head), note + stars[:1].upper() + stars[1:] + "."
        )
    return _figure(
        "Plugin listings over time",
        svg.lines(
            "Growth",
            [g.date for g in stats.growth],
            [
                ("plugin listings", [float(g.plugins) for g in stats.growth]),
                ("marketplaces", [float(g.marketplaces) for g in stats.growth]),
            ],
        ),
    )


def _stars_figure(stats: Stats, ages: dict[str, str | None]) -> str:
    title = "Stars (plugin repo, else marketplace repo)"
    known = [(c.name, float(c.count)) for c in stats.distributions.stars if c.name != "unknown"]
    unknown = sum(c.count for c in stats.distributions.stars if c.name == "unknown")
    if not any(v for _, v in known):
        return _figure(title, svg.empty("Stars", f"no star data: unknown for {unknown:,} listings"))
    chart = svg.hbars("Stars", known, colour=svg.PALETTE[4])
    note = f"{unknown:,} listings without star data (unknown, not 0) are not drawn; "
    return _figure(title, chart, note + _age_text(ages)[1] + ".")


def charts(stats: Stats, ages: dict[str, str | None] | None = None) -> str:
    ages = ages or {"snapshot": None, "stars_from": None, "stars_to": None}
    d = stats.distributions
    per_market = [(m.key, float(m.plugins)) for m in stats.marketplaces]
    rest = per_market[TOP_MARKETPLACES:]
    shown = per_market[:TOP_MARKETPLACES]
    if rest:
        shown.append((f"{len(rest)} others", sum(v for _, v in rest)))
    cats = [(c.name, float(c.count)) for c in d.categories[:TOP_CATEGORIES]]
    if d.uncategorised:
        cats.append(("(no category)", float(d.uncategorised)))
    figures = [
        _figure("Plugins per marketplace", svg.hbars("Plugins per marketplace", shown)),
        _figure("Categories (normalised)", svg.hbars("Categories", cats, colour=svg.PALETTE[1])),
        _growth_figure(stats, ages),
        _stars_figure(stats, ages),
        _figure(
            "Time since last update",
            svg.hbars("Age", [(c.name, float(c.count)) for c in d.age], colour=svg.PALETTE[5]),
        ),
        _figure(
            "Plugins shipping each component kind",
            svg.hbars(
                "Components",
                [(c.name, float(c.count)) for c in d.components],
                colour=svg.PALETTE[2],
            ),
        ),
        _figure(
            "Top keywords and tags",
            svg.hbars(
                "Keywords",
                [(c.name, float(c.count)) for c in d.keywords[:TOP_KEYWORDS]],
                colour=svg.PALETTE[6],
            ),
        ),
        _workflow_figure(stats),
    ]
    return '<section class="charts">' + "".join(figures) + "</section>"


def _workflow_figure(stats: Stats) -> str:
    wf = stats.workflows
    if wf is None or not wf.per_workflow:
        return _figure("Workflow success", svg.empty("Workflow success", "no workflow runs yet"))
    rates = [(r.name, 100.0 * (r.success_rate or 0.0)) for r in wf.per_workflow[:15]]
    note = f"{wf.runs:,} runs"
    if wf.success_rate is not None:
        note += f", {100 * wf.success_rate:.0f}% of finished runs succeeded"
    chart = svg.hbars("Workflow success", rates, fmt="{:.0f}%", maximum=100, colour=svg.PALETTE[2])
    return _figure("Workflow success rate", chart, note)


def _marketplace_rows(stats: Stats, links: dict[str, str]) -> str:
    rows = []
    for m in stats.marketplaces:
        key = esc(m.key)
        if links.get(m.key):
            key = f'<a href="{esc(links[m.key])}" rel="noopener noreferrer">{key}</a>'
        stars = '<span class="muted">unknown</span>' if m.stars is None else f"{m.stars:,}"
        status = esc(m.status)
        if m.last_error:
            status += f' <span class="muted">{esc(m.last_error, 80)}</span>'
        rows.append(
            f"<tr><td>{key}</td><td>{esc(m.name or '')}</td><td class=n>{m.plugins:,}</td>"
            f"<td class=n>{stars}</td>"
            f"<td>{esc(str(m.last_update or '')[:10])}</td>"
            f"<td class=n>{m.errors:,} / {m.warnings:,}</td><td>{status}</td>"
            f"<td>{esc(str(m.refreshed_at or '')[:16])}</td></tr>"
        )
    return "".join(rows)


def build_html(
    stats: Stats,
    data: dict[str, Any],
    ages: dict[str, str | None] | None = None,
    trust: str = "",
) -> str:
    """The whole document. The script is pinned by a CSP hash, so injected markup cannot run."""
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    t = stats.totals
    cards = "".join(
        [
            _card("marketplaces", t.marketplaces),
            _card("plugin listings", t.plugin_listings),
            _card("unique plugins", t.unique_plugins),
            _card("listings with manifest errors", t.plugins_with_errors),
            _card("workflow runs", stats.workflows.runs if stats.workflows else 0),
        ]
    )
    generated = stats.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    links = {m[0]: m[3] for m in data.get("m", [])}
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>agentops-lite report</title>
<style>{_asset("report.css")}</style></head>
<body>
<header><h1>Claude Code plugin ecosystem</h1>
<p class="muted">agentops-lite report, generated {esc(generated)}</p></header>
<section class="cards">{cards}</section>
{charts(stats, ages)}
<h2>Marketplaces</h2>
<div class="scroll"><table class="markets"><thead><tr><th>id</th><th>declared name</th>
<th>plugins</th><th>stars</th><th>last update</th><th>errors / warnings</th><th>status</th>
<th>refreshed</th></tr></thead>
<tbody>{_marketplace_rows(stats, links)}</tbody></table></div>
{trust}
<h2 id="plugins-title">Plugins</h2>
<div class="controls"><label>Search <input id="q" type="search" autocomplete="off"
 placeholder="name, marketplace, category, keyword…" aria-controls="plugins"></label>
<span id="count" aria-live="polite"></span></div>
<noscript><p>The plugin table needs JavaScript; the charts above do not.</p></noscript>
<div class="scroll"><table id="plugins" aria-labelledby="plugins-title"><thead><tr>
<th aria-sort="none"><button type="button" data-col="name">Plugin</button></th>
<th aria-sort="none"><button type="button" data-col="market">Marketplace</button></th>
<th aria-sort="none"><button type="button" data-col="category">Category</button></th>
<th aria-sort="none"><button type="button" data-col="components">Components</button></th>
<th aria-sort="none"><button type="button" data-col="stars">Stars</button></th>
<th>Description</th><th>Install (in Claude Code)</th></tr></thead><tbody></tbody></table></div>
<footer class="muted">Text from marketplaces is shown as written (escaped), capped at
{DESCRIPTION_CHARS} characters per description.</footer>
<script type="application/json" id="report-data">{embed_json(data)}</script>
<script>{script}</script>
</body></html>
"""


def build_report(conn: sqlite3.Connection, stats: Stats | None = None) -> tuple[str, Stats, int]:
    """(HTML, the stats it shows, plugin rows) for the catalog behind `conn`."""
    figures = stats or compute(conn)
    data = table_data(conn)
    from agentops_lite.analytics.report_trust import trust_panel

    html = build_html(figures, data, data_age(conn), trust_panel(conn))
    return html, figures, len(data["p"])


def write_report(conn: sqlite3.Connection, target: Path) -> ReportResult:
    """Write the report atomically (see `write_output`)."""
    from agentops_lite.output_file import write_output

    html, stats, rows = build_report(conn)
    payload = html.encode("utf-8")
    write_output(target, payload)
    return ReportResult(
        path=str(target),
        bytes=len(payload),
        plugins=rows,
        marketplaces=stats.totals.marketplaces,
    )
