"""`agentops-lite marketplace find`: discover marketplaces nobody added, via GitHub code search."""

from __future__ import annotations

from typing import Annotated

import typer

from agentops_lite.cli.common import JsonOpt, catalog


def find(
    min_stars: Annotated[
        int,
        typer.Option(
            "--min-stars", min=0, metavar="N", help="Only repositories with this many stars"
        ),
    ] = 0,
    add: Annotated[
        bool, typer.Option("--add", help="Add every marketplace found to the catalog")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Search GitHub for .claude-plugin/marketplace.json files (needs GITHUB_TOKEN or gh).

    Examples:
      agentops-lite marketplace find --min-stars 50
      agentops-lite marketplace find --min-stars 10 --add
    """
    import asyncio

    from agentops_lite.cli import render
    from agentops_lite.sources.github_search import FindResult, find_marketplaces
    from agentops_lite.sources.github_token import discover_token
    from agentops_lite.sources.http import HttpClient, NetConfig

    async def run() -> FindResult:
        async with HttpClient(NetConfig.from_env(), token=discover_token()) as client:
            return await find_marketplaces(
                client, min_stars=min_stars, progress=None if json_ else render.note
            )

    result = asyncio.run(run())
    added: list[str] = []
    if add:
        from agentops_lite.errors import AgentOpsError
        from agentops_lite.refresh.update import add_source

        with catalog() as cat:
            known = {m.source.lower() for m in cat.marketplaces()}
            for f in result.found:
                if f.addable and f.repo.lower() not in known:
                    try:
                        add_source(cat, f.repo, load=False)
                        added.append(f.repo)
                    except AgentOpsError as exc:
                        render.warn(f"{f.repo}: {exc.message}")
    if json_:
        render.emit_json(
            {
                "found": [
                    {
                        "repo": f.repo,
                        "path": f.path,
                        "stars": f.stars,
                        "archived": f.archived,
                        "pushed_at": f.pushed_at.isoformat() if f.pushed_at else None,
                        "description": f.description,
                        "addable": f.addable,
                    }
                    for f in result.found
                ],
                "queries": result.queries,
                "incomplete": result.incomplete,
                "rate_limited_until": result.rate_limited_until,
                "added": added,
            }
        )
        return
    table = render.table("repo", "stars", "manifest", "description", title="Marketplaces found")
    for f in result.found:
        table.add_row(
            render.untrusted(f.repo),
            "" if f.stars is None else str(f.stars),
            "root" if f.addable else render.safe_text(f.path, 60),
            render.untrusted(f.description or "", 60),
        )
    render.out().print(table)
    if result.incomplete:
        render.warn("results are incomplete (search cap, timeout or rate limit); run again later")
    if added:
        render.note(f"added {len(added)} marketplace(s); run `agentops-lite refresh` to load them")


def register(marketplace_app: typer.Typer) -> None:
    marketplace_app.command("find")(find)
