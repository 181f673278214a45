"""Top-level catalog commands: refresh, plugins, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agentops_lite.cli.common import JsonOpt, catalog, progress_bar, read_catalog

# Seconds for a whole `refresh`. A full crawl of the defaults takes well under a minute; one
# hanging host used to cost 125-248 s (read timeout x retries per request).
DEFAULT_REFRESH_TIMEOUT = 300.0


def refresh(
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="NAME", help="Marketplaces to refresh (all)", show_default=False),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option("--offline", envvar="AGENTOPS_OFFLINE", help="Do not use the network."),
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, metavar="N", help="Parallel requests.")
    ] = 16,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=1,
            metavar="SECONDS",
            help="Deadline for the whole refresh; sources still loading then are reported as "
            "timed out and keep their data.",
        ),
    ] = DEFAULT_REFRESH_TIMEOUT,
    json_: JsonOpt = False,
) -> None:
    """Reload marketplaces from their sources; failures keep the previous data.

    Marketplaces served from the built-in snapshot (the defaults) are fetched live from GitHub
    when it answers (each success replaces its snapshot copy); when it does not, they keep the
    snapshot and count as failed.

    With no names and not --offline, also reads the install counts Claude Code knows, when
    `claude` is on PATH.

    The whole refresh has one deadline (--timeout, 300 s by default): a hanging host costs at
    most that, and sources still loading then count as failed (timed out), their data kept.

    Exit code 3 when some sources failed and others succeeded.

    Examples:
      agentops-lite refresh
      agentops-lite refresh claude-plugins-official --json
    """
    from agentops_lite.cli import render
    from agentops_lite.errors import PartialFailure, SourceError
    from agentops_lite.refresh.defaults import refresh_catalog
    from agentops_lite.refresh.update import import_install_counts

    with catalog() as cat, progress_bar("refreshing", not json_) as bar:
        report, kept_snapshot = refresh_catalog(
            cat,
            names or (),
            offline=offline,
            concurrency=concurrency,
            progress=bar,
            timeout=timeout,
        )
        if not names and not offline:  # counts cover the whole catalog; `claude` may be slow
            report = report.model_copy(update={"install_counts": import_install_counts(cat)})
    if kept_snapshot:
        render.warn(f"{kept_snapshot}: the default marketplaces stay on the built-in snapshot")
    if json_:
        render.emit_json(report)
    else:
        from agentops_lite.cli.views import outcome_table

        outcome_table(report.outcomes)
        if report.install_counts:
            render.note(f"install counts from Claude Code for {report.install_counts} plugin(s)")
    if report.surface_changed:
        shown = ", ".join(render.safe_text(p, 80) for p in report.surface_changed[:5])
        more = len(report.surface_changed) - 5
        render.warn(
            f"what {len(report.surface_changed)} installed plugin(s) run changed: {shown}"
            + (f" and {more} more" if more > 0 else "")
            + "; see `agentops-lite changes`"
        )
    failed = report.failed
    if report.rate_limited_until:
        render.warn(
            f"GitHub rate limit reached; retry after {report.rate_limited_until:%H:%M} UTC "
            "(a GITHUB_TOKEN raises the limit)"
        )
    if failed and len(failed) == len(report.outcomes):
        raise SourceError(f"every source failed ({len(failed)}); stored data kept", reported=True)
    if failed:
        raise PartialFailure(
            f"{len(failed)} of {len(report.outcomes)} sources failed; their previous data was kept",
            reported=True,
        )


def plugins(
    marketplace: Annotated[
        str | None,
        typer.Option("--marketplace", "-m", metavar="MARKETPLACE", help="Only this marketplace"),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """List the plugins stored in the catalog.

    Examples:
      agentops-lite plugins --marketplace claude-plugins-official
      agentops-lite plugins --json
    """
    from agentops_lite.cli import render

    with read_catalog() as cat:
        records = cat.plugins(marketplace)
        if not json_:
            from agentops_lite.cli.common import snapshot_note

            snapshot_note(cat)
    if json_:
        from agentops_lite.discovery.plugin_facts import MarketSources

        with read_catalog() as cat:
            sources = MarketSources.read(cat.conn)
        render.emit_json(
            {
                "plugins": [
                    {
                        "plugin": r.name,
                        "marketplace": r.marketplace_key,
                        "install": sources.recipe(r).model_dump(mode="json"),
                        "installed": r.installed,
                        "dedup_key": r.dedup_key,
                        **r.entry.model_dump(mode="json", exclude={"raw", "name"}),
                    }
                    for r in records
                ]
            }
        )
        return
    from agentops_lite.cli.views import plugin_table

    plugin_table(records)


def validate(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="Marketplace folder, marketplace.json, or plugin")
    ],
    json_: JsonOpt = False,
) -> None:
    """Lint a marketplace or plugin folder; exit 1 when it has errors.

    Examples:
      agentops-lite validate ./my-marketplace
      agentops-lite validate ./plugins/my-plugin --json
    """
    from agentops_lite.cli import render
    from agentops_lite.errors import ManifestError
    from agentops_lite.sources.lint import validate_path

    report = validate_path(path)
    if json_:
        render.emit_json(report)
    else:
        from agentops_lite.cli.views import validation

        validation(report)
    if not report.ok:
        # Already printed in full above; the error line just states the verdict.
        raise ManifestError(f"{report.errors} error(s) in {path}", reported=True)


def register(app: typer.Typer) -> None:
    app.command("refresh")(refresh)
    app.command("plugins")(plugins)
    app.command("validate")(validate)
