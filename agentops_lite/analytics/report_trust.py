"""The report's trust panel: plugins with the largest runnable surface, recent surface changes."""

from __future__ import annotations

import sqlite3

from agentops_lite.analytics.report_svg import esc
from agentops_lite.catalog.surface import run_items, surface_history
from agentops_lite.models import PluginEntry

TOP_SURFACES = 15
RECENT_CHANGES = 15


def _largest(conn: sqlite3.Connection) -> list[tuple[int, str, str, dict[str, int]]]:
    rows = []
    for name, key, entry_json in conn.execute(
        "SELECT p.name, m.key, p.entry_json FROM plugins p "
        "JOIN marketplaces m ON m.id = p.marketplace_id WHERE p.has_hooks OR p.has_mcp "
        "OR p.has_lsp OR p.entry_json LIKE '%\"runs\":[{%'"
    ):
        items = run_items(PluginEntry.model_validate_json(entry_json)) or []
        if items:
            kinds: dict[str, int] = {}
            for i in items:
                kinds[i.kind] = kinds.get(i.kind, 0) + 1
            rows.append((len(items), name, key, kinds))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    return rows[:TOP_SURFACES]


def _recent(conn: sqlite3.Connection) -> list[tuple[str, str, str, int, int]]:
    out = []
    for rows in surface_history(conn).values():
        for before, after in zip(rows, rows[1:], strict=False):
            if before.surface_digest == after.surface_digest:
                continue
            added = len(set(after.lines) - set(before.lines))
            removed = len(set(before.lines) - set(after.lines))
            when = after.recorded_at.strftime("%Y-%m-%d %H:%M")
            out.append((when, after.plugin, after.marketplace, added, removed))
    out.sort(reverse=True)
    return out[:RECENT_CHANGES]


def trust_panel(conn: sqlite3.Connection) -> str:
    """HTML for the trust section; every name is escaped (it is marketplace text)."""
    largest = "".join(
        f"<tr><td>{esc(name, 120)}</td><td>{esc(key, 80)}</td><td>{n}</td>"
        f"<td>{esc(', '.join(f'{c} {k}' for k, c in sorted(kinds.items())))}</td></tr>"
        for n, name, key, kinds in _largest(conn)
    )
    recent = "".join(
        f"<tr><td>{esc(when)}</td><td>{esc(name, 120)}</td><td>{esc(key, 80)}</td>"
        f"<td>+{added} / -{removed}</td></tr>"
        for when, name, key, added, removed in _recent(conn)
    )
    empty = '<tr><td colspan="4" class="muted">none recorded yet</td></tr>'
    return f"""<h2 id="trust">Trust</h2>
<p class="muted">What plugins run on your machine (hooks, MCP/LSP servers, monitors, bin files),
read from their files and never executed.</p>
<table class="trust-largest"><thead><tr><th>plugin</th><th>marketplace</th><th>runs</th>
<th>what</th></tr></thead><tbody>{largest or empty}</tbody></table>
<h3>Recent changes to what plugins run</h3>
<table class="trust-changes"><thead><tr><th>seen</th><th>plugin</th><th>marketplace</th>
<th>lines added / removed</th></tr></thead><tbody>{recent or empty}</tbody></table>
"""
