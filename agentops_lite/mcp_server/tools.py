"""The MCP tools as plain functions over the core the CLI calls, with typed, described arguments.

No MCP import here: the SDK reads these signatures (pydantic builds each tool's input schema
from the annotations, its output schema from the return type) and `server.py` registers them.
Each returns the same document the matching `--json` command prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agentops_lite.discovery.compare import CompareResult, PluginDetails
from agentops_lite.discovery.rank_models import DiscoverResult, Hit
from agentops_lite.install.models import InstallPlan
from agentops_lite.models import RefreshReport
from agentops_lite.refresh.defaults import DefaultsStatus
from agentops_lite.sources.lint import ValidationReport
from agentops_lite.workflow.instruct import NextReport
from agentops_lite.workflow.state import Outcome, RunStatus
from agentops_lite.workflow.store import RunInfo

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog

PluginArg = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        description="A plugin name, optionally `name@marketplace` (as search results show them)",
    ),
]
RunArg = Annotated[
    str,
    Field(min_length=1, max_length=200, description="Run id (a unique prefix, or `last`)"),
]


class SimilarResult(BaseModel):
    """`similar --json`: the plugin asked about and its nearest neighbours."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plugin: str = Field(description="The plugin the neighbours are near to")
    marketplace: str = Field(description="Its catalog marketplace key")
    results: list[Hit] = Field(description="Nearest plugins, best first")


class RecordResult(Outcome):
    """`run record --json`: what the record did (the core's `Outcome`), and what is ready now."""

    run_id: str = Field(description="The run id")
    ready: list[str] = Field(description="Step ids ready now (ask run_next for details)")


class RunStatusResult(BaseModel):
    """`run status --json`: the run and every step's status, output and artifacts."""

    # `extra="allow"`: the document is built by `status_document` as a dict; a key it gains
    # later passes through (the CLI prints it too) instead of failing every call.
    model_config = ConfigDict(frozen=True, extra="allow")

    run_id: str = Field(description="The run id")
    workflow: str = Field(description="The workflow's name")
    status: RunStatus
    reason: str | None = None
    rollback: dict[str, Any] | None = Field(
        default=None, description="What a rollback undid, queued or could not run"
    )
    inputs: dict[str, Any] = Field(description="The run's inputs")
    state: dict[str, Any] = Field(
        description="Step id -> status, output, artifacts, error, kind, times"
    )


@contextmanager
def _catalog() -> Iterator[Catalog]:
    from agentops_lite.catalog import Catalog
    from agentops_lite.refresh.store import reindex_if_marked

    cat = Catalog.open()
    try:
        reindex_if_marked(cat)
        yield cat
    finally:
        cat.close()


@contextmanager
def _read_catalog() -> Iterator[Catalog]:
    """As the CLI's read commands open it: seeded from the snapshot on first use."""
    from agentops_lite.refresh.defaults import ensure_ready
    from agentops_lite.refresh.seed import install_if_fresh
    from agentops_lite.settings import db_path

    install_if_fresh(db_path())
    with _catalog() as cat:
        ensure_ready(cat)
        yield cat


def search_plugins(
    query: Annotated[
        str,
        Field(max_length=500, description="What the user needs, in their own words"),
    ],
    limit: Annotated[int, Field(ge=1, le=500, description="How many results")] = 10,
    marketplaces: Annotated[
        list[str] | None, Field(description="Only plugins from these marketplaces")
    ] = None,
    category: Annotated[str | None, Field(description="Only this category")] = None,
    installed: Annotated[
        bool | None, Field(description="true: only installed; false: only not installed")
    ] = None,
    min_stars: Annotated[
        int | None, Field(ge=0, description="Only plugins whose repo has this many stars")
    ] = None,
    weights: Annotated[
        dict[str, float] | None,
        Field(
            description="Signal weights over relevance, stars, recency, installs "
            "(default 0.4, 0.2, 0.2, 0.2); normalised to sum 1"
        ),
    ] = None,
    explain: Annotated[bool, Field(description="Add why each result ranks")] = False,
) -> DiscoverResult:
    from agentops_lite.discovery.rank import discover, parse_weights, require_query

    require_query(query)
    text = ",".join(f"{k}={v}" for k, v in (weights or {}).items())
    parsed = parse_weights(text or None)
    with _read_catalog() as cat:
        return discover(
            cat,
            query,
            limit=limit,
            marketplaces=marketplaces or [],
            category=category,
            installed=installed,
            min_stars=min_stars,
            weights=parsed,
            explain=explain,
        )


def show_plugin(plugin: PluginArg) -> PluginDetails:
    from agentops_lite.discovery.compare import show

    with _read_catalog() as cat:
        return show(cat, plugin)


def compare_plugins(
    plugins: Annotated[
        list[PluginArg], Field(min_length=2, max_length=20, description="Two or more plugins")
    ],
) -> CompareResult:
    from agentops_lite.discovery.compare import compare

    with _read_catalog() as cat:
        return compare(cat, plugins)


def similar_plugins(
    plugin: PluginArg,
    limit: Annotated[int, Field(ge=1, le=100, description="How many results")] = 10,
) -> SimilarResult:
    from agentops_lite.discovery.compare import similar

    with _read_catalog() as cat:
        record, hits = similar(cat, plugin, limit)
    return SimilarResult(plugin=record.name, marketplace=record.marketplace_key, results=hits)


def install_plan(
    plugins: Annotated[
        list[PluginArg] | None, Field(max_length=50, description="Plugins to install")
    ] = None,
    workflow: Annotated[
        str | None, Field(min_length=1, description="Also every plugin this workflow file uses")
    ] = None,
) -> InstallPlan:
    from agentops_lite.errors import UsageError
    from agentops_lite.install.plan import build_plan

    with _read_catalog() as cat:
        idents = list(plugins or [])
        if workflow is not None:
            from pathlib import Path

            from agentops_lite.workflow.bundle import workflow_plugins
            from agentops_lite.workflow.load import load_workflow

            idents += workflow_plugins(cat, load_workflow(Path(workflow), cat)[0])
        if not idents:
            raise UsageError("name a plugin (plugin@marketplace) or give a workflow file")
        return build_plan(cat, list(dict.fromkeys(idents)))


def plan_workflow(
    goal: Annotated[
        str,
        Field(min_length=1, max_length=2000, description="What the user wants done, in words"),
    ],
) -> dict[str, Any]:
    from agentops_lite.errors import UsageError
    from agentops_lite.workflow.model import dump
    from agentops_lite.workflow.planner import plan

    if not goal.strip():
        raise UsageError("the goal is empty")
    with _catalog() as cat:
        return dump(plan(cat, goal))


def validate_marketplace(
    path: Annotated[
        str,
        Field(
            min_length=1,
            description="Local marketplace folder, marketplace.json, or plugin folder",
        ),
    ],
) -> ValidationReport:
    from pathlib import Path

    from agentops_lite.sources.lint import validate_path

    return validate_path(Path(path))


def catalog_status() -> DefaultsStatus:
    from agentops_lite.refresh.defaults import defaults_status

    with _catalog() as cat:
        return defaults_status(cat)


def refresh_catalog(
    names: Annotated[
        list[str] | None, Field(description="Marketplaces to refresh (default: all)")
    ] = None,
    offline: Annotated[bool, Field(description="Reload local sources only, no network")] = False,
) -> RefreshReport:
    from agentops_lite.refresh.defaults import refresh_catalog as run
    from agentops_lite.refresh.update import import_install_counts
    from agentops_lite.settings import offline_forced

    offline = offline or offline_forced()
    with _catalog() as cat:
        report, _kept = run(cat, names or (), offline=offline)
        if not names and not offline:
            report = report.model_copy(update={"install_counts": import_install_counts(cat)})
    return report


def run_start(
    file: Annotated[
        str, Field(min_length=1, description="Path to a workflow JSON file (ours or a seed shape)")
    ],
    inputs: Annotated[
        dict[str, Any] | None, Field(description="Run inputs by name (any JSON values)")
    ] = None,
) -> RunInfo:
    from pathlib import Path

    from agentops_lite.workflow import store
    from agentops_lite.workflow.load import load_workflow

    with _catalog() as cat:
        wf, _warnings = load_workflow(Path(file), cat)
        return store.start(cat, wf, dict(inputs or {}), file)


def run_next(run: RunArg) -> NextReport:
    from agentops_lite.workflow import store
    from agentops_lite.workflow.instruct import next_report
    from agentops_lite.workflow.runner import hand_out

    with _catalog() as cat:
        info, wf, state, _ = store.apply(cat, run, lambda w, s, now: (hand_out(s), None))
        return next_report(cat, info, wf, state)


def run_record(
    run: RunArg,
    step: Annotated[str, Field(min_length=1, max_length=200, description="Step id")],
    status: Annotated[
        Literal["success", "failure", "skipped"], Field(description="The step's result")
    ],
    output: Annotated[
        Any, Field(description="The step's result value (any JSON), as ${step.output}")
    ] = None,
    artifacts: Annotated[list[str] | None, Field(description="Files the step made")] = None,
    error: Annotated[str | None, Field(description="What went wrong")] = None,
    attempt: Annotated[int | None, Field(ge=1, description="The attempt this reports on")] = None,
) -> RecordResult:
    from agentops_lite.workflow import runner, store

    def change(wf: Any, state: Any, now: str) -> Any:
        return runner.record(
            wf, state, step, status, now,
            output=output, artifacts=artifacts, error=error, attempt=attempt,
        )  # fmt: skip

    with _catalog() as cat:
        info, _wf, state, outcome = store.apply(cat, run, change)
    ready = [st.id for st in runner.ready(state)]
    return RecordResult(**outcome.model_dump(), run_id=info.run_id, ready=ready)


def run_status(run: RunArg) -> RunStatusResult:
    from agentops_lite.workflow import store
    from agentops_lite.workflow.state import status_document

    with _catalog() as cat:
        info, _wf, state = store.get(cat, run)
    return RunStatusResult(**status_document(info.run_id, info.workflow, state))


def workflow_schema() -> dict[str, Any]:
    from agentops_lite.workflow.model import schema

    return schema()


def catalog_summary() -> dict[str, Any]:
    """Marketplaces and plugin counts, and how much is snapshot data: the catalog resource."""
    from agentops_lite.catalog.meta import snapshot_age

    with _read_catalog() as cat:
        rows = cat.marketplaces()
        age = snapshot_age(cat)
        return {
            "marketplaces": [
                {
                    "marketplace": r.key,
                    "source": r.source,
                    "origin": r.origin,
                    "plugins": r.plugin_count,
                }
                for r in rows
            ],
            "plugins": sum(r.plugin_count for r in rows),
            "snapshot": age.model_dump(mode="json") if age else None,
        }
