"""Human views of trust surfaces, drift and quality; plugin text always goes through untrusted()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from agentops_lite.cli.render import out, plugin_header, table, untrusted

if TYPE_CHECKING:
    from agentops_lite.discovery.compare import CompareResult, PluginDetails
    from agentops_lite.discovery.quality import QualityScore
    from agentops_lite.discovery.review import ReviewResult
    from agentops_lite.discovery.trust import ChangesResult, TrustSurface

_REVIEW = {
    "reviewed": "reviewed, unchanged since",
    "unreviewed": "unchanged since installed (not reviewed)",
    "changed-since-install": "CHANGED since installed: review it (`agentops-lite review`)",
    "changed-since-review": "CHANGED since you reviewed it (`agentops-lite review`)",
}


def _pin(t: TrustSurface) -> str:
    return f"{t.pinned} {t.pin}" if t.pin else t.pinned


def trust_panel(t: TrustSurface | None) -> None:
    if t is None:
        return
    out().print(Text("trust:", style="bold"))
    facts = [
        ("marketplace tier", t.tier),
        ("source pinned", _pin(t)),
        ("license", t.license or "none declared"),
        ("network hosts", "not read" if t.hosts is None else ", ".join(t.hosts) or "none named"),
    ]
    if t.review is not None:
        facts.append(("review", _REVIEW[t.review]))
    for label, value in facts:
        out().print(Text(f"  {label:<18}", style="dim") + untrusted(value, 300))
    if t.runs is None:
        out().print(Text("  what it runs: unknown (its files were never read)"))
        return
    if not t.runs:
        out().print(Text("  runs nothing on your machine (no hooks, servers, monitors or bin)"))
    for item in t.runs:
        what = item.command or ("sha256 " + (item.detail or "")[:12] if item.kind == "bin" else "")
        line = Text(f"  {item.kind:<7} ") + untrusted(item.name, 60)
        if item.detail and item.kind != "bin":
            line += Text(" [") + untrusted(item.detail, 40) + Text("]")
        out().print(line + Text("  ") + untrusted(what or "(not stated)", 300, style="yellow"))
    for link in t.skipped_links:
        out().print(Text("  not followed: ", style="red") + untrusted(link, 200))


def quality_line(q: QualityScore | None) -> None:
    if q is None:
        return
    score = "unknown (too little is known)" if q.score is None else f"{q.score}/100"
    out().print(Text("  quality           ", style="dim") + Text(f"{score}, {q.known:.0%} known"))


def quality_explain(q: QualityScore | None) -> None:
    if q is None:
        return
    t = table("part", "points", "why", title="quality score")
    for p in q.parts:
        points = "unknown" if p.points is None else f"{p.points:g}/{p.max:g}"
        t.add_row(p.name, points, untrusted(p.why, 120))
    out().print(t)
    for f in q.directory or ():
        style = "red" if f.severity == "error" else "yellow"
        out().print(Text(f"  directory {f.code}: ", style=style) + untrusted(f.message, 200))


def _quality_cell(q: QualityScore | None) -> str:
    # A score is over the known parts only: 100 of 60% known is not better than 45 of all.
    if q is None or q.score is None:
        return "unknown"
    return str(q.score) if q.known >= 0.995 else f"{q.score} ({q.known:.0%} known)"


def compare_trust(result: CompareResult) -> None:
    details: list[PluginDetails] = list(result.plugins)
    t = table("", *[plugin_header(d.plugin, d.marketplace) for d in details])
    rows = [
        ("tier", [d.trust.tier if d.trust else "—" for d in details]),
        ("pinned", [_pin(d.trust) if d.trust else "—" for d in details]),
        (
            "hooks",
            [
                "not read"
                if not d.trust or d.trust.hooks_by_event is None
                else str(sum(len(v) for v in d.trust.hooks_by_event.values()))
                for d in details
            ],
        ),
        (
            "hosts",
            [
                "not read" if not d.trust or d.trust.hosts is None else str(len(d.trust.hosts))
                for d in details
            ],
        ),
        ("quality", [_quality_cell(d.quality) for d in details]),
    ]
    for label, cells in rows:
        t.add_row(label, *[untrusted(c, 40) for c in cells])
    out().print(t)


def changes_view(result: ChangesResult) -> None:
    if not result.changes:
        since = f" since {result.since:%Y-%m-%d}" if result.since else ""
        out().print(
            Text(f"no changes{since} in the {result.plugins_tracked} plugin(s) with a history")
        )
        return
    for c in result.changes:
        head = untrusted(f"{c.plugin}@{c.marketplace}", 80, style="bold")
        head += Text(f"  {c.previous_at:%Y-%m-%d %H:%M} -> {c.at:%Y-%m-%d %H:%M}")
        if c.needs_review:
            head += Text("  installed: review it", style="red")
        elif c.installed:
            head += Text("  installed")
        out().print(head)
        if c.version:
            out().print(Text("  version  ") + untrusted(f"{c.version[0]} -> {c.version[1]}", 80))
        if c.sha:
            out().print(Text("  pinned   ") + untrusted(f"{c.sha[0]} -> {c.sha[1]}", 100))
        for item in c.surface:
            style = {"new": "yellow", "removed": "dim", "changed": "yellow"}[item.change]
            line = Text(f"  {item.change:<8} {item.kind:<7} ", style=style) + untrusted(
                item.name, 60
            )
            out().print(line)
            for before in item.before if item.change != "new" else ():
                out().print(Text("      was  ") + untrusted(before, 300))
            for after in item.after:
                out().print(Text("      now  ") + untrusted(after, 300, style="yellow"))
        if c.files_changed and not c.surface:
            out().print(Text("  component files changed (what it runs did not)"))


def review_view(result: ReviewResult) -> None:
    out().print(
        untrusted(f"reviewed {result.plugin}@{result.marketplace}", 120)
        + Text(f": {result.runnable} runnable item(s), digest {result.surface_digest[:12]}")
    )
