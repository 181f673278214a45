"""Human (rich) views of discovery results; untrusted text always goes through render.untrusted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from rich.text import Text

from agentops_lite.cli.render import note, out, plugin_header, safe_text, table, untrusted

if TYPE_CHECKING:
    from agentops_lite.discovery.compare import CompareResult, PluginDetails
    from agentops_lite.discovery.found import Found, FoundHit
    from agentops_lite.discovery.install_lines import InstallRecipe
    from agentops_lite.discovery.plugin_facts import Recipe
    from agentops_lite.discovery.prime import PrimeResult
    from agentops_lite.discovery.rank_models import Hit

    # `discover` draws its plain result (`found`); similar and prime draw the output models.
    AnyHit = Hit | FoundHit
    AnyRecipe = InstallRecipe | Recipe


def _date(value: object) -> str:
    return str(value)[:10] if value else "—"


def _age(when: datetime) -> int:
    aware = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return max(0, (datetime.now(timezone.utc) - aware).days)


def stars_text(stars: int | None, at: datetime | None) -> str:
    """A star count with the date it was recorded; unknown stays unknown."""
    if stars is None:
        return "unknown"
    if at is None:
        return f"{stars:,}"
    return f"{stars:,} (recorded {_date(at)}, {_age(at)} days ago)"


def _stars_note(hits: Sequence[AnyHit]) -> str:
    dates = sorted({_date(h.stars_at) for h in hits if h.stars is not None and h.stars_at})
    if not dates:
        return ""
    oldest = next(h.stars_at for h in hits if h.stars_at and _date(h.stars_at) == dates[0])
    assert oldest is not None
    span = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    unknown = sum(h.stars is None for h in hits)
    tail = f", {unknown} shown without star data (unknown, not 0)" if unknown else ""
    return f"; star counts recorded {span} (up to {_age(oldest)} days old){tail}"


# Below this many columns for the description the table would squeeze or wrap the names, so
# results are printed as a stacked list instead.
_MIN_DESCRIPTION = 24
_MAX_NAME = 64
# Table chrome for 6 columns (borders and padding) plus the #, score, stars and updated columns.
_TABLE_FIXED = 7 + 2 * 6 + 2 + 5 + 5 + 10


def _label(h: AnyHit) -> str:
    return f"{h.plugin}@{h.marketplace}"


def _tags(h: AnyHit) -> Text:
    tags = Text()
    if h.flags:
        tags.append("[" + ", ".join(h.flags) + "]", style="yellow")
    if h.also_in:
        tags.append((" " if h.flags else "") + f"+{len(h.also_in)} more", style="dim")
    return tags


def _also_named(names: Sequence[str], width: int = 48) -> Text:
    """The other names a folded result has in its marketplace (the same plugin)."""
    return untrusted("also named " + ", ".join(names), width, style="dim")


def _line(text: Text, indent: str = "") -> None:
    # soft_wrap: a command or a name is never broken over lines, whatever the width: a wrapped
    # `/plugin install` line cannot be pasted.
    out().print(Text(indent) + text, soft_wrap=True)


def install_block(recipes: Sequence[AnyRecipe], header: bool = True) -> None:
    """The install lines of these results: each marketplace's add step once, then its installs;
    a shared marketplace name is said so, with the one-step form that names the source."""
    by_add: dict[str, dict[str, None]] = {}
    shared: dict[str, list[AnyRecipe]] = {}
    for r in recipes:
        by_add.setdefault(r.marketplace_add, {})[r.command] = None
        if r.name_shared_with:
            shared.setdefault(r.marketplace_add, []).append(r)
    if header:
        out().print(Text("to install, in Claude Code:", style="bold"))
        for add, commands in by_add.items():
            _line(untrusted(add), "  ")
            for command in commands:
                _line(untrusted(command), "  ")
    for group in shared.values():
        first = group[0]
        name = first.command.rpartition("@")[2]
        others = first.name_shared_with
        listed = ", ".join(others[:3]) + (" …" if len(others) > 3 else "")
        out().print(
            Text("note: ", style="yellow")
            + untrusted(
                f"{len(others)} other marketplace(s) also declare the name {name} ({listed}); "
                "if one of them is added already, the install above uses it. In a shell, this "
                f"installs from {first.marketplace_add.split()[-1]} or refuses (remove that "
                "one first):",
                600,
            )
        )
        for step in dict.fromkeys(r.one_step for r in group):
            _line(untrusted(step), "  ")


def discover_table(result: Found, explain: bool, filters: Sequence[str] = ()) -> None:
    if not result.results:
        info = result.catalog
        message = Text("no plugin matches ") + untrusted(result.query, 80, style="bold")
        if filters:
            message.append(" with ").append_text(untrusted(", ".join(filters)))
        out().print(message)
        if info.plugins == 0:
            note("the catalog is empty: try `agentops-lite marketplace add OWNER/REPO`")
        elif result.missing:
            note(result.missing)
        elif filters:
            note("try without the filters; `marketplace import-claude` updates what is installed")
        return
    width = out().width
    names = max(max(len(_label(h)), len(_tags(h))) for h in result.results)
    # A name gets up to _MAX_NAME columns while the description keeps its minimum, and at
    # least 48 (longer ones end in …; the install lines below name them whole).
    col = min(names, _MAX_NAME, max(48, width - _TABLE_FIXED - _MIN_DESCRIPTION))
    if width - _TABLE_FIXED - col >= _MIN_DESCRIPTION:
        _results_table(result, col, width - _TABLE_FIXED - col)
        install_block([h.install for h in result.results])
    else:
        _stacked(result.results, width)
    if explain:
        _explain(result)
    info = result.catalog
    note(
        f"{len(result.results)} shown; catalog: {info.plugins} plugins in "
        f"{info.marketplaces} marketplaces, refreshed {_date(info.refreshed_at)}"
        + _stars_note(result.results)
    )


def _stars(h: AnyHit) -> str:
    return "—" if h.stars is None else str(h.stars)


def _results_table(result: Found, name_chars: int, desc_chars: int) -> None:
    t = table("#", "plugin@marketplace", "score", "stars", "updated", "description")
    t.columns[1].no_wrap = True
    t.columns[5].no_wrap = True
    t.columns[5].overflow = "ellipsis"
    for i, h in enumerate(result.results, 1):
        name = untrusted(_label(h), name_chars, style="bold")
        tags = _tags(h)
        if tags:
            name.append("\n").append_text(tags)
        if h.also_named:  # within the column the names set: it never widens it
            name.append("\n").append_text(_also_named(h.also_named, max(24, name_chars)))
        t.add_row(
            str(i),
            name,
            f"{h.score:.2f}",
            _stars(h),
            _date(h.pushed_at),
            untrusted(h.description or "", desc_chars),
        )
    out().print(t)


def _stacked(hits: Sequence[AnyHit], width: int) -> None:
    """One result per block: name and score, one line of description, its install lines."""
    for i, h in enumerate(hits, 1):
        head = Text(f"{i:>2}. ") + untrusted(_label(h), max(24, width - 4), style="bold")
        # What would push the line past the width goes below it (score, then tags): the
        # terminal would otherwise break the line anywhere, inside a name.
        rest = Text(f"{h.score:.2f}")
        tags = _tags(h)
        if tags:
            rest.append(" ").append_text(tags)
        if len(head) + 2 + len(rest) <= width:
            _line(head + Text("  ") + rest)
        elif len(head) + 6 <= width:
            _line(head + Text(f"  {h.score:.2f}"))
            if tags:
                _line(tags, "    ")
        else:
            _line(head)
            _line(Text("score ") + rest, "    ")
        if h.also_named:
            _line(_also_named(h.also_named, max(16, width - 4)), "    ")
        stars = "unknown" if h.stars is None else str(h.stars)
        facts = f"stars {stars}, updated {_date(h.pushed_at)}"
        _line(Text(facts, style="dim"), "    ")
        _line(untrusted(h.description or "(no description)", max(16, width - 4)), "    ")
        _line(untrusted(h.install.marketplace_add), "    ")
        _line(untrusted(h.install.command), "    ")
    install_block([h.install for h in hits], header=False)


def _explain(result: Found) -> None:
    for i, h in enumerate(result.results, 1):
        out().print(Text(f"{i}. ") + untrusted(_label(h), style="bold"))
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


# Chrome of the 4-column hits table (borders, padding) plus its # and score columns.
_HITS_FIXED = 5 + 2 * 4 + 2 + 5


def hits_table(hits: Sequence[Hit], title: str) -> None:
    width = out().width
    names = max((len(_label(h)) for h in hits), default=0)
    if hits and width - _HITS_FIXED - min(48, names) < _MIN_DESCRIPTION:
        # Too narrow for whole names beside a description: the stacked list, as discover.
        out().print(untrusted(title, 200, style="bold"))
        _stacked(hits, width)
        return
    t = table("#", "plugin@marketplace", "score", "description", title=title)
    t.columns[1].no_wrap = True
    for i, h in enumerate(hits, 1):
        t.add_row(
            str(i),
            untrusted(_label(h), 48, style="bold"),
            f"{h.score:.2f}",
            untrusted(h.description or "", 70),
        )
    out().print(t if hits else Text("nothing similar in the catalog"))
    if hits:
        install_block([h.install for h in hits])


def _context(d: PluginDetails) -> str:
    cost = d.context_cost
    if cost.tokens is None:
        return "not read (its files were never read)"
    return f"{cost.chars} chars (~{cost.tokens} tokens)"


def _kinds(d: PluginDetails) -> str:
    if d.component_counts is None:
        return "not read"
    return ", ".join(f"{n} {k}" for k, n in sorted(d.component_counts.items())) or "none"


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
        ("stars", stars_text(d.stars, d.stars_at)),
        ("last push", _date(d.pushed_at)),
        ("installs", "unknown" if d.installs is None else d.installs),
        ("installed", "yes" if d.installed else "no"),
        ("also named", ", ".join(d.also_named)),
        ("flags", "; ".join(f"{f}: {d.flag_notes.get(f, f)}" for f in d.flags)),
        ("always-on context", _context(d)),
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
    if d.runs_on_your_machine is None:
        out().print(Text("  not read: its files were never read, so this is unknown"))
    elif not d.runs_on_your_machine:
        out().print(Text("  nothing declared (no hooks, MCP or LSP servers)"))
    for r in d.runs_on_your_machine or ():
        line = Text(f"  {r.kind:<5} ") + untrusted(r.name, 60) + Text("  ")
        out().print(line + untrusted(r.command or "(command not declared)", 300, style="yellow"))
    if d.runs_on_your_machine and not d.components_read:
        out().print(Text("  (declared in its manifest; its files were not read: maybe more)"))
    for p in d.problems:
        style = "red" if p.severity == "error" else "yellow"
        out().print(Text(f"  {p.severity:<8}", style=style) + untrusted(p.message, 200))
    install_block([d.install])
    if d.other_listings:
        also = ", ".join(
            f"{o.marketplace} ({o.install.marketplace_add.split()[-1]})" for o in d.other_listings
        )
        out().print(Text("also listed in: ", style="dim") + untrusted(also, 600))


def compare_view(result: CompareResult) -> None:
    t = table("", *[plugin_header(d.plugin, d.marketplace) for d in result.plugins])
    rows: list[tuple[str, list[str]]] = [
        ("purpose", [safe_text(d.description or "", 80) for d in result.plugins]),
        ("components", [_kinds(d) for d in result.plugins]),
        ("stars", [stars_text(d.stars, d.stars_at) for d in result.plugins]),
        ("last push", [_date(d.pushed_at) for d in result.plugins]),
        (
            "installs",
            ["unknown" if d.installs is None else str(d.installs) for d in result.plugins],
        ),
        ("license", [safe_text(d.license or "—", 30) for d in result.plugins]),
        ("problems", [str(len(d.problems)) for d in result.plugins]),
        (
            "runs code",
            [
                "not read" if d.runs_on_your_machine is None else str(len(d.runs_on_your_machine))
                for d in result.plugins
            ],
        ),
        (
            "context",
            [
                "not read" if d.context_cost.tokens is None else f"~{d.context_cost.tokens} tok"
                for d in result.plugins
            ],
        ),
    ]
    for label, cells in rows:
        t.add_row(label, *[Text(c) for c in cells])
    out().print(t)
    if result.overlapping_names:
        out().print(Text("overlapping names (they collide when both are installed):", style="bold"))
        for name, owners in result.overlapping_names.items():
            out().print(Text("  ") + untrusted(f"{name}: {', '.join(owners)}", 200))
    pick = result.recommendation
    out().print(Text("recommendation: ", style="bold") + untrusted(pick or "none"))
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
    picked = [n.plugin for n in result.needs if n.plugin is not None and not n.shared]
    if result.needs:
        from agentops_lite.cli.workflow_views import needs_view

        out().print(Text("needs, in your order:", style="bold"))
        needs_view(result.needs)
    if picked:
        # The kit is what serves the needs; the lifecycle view stays in --json
        # (primary, stage_picks), so the install lines are for exactly these plugins.
        out().print(Text("suggested order:", style="bold"))
        for i, step in enumerate(result.order, 1):
            out().print(Text(f"  {i}. ") + untrusted(step, 120))
        install_block([h.install for h in picked])
        return
    if not result.primary and not any(p.chosen for p in result.stage_picks):
        out().print(Text("nothing in the catalog fits this goal: no plugin to suggest"))
        return
    hits_table(result.primary, "primary")
    t = table("stage", "pick", "why")
    for p in result.stage_picks:
        pick = untrusted(f"{p.chosen.plugin}@{p.chosen.marketplace}") if p.chosen else Text("—")
        t.add_row(p.stage, pick, untrusted(p.reason, 80))
    out().print(t)
    out().print(Text("suggested order:", style="bold"))
    for i, step in enumerate(result.order, 1):
        out().print(Text(f"  {i}. ") + untrusted(step, 120))
