"""Discovery commands: discover, show, compare, similar, prime."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from agentops_lite.cli.common import (
    JsonOpt,
    NeedOpt,
    NeedsJsonOpt,
    UseOpt,
    progress_bar,
    read_catalog,
    read_needs,
    split_use,
)

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog


def discover(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="What you need, in your own words")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=500, metavar="N", help="Results")
    ] = 10,
    marketplace: Annotated[
        list[str] | None,
        typer.Option("--marketplace", "-m", metavar="MARKETPLACE", help="Only these (repeatable)"),
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="CATEGORY", help="Only this category")
    ] = None,
    installed: Annotated[
        bool | None,
        typer.Option("--installed/--not-installed", help="Only installed / not installed"),
    ] = None,
    min_stars: Annotated[
        int | None,
        typer.Option("--min-stars", min=0, metavar="N", help="Only repos with this many stars"),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            metavar="SIGNAL=W,...",
            help="Signals: relevance, stars, recency, installs. Default: 0.4, 0.2, 0.2, 0.2",
        ),
    ] = None,
    half_life: Annotated[
        float,
        typer.Option("--half-life", min=1.0, metavar="DAYS", help="Recency half-life in days"),
    ] = 180.0,
    explain: Annotated[bool, typer.Option("--explain", help="Say why each result ranks")] = False,
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="First fetch the snapshot's marketplaces live from GitHub."),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Find the plugins that fit a need, across every marketplace in the catalog.

    Examples:
      agentops-lite discover "kubernetes helm"
      agentops-lite discover "review my pull requests" --limit 5 --explain
      agentops-lite discover "k8s" --weights relevance=0.7,stars=0.3 --json
      agentops-lite discover "kubernetes helm" --refresh
    """
    from agentops_lite.cli.fast import DiscoverArgs, discover_answer

    discover_answer(
        DiscoverArgs(query, limit, json_, explain, marketplace or []),
        category=category,
        installed=installed,
        min_stars=min_stars,
        weights=weights,
        half_life=half_life,
        before=(lambda cat: _refresh_snapshot(cat, json_)) if refresh else None,
    )


def _refresh_snapshot(cat: Catalog, json_: bool) -> None:
    """`--refresh`: live data for the snapshot-served marketplaces, or one line saying why not."""
    from agentops_lite.cli import render
    from agentops_lite.refresh.defaults import github_unreachable, go_live

    reason = github_unreachable()
    if reason:
        render.warn(f"{reason}: showing the snapshot")
        return
    with progress_bar("fetching live", not json_) as bar:
        report = go_live(cat, progress=bar)
    if report.failed and not json_:
        render.warn(f"{len(report.failed)} of {len(report.outcomes)} could not be fetched")


def show(
    plugin: Annotated[
        str,
        typer.Argument(
            metavar="PLUGIN[@MARKETPLACE]", help="A plugin, optionally with its marketplace"
        ),
    ],
    json_: JsonOpt = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show each part of the quality score and why.")
    ] = False,
) -> None:
    """Every stored fact about a plugin, including the code it runs on your machine.

    Examples:
      agentops-lite show commit-commands
      agentops-lite show kubernetes-operations@claude-code-workflows --json
    """
    from agentops_lite.cli import render
    from agentops_lite.discovery.compare import show as run

    with read_catalog() as cat:
        details = run(cat, plugin)
    if json_:
        render.emit_json(details)
        return
    from agentops_lite.cli.discover_views import details_view
    from agentops_lite.cli.trust_views import quality_explain, quality_line, trust_panel

    details_view(details)
    trust_panel(details.trust)
    quality_line(details.quality)
    if explain:
        quality_explain(details.quality)


def compare(
    plugins: Annotated[
        list[str], typer.Argument(metavar="PLUGIN[@MARKETPLACE]", help="Two or more plugins")
    ],
    json_: JsonOpt = False,
) -> None:
    """Compare plugins side by side and recommend one.

    Examples:
      agentops-lite compare code-review pr-review-toolkit
      agentops-lite compare helm@han kubernetes-operations --json
    """
    from agentops_lite.cli import render
    from agentops_lite.discovery.compare import compare as run

    with read_catalog() as cat:
        result = run(cat, plugins)
    if json_:
        render.emit_json(result)
        return
    from agentops_lite.cli.discover_views import compare_view
    from agentops_lite.cli.trust_views import compare_trust

    compare_view(result)
    compare_trust(result)


def similar(
    plugin: Annotated[
        str,
        typer.Argument(
            metavar="PLUGIN[@MARKETPLACE]", help="A plugin, optionally with its marketplace"
        ),
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=100, metavar="N", help="Results")
    ] = 10,
    json_: JsonOpt = False,
) -> None:
    """The plugins nearest to one you know, across marketplaces.

    Examples:
      agentops-lite similar commit-commands
      agentops-lite similar helm@han --json
    """
    from agentops_lite.cli import render
    from agentops_lite.discovery.compare import similar as run

    with read_catalog() as cat:
        record, hits = run(cat, plugin, limit)
    if json_:
        render.emit_json(
            {
                "plugin": record.name,
                "marketplace": record.marketplace_key,
                "results": [h.model_dump(mode="json") for h in hits],
            }
        )
        return
    from agentops_lite.cli.discover_views import hits_table

    hits_table(hits, f"similar to {record.name}@{record.marketplace_key}")


def prime(
    intent: Annotated[
        str | None,
        typer.Argument(metavar="GOAL", help="What you are about to do, in your own words"),
    ] = None,
    need: NeedOpt = None,
    needs_json: NeedsJsonOpt = None,
    use: UseOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Assemble a kit for a goal: one fitting plugin per need, in your order, plus the
    lifecycle view (primary picks, one plugin per other stage).

    Examples:
      agentops-lite prime "build a SaaS with Next.js, Stripe payments and Postgres, then deploy it"
      agentops-lite prime --need "audit a smart contract" --need "deploy it" --json
    """
    from agentops_lite.cli import render
    from agentops_lite.discovery.prime import prime as run
    from agentops_lite.errors import UsageError

    given = read_needs(need, needs_json)
    if not given and not (intent or "").strip():
        raise UsageError(
            "the query is empty", hint="give a GOAL, or its needs with --need / --needs-json"
        )
    with read_catalog() as cat:
        result = run(cat, intent or "", needs=given, use=split_use(use))
    if json_:
        render.emit_json(result)
        return
    from agentops_lite.cli.discover_views import prime_view

    prime_view(result)


def register(app: typer.Typer) -> None:
    app.command("discover")(discover)
    app.command("show")(show)
    app.command("compare")(compare)
    app.command("similar")(similar)
    app.command("prime")(prime)
