"""The `--json` contract: one pydantic model per command's output, and its JSON Schema.

The commands that print a core model use it as is; those that print a small wrapper document
are described here. `tests/cli/test_contract.py` validates every command's real output against
the schema generated from these models, so the documentation cannot drift from the output.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from agentops_lite.analytics.models import Stats
from agentops_lite.analytics.report import ReportResult
from agentops_lite.discovery.compare import CompareResult, PluginDetails
from agentops_lite.discovery.install_lines import InstallRecipe
from agentops_lite.discovery.prime import PrimeResult
from agentops_lite.discovery.rank_models import DiscoverResult, Hit
from agentops_lite.discovery.review import ReviewResult
from agentops_lite.discovery.trust import ChangesResult
from agentops_lite.install.models import InstallPlan
from agentops_lite.models import (
    MarketplaceRecord,
    PluginEntry,
    Problem,
    RefreshOutcome,
    RefreshReport,
)
from agentops_lite.refresh.defaults import DefaultsStatus
from agentops_lite.sources.lint import ValidationReport
from agentops_lite.workflow.bundle import ExportResult
from agentops_lite.workflow.instruct import NextReport
from agentops_lite.workflow.model import Workflow
from agentops_lite.workflow.state import Outcome, RollbackPlan, RunStatus
from agentops_lite.workflow.store import RunInfo


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


_ENTRY_FIELDS = {
    name: (info.annotation, info)
    for name, info in PluginEntry.model_fields.items()
    if name not in ("name", "raw")
}
PluginRow: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "PluginRow",
    __base__=_Doc,
    plugin=(str, Field(description="The plugin's name")),
    marketplace=(str, Field(description="Catalog key of its marketplace")),
    install=(InstallRecipe, ...),
    installed=(bool, ...),
    dedup_key=(str, Field(description="Same key = same plugin in several marketplaces")),
    **_ENTRY_FIELDS,
)


class PluginsList(_Doc):
    plugins: list[PluginRow]


class SimilarResult(_Doc):
    plugin: str
    marketplace: str = Field(description="Catalog key of the plugin compared against")
    results: list[Hit]


class MarketplaceAdded(_Doc):
    marketplace: MarketplaceRecord
    outcome: RefreshOutcome | None


class MarketplaceList(_Doc):
    marketplaces: list[MarketplaceRecord]


class MarketplaceRemoved(_Doc):
    removed: MarketplaceRecord


class ImportClaude(_Doc):
    marketplaces: list[RefreshOutcome]
    installed_plugins: int = Field(description="Installed plugins marked in the catalog")
    install_counts: int | None = Field(description="Plugins with an install count from Claude")


class Found(_Doc):
    repo: str
    path: str = Field(description="Where marketplace.json sits in the repo")
    stars: int | None
    archived: bool
    pushed_at: str | None
    description: str | None
    addable: bool = Field(description="At the repo root, where Claude Code reads it")


class FindReport(_Doc):
    found: list[Found]
    queries: int
    incomplete: bool
    rate_limited_until: float | None
    added: list[str] = Field(description="Repos added to the catalog (with --add)")


class DefaultsLoaded(_Doc):
    loaded: list[RefreshOutcome]
    live: RefreshReport | None


class DefaultsDropped(_Doc):
    dropped: list[MarketplaceRecord]


class WorkflowVerdict(_Doc):
    ok: bool = Field(description="No errors")
    source: str
    format: str = Field(description="v1 | seed | unknown")
    name: str | None
    steps: int
    errors: int
    warnings: int
    problems: list[Problem]


class WorkflowShown(_Doc):
    name: str
    steps: int = Field(description="Steps, aggregates included")
    critical_path: int = Field(description="Steps on the longest chain")
    workflow: dict[str, Any] = Field(description="The normalised workflow document")


class Recorded(Outcome):
    model_config = ConfigDict(extra="forbid")

    run_id: str
    ready: list[str] = Field(description="Step ids ready now")


class StepView(BaseModel):
    """A step in `run status`: its output's fields also sit at top level (so `${s.field}`)."""

    model_config = ConfigDict(extra="allow")

    status: str
    output: Any
    artifacts: list[str]
    attempts: int
    error: str | None
    inputs: dict[str, Any] | None
    kind: str = Field(description="step | aggregate | rollback")
    started_at: str | None
    finished_at: str | None


class RunStatusDoc(_Doc):
    run_id: str
    workflow: str
    status: RunStatus
    reason: str | None
    rollback: RollbackPlan | None
    inputs: dict[str, Any]
    state: dict[str, StepView] = Field(description="By step id")


class RunList(_Doc):
    runs: list[RunInfo]


class _ErrorBody(_Doc):
    type: str = Field(description="The error class, e.g. NotFoundError")
    message: str
    hint: str | None
    exit_code: int


class ErrorDoc(_Doc):
    """What any command prints under --json when it fails."""

    error: _ErrorBody


class JsonSchemaDoc(BaseModel):
    """A JSON Schema document (what `workflow schema` prints)."""

    model_config = ConfigDict(extra="allow")


COMMANDS: dict[str, type[BaseModel]] = {
    "discover": DiscoverResult,
    "show": PluginDetails,
    "compare": CompareResult,
    "similar": SimilarResult,
    "prime": PrimeResult,
    "refresh": RefreshReport,
    "plugins": PluginsList,
    "validate": ValidationReport,
    "stats": Stats,
    "report": ReportResult,
    "marketplace add": MarketplaceAdded,
    "marketplace list": MarketplaceList,
    "marketplace remove": MarketplaceRemoved,
    "marketplace import-claude": ImportClaude,
    "marketplace find": FindReport,
    "workflow schema": JsonSchemaDoc,
    "workflow validate": WorkflowVerdict,
    "workflow plan": Workflow,
    "workflow show": WorkflowShown,
    "run start": RunInfo,
    "run next": NextReport,
    "run record": Recorded,
    "run status": RunStatusDoc,
    "run list": RunList,
    "run cancel": RunInfo,
    "run rollback": NextReport,
    "defaults status": DefaultsStatus,
    "defaults load": DefaultsLoaded,
    "defaults drop": DefaultsDropped,
    "install-plan": InstallPlan,
    "workflow export": ExportResult,
    "changes": ChangesResult,
    "review": ReviewResult,
    "error": ErrorDoc,
}


def _close(node: Any) -> None:
    """Objects with declared properties take no others, unless a model says it allows them:
    a renamed or stray field in the output then fails the contract test."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def schema_for(command: str) -> dict[str, Any]:
    """The JSON Schema of `command --json` (`run next`, `discover`, …, or `error`)."""
    from agentops_lite.errors import UsageError

    model = COMMANDS.get(" ".join(command.split()))
    if model is None:
        raise UsageError(
            f"no --json output called {command!r}",
            hint="`agentops-lite schema` lists them",
        )
    if model is Workflow:
        from agentops_lite.workflow.model import schema

        doc = schema()
    else:
        doc = model.model_json_schema(mode="serialization", by_alias=True)
    _close(doc)
    doc.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    doc["title"] = f"agentops-lite {command} --json"
    return doc
