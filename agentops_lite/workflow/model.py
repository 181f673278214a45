"""The workflow document format (version 1): pydantic models whose JSON Schema is the contract."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

OnFailure = Literal["stop", "continue", "rollback"]

# Ids are addressed as `${id.output}`, so no dots, brackets or spaces; `-` and `_` are
# interchangeable (the founding design spells one step `ci-cd-builder` and `ci_cd_builder`).
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$"
MAX_RETRY = 10


def canon(step_id: str) -> str:
    """The key two spellings of one id share: `ci_cd_builder` and `ci-cd-builder` are one step."""
    return step_id.replace("_", "-").lower()


class _Doc(BaseModel):
    # Unknown keys are errors, not ignored: a typo such as `on_fial` must not silently change
    # what a run does (the seed shapes are normalised before they reach these models).
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Action(_Doc):
    """What Claude does for a step: one plugin component, or free instructions, or both."""

    plugin: str | None = Field(default=None, description="Plugin name as listed in a marketplace")
    marketplace: str | None = Field(
        default=None,
        description="Marketplace key, declared name or owner/repo; missing = resolve from catalog",
    )
    command: str | None = Field(default=None, description="Slash command of the plugin to run")
    skill: str | None = Field(default=None, description="Skill of the plugin to use")
    agent: str | None = Field(default=None, description="Subagent of the plugin to delegate to")
    instructions: str | None = Field(
        default=None, description="What to do, in words; may contain ${…} references"
    )
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description="Named inputs; strings may contain ${step.output}, ${step.artifacts[0]}, "
        "${step.status}, ${step.field} or ${inputs.name}",
    )


class RollbackStep(Action):
    """The step that undoes a completed step; handed out by `run rollback` in reverse order."""

    id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="Defaults to `<step id>-rollback`"
    )
    retry: int = Field(default=0, ge=0, le=MAX_RETRY, description="Extra attempts on failure")


class StepNode(Action):
    """One unit of work done by Claude."""

    type: Literal["step"] = "step"
    id: str = Field(pattern=ID_PATTERN, description="Unique within the workflow")
    description: str | None = None
    outputs: list[str] = Field(
        default_factory=list,
        description="Fields the recorded output (a JSON object) must carry on success",
    )
    retry: int = Field(
        default=0, ge=0, le=MAX_RETRY, description="Extra attempts before a failure counts"
    )
    on_failure: OnFailure = Field(
        default="stop",
        description="stop: the run fails; continue: carry on; rollback: undo completed steps",
    )
    rollback: RollbackStep | None = Field(default=None, description="How to undo this step")
    confirm: bool = Field(
        default=False,
        description="A person says yes before this step starts (`workflow export` splits the "
        "native workflow here, since a running Claude Code workflow cannot ask)",
    )


class SequentialNode(_Doc):
    """Children one after another; each starts when the previous one finished."""

    type: Literal["sequential"]
    id: str | None = Field(default=None, pattern=ID_PATTERN, description="Label only")
    steps: list[Node] = Field(description="Children in order")


class ParallelNode(_Doc):
    """Branches that may run at the same time; `aggregate` runs after all of them."""

    type: Literal["parallel"]
    id: str | None = Field(default=None, pattern=ID_PATTERN, description="Label only")
    branches: list[Node] = Field(min_length=1, description="Independent branches")
    aggregate: StepNode | None = Field(
        default=None,
        description="Runs after every branch; its inputs get `branches`: each step's results",
    )


class ConditionalNode(_Doc):
    """Chooses `then` or `else` from a condition over earlier results and run inputs."""

    type: Literal["conditional"]
    id: str | None = Field(default=None, pattern=ID_PATTERN, description="Label only")
    if_: str = Field(
        alias="if",
        description="Expression: paths (`test.passed`, `inputs.env`), literals, ==, !=, <, <=, "
        ">, >=, in, and, or, not, parentheses",
    )
    then: list[Node] = Field(default_factory=list, description="Run when the condition holds")
    else_: list[Node] = Field(
        default_factory=list, alias="else", description="Run otherwise (may be empty)"
    )


Node = Annotated[
    StepNode | SequentialNode | ParallelNode | ConditionalNode, Field(discriminator="type")
]


class InputSpec(_Doc):
    """A run input given with `run start --input name=value`."""

    description: str | None = None
    required: bool = False
    default: Any = None


class Workflow(_Doc):
    """A workflow document: top-level `steps` run in order."""

    version: Literal[1] = Field(description="Format version; always 1")
    name: str = Field(min_length=1, max_length=200, description="Used for analytics and listings")
    description: str | None = None
    inputs: dict[str, InputSpec] = Field(default_factory=dict, description="Declared run inputs")
    steps: list[Node] = Field(description="Top-level nodes, run in order")


SequentialNode.model_rebuild()
ParallelNode.model_rebuild()
ConditionalNode.model_rebuild()
Workflow.model_rebuild()

StepKind = Literal["step", "aggregate", "rollback"]


def rollback_id(step: StepNode) -> str:
    assert step.rollback is not None
    return step.rollback.id or f"{step.id}-rollback"


def iter_steps(nodes: list[Node], path: str) -> Iterator[tuple[str, StepKind, StepNode]]:
    """Every step in document order with its path (aggregates included, rollbacks not)."""
    for i, node in enumerate(nodes):
        here = f"{path}[{i}]"
        if isinstance(node, StepNode):
            yield here, "step", node
        elif isinstance(node, SequentialNode):
            yield from iter_steps(node.steps, f"{here}.steps")
        elif isinstance(node, ParallelNode):
            yield from iter_steps(node.branches, f"{here}.branches")
            if node.aggregate is not None:
                yield f"{here}.aggregate", "aggregate", node.aggregate
        else:
            yield from iter_steps(node.then, f"{here}.then")
            yield from iter_steps(node.else_, f"{here}.else")


def schema() -> dict[str, Any]:
    """The JSON Schema of a workflow document."""
    doc = Workflow.model_json_schema(by_alias=True)
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = "https://agentops-lite.dev/schema/workflow-v1.json"
    return doc


def critical_path(nodes: list[Node]) -> int:
    """Steps on the longest chain (a conditional counts its longer branch)."""
    total = 0
    for node in nodes:
        if isinstance(node, StepNode):
            total += 1
        elif isinstance(node, SequentialNode):
            total += critical_path(node.steps)
        elif isinstance(node, ParallelNode):
            total += max(critical_path([b]) for b in node.branches)
            total += 1 if node.aggregate is not None else 0
        else:
            total += max(critical_path(node.then), critical_path(node.else_))
    return total


_DEFAULTS: dict[str, Any] = {
    "inputs": {},
    "outputs": [],
    "retry": 0,
    "on_failure": "stop",
    "confirm": False,
    "then": [],
    "else": [],
}


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        # User data (`inputs` values, input defaults) is kept exactly as written.
        return {
            k: v if k in ("inputs", "default") else _prune(v)
            for k, v in value.items()
            if v is not None and not (k in _DEFAULTS and v == _DEFAULTS[k])
        }
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dump(workflow: Workflow) -> dict[str, Any]:
    """The document as JSON data, without fields left at their defaults (but keeping `type`)."""
    data: dict[str, Any] = _prune(workflow.model_dump(mode="json", by_alias=True))
    return data
