"""Human (rich) views of discovery results; untrusted text always goes through render.untrusted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from agentops_lite.render import note, out, table, untrusted

if TYPE_CHECKING:
    from agentops_lite.rank import DiscoverResult


def _date(value: object) -> str:
    return str(value)[:10] if value else "—"


def discover_table(result: DiscoverResult, explain: bool) -> None:
    if not result.results:
        info = result.catalog
        out().print(Text("no plugin matches ") + untrusted(result.query, 80, style="bold"))
        if info.plugins == 0:
            note("the catalog is empty: try `agentops-lite marketplace add OWNER/REPO`")
        return
    t = table("#", "plugin@marketplace", "score", "stars", "updated", "description", "install")
    for i, h in enumerate(result.results, 1):
        name = untrusted(f"{h.plugin}@{h.marketplace}", 48, style="bold")
        if h.flags:
            name.append(Text(" [" + ", ".join(h.flags) + "]", style="yellow"))
        if h.also_in:
            name.append(Text(f" (+{len(h.also_in)} more)", style="dim"))
        t.add_row(
            str(i),
            name,
            f"{h.score:.2f}",
            "—" if h.stars is None else str(h.stars),
            _date(h.pushed_at),
            untrusted(h.description or "", 70),
            untrusted(h.install, 60),
        )
    out().print(t)
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
