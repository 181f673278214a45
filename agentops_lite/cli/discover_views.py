"""Human (rich) views of discovery results; untrusted text always goes through render.untrusted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from agentops_lite.cli.render import note, out, safe_text, table, untrusted

if TYPE_CHECKING:
    from agentops_lite.discovery.compare import CompareResult, PluginDetails
    from agentops_lite.discovery.prime import PrimeResult
    from agentops_lite.discovery.rank import DiscoverResult, Hit


def _date(value: object) -> str:
    return str(value)[:10] if value else "—"


def discover_table(result: DiscoverResult, explain: bool, filters: Sequence[str] = ()) -> None:
    if not result.results:
        info = result.catalog
        message = Text("no plugin matches ") + untrusted(result.query, 80, style="bold")
        if filters:
            message.append(" with ").append_text(untrusted(", ".join(filters)))
        out().print(message)
        if info.plugins == 0:
            note("the catalog is empty: try `agentops-lite marketplace add OWNER/REPO`")
        elif filters:
            note("try without the filters; `marketplace import-claude` updates what is installed")
        return
    # The install command is the thing people copy, so it is never cut: a wide terminal gets it
    # as a column, a narrow one as lines under the table. The description takes what is left
    # (one line, cut with …).
    widest = min(48, max(len(f"{h.plugin}@{h.marketplace}") for h in result.results))
    longest_install = max(len(h.install) for h in result.results)
    width = out().width
    fixed = 2 + widest + 5 + 5 + 10 + 3 * 6 + 1
    with_install = width - fixed - longest_install - 3 >= 30
    columns = ["#", "plugin@marketplace", "score", "stars", "updated", "description"]
    t = table(*columns, *(["install"] if with_install else []))
    desc_chars = max(16, width - fixed - (longest_install + 3 if with_install else 0))
    for i, h in enumerate(result.results, 1):
        name = untrusted(f"{h.plugin}@{h.marketplace}", 48, style="bold")
        if h.flags:
            name.append(Text(" [" + ", ".join(h.flags) + "]", style="yellow"))
        if h.also_in:
            name.append(Text(f" (+{len(h.also_in)} more)", style="dim"))
        cells: list[Text | str] = [
            str(i),
            name,
            f"{h.score:.2f}",
            "—" if h.stars is None else str(h.stars),
            _date(h.pushed_at),
            untrusted(h.description or "", desc_chars),
        ]
        t.add_row(*cells, *([untrusted(h.install)] if with_install else []))
    out().print(t)
    if not with_install:
        for i, h in enumerate(result.results, 1):
            out().print(Text(f"{i:>2}. ") + untrusted(h.install))
    if explain:
        for i, h in enumerate(result.results, 1):
            out().print(Text(f"{i}. ") + untrusted(f"{h.plugin}@{h.marketplace}", style="bold"))
            comp = h.components
            parts = [f"relevance {comp.relevance:.2f}"] + [
                f"{k} {'—' if v is None else f'{v:.2f}'}"
                for k, v in (
                    ("stars", comp.stars),
                    ("recency", comp.recency),
                    ("installs", comp.installs),
                )
            ]
            out().print(Text("   " + ", ".join(parts), style="dim"))
            for line in h.explain or []:
                out().print(Text("   ") + untrusted(line, 200))
        read = "; ".join(f"{c.concept} → {', '.join(c.terms[:6])}" for c in result.interpretation)
        out().print(Text("query read as: ", style="dim") + untrusted(read, 400))
    info = result.catalog
    note(
        f"{len(result.results)} shown; catalog: {info.plugins} plugins in "
        f"{info.marketplaces} marketplaces, refreshed {_date(info.refreshed_at)}"
    )


def hits_table(hits: Sequence[Hit], title: str) -> None:
    t = table("#", "plugin@marketplace", "score", "description", "install", title=title)
    for i, h in enumerate(hits, 1):
        t.add_row(
            str(i),
            untrusted(f"{h.plugin}@{h.marketplace}", 48, style="bold"),
            f"{h.score:.2f}",
            untrusted(h.description or "", 70),
            untrusted(h.install, 60),
        )
    out().print(t if hits else Text("nothing similar in the catalog"))


def details_view(d: PluginDetails) -> None:
    out().print(untrusted(f"{d.plugin}@{d.marketplace}", style="bold"))
    out().print(untrusted(d.description or "(no description)", 400))
    facts = [
        ("version", d.version),
        ("category", d.category),
        ("author", d.author),
        ("license", d.license),
        ("homepage", d.homepage),
        ("source", d.source),
        ("keywords", ", ".join(d.keywords)),
        ("stars", d.stars),
        ("last push", _date(d.pushed_at)),
        ("installs", d.installs),
        ("installed", "yes" if d.installed else "no"),
        ("flags", ", ".join(d.flags)),
        ("always-on context", f"{d.context_cost.chars} chars (~{d.context_cost.tokens} tokens)"),
    ]
    for label, value in facts:
        if value not in (None, ""):
            out().print(Text(f"  {label:<18}", style="dim") + untrusted(value, 200))
    if d.components:
        t = table("kind", "name", "description", title="components")
        for c in d.components:
            t.add_row(c.kind, untrusted(c.name, 60), untrusted(c.description or "", 80))
        out().print(t)
    out().print(Text("runs on your machine:", style="bold"))
    if not d.runs_on_your_machine:
        out().print(Text("  nothing declared (no hooks, MCP or LSP servers)"))
    for r in d.runs_on_your_machine:
        line = Text(f"  {r.kind:<5} ") + untrusted(r.name, 60) + Text("  ")
        out().print(line + untrusted(r.command or "(command not declared)", 300, style="yellow"))
    for p in d.problems:
        style = "red" if p.severity == "error" else "yellow"
        out().print(Text(f"  {p.severity:<8}", style=style) + untrusted(p.message, 200))
    out().print(Text("install:", style="bold"))
    for step in d.install_steps:
        out().print(Text("  ") + untrusted(step, 200))
    for o in d.other_listings:
        out().print(Text("  also: ") + untrusted(o.install, 200))


def compare_view(result: CompareResult) -> None:
    labels = [f"{d.plugin}@{d.marketplace}" for d in result.plugins]
    t = table("", *[safe_text(x, 40) for x in labels])
    rows: list[tuple[str, list[str]]] = [
        ("purpose", [safe_text(d.description or "", 80) for d in result.plugins]),
        (
            "components",
            [
                ", ".join(f"{n} {k}" for k, n in sorted(d.component_counts.items())) or "—"
                for d in result.plugins
            ],
        ),
        ("stars", ["—" if d.stars is None else str(d.stars) for d in result.plugins]),
        ("last push", [_date(d.pushed_at) for d in result.plugins]),
        ("installs", ["—" if d.installs is None else str(d.installs) for d in result.plugins]),
        ("license", [safe_text(d.license or "—", 30) for d in result.plugins]),
        ("problems", [str(len(d.problems)) for d in result.plugins]),
        ("runs code", [str(len(d.runs_on_your_machine)) for d in result.plugins]),
        ("context", [f"~{d.context_cost.tokens} tok" for d in result.plugins]),
    ]
    for label, cells in rows:
        t.add_row(label, *[Text(c) for c in cells])
    out().print(t)
    if result.overlapping_names:
        out().print(Text("overlapping names (they collide when both are installed):", style="bold"))
        for name, owners in result.overlapping_names.items():
            out().print(Text("  ") + untrusted(f"{name}: {', '.join(owners)}", 200))
    out().print(Text("recommendation: ", style="bold") + untrusted(result.recommendation))
    for reason in result.reasons:
        out().print(Text("  - ") + untrusted(reason, 200))


def prime_view(result: PrimeResult) -> None:
    head = Text("intent: ", style="bold") + untrusted(result.intent, 200)
    out().print(head)
    out().print(
        Text("  keywords: ")
        + untrusted(", ".join(result.keywords), 200)
        + Text(f"; categories: {', '.join(result.categories) or '—'}")
        + Text(f"; stages: {', '.join(result.stages)}")
    )
    if result.needs:
        from agentops_lite.cli.workflow_views import needs_view

        out().print(Text("needs, in your order:", style="bold"))
        needs_view(result.needs)
    hits_table(result.primary, "primary")
    t = table("stage", "pick", "why")
    for p in result.stage_picks:
        pick = untrusted(f"{p.chosen.plugin}@{p.chosen.marketplace}") if p.chosen else Text("—")
        t.add_row(p.stage, pick, untrusted(p.reason, 80))
    out().print(t)
    out().print(Text("suggested order:", style="bold"))
    for i, step in enumerate(result.order, 1):
        out().print(Text(f"  {i}. ") + untrusted(step, 120))
