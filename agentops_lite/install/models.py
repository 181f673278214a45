"""What `install-plan` reports: the plugins to install in order, the commands, and every problem."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from agentops_lite.models import OutputModel

ProblemKind = Literal[
    "missing",
    "ambiguous",
    "cycle",
    "range-conflict",
    "no-version-in-range",
    "installed-unsatisfied",
    "cross-marketplace",
    "invalid-dependency",
    "not-auto-installed",
    "ignored-range",
]


class PlannedPlugin(OutputModel):
    """One plugin of the set: a root the user named or a dependency pulled in."""

    plugin: str
    marketplace: str = Field(
        description="Catalog key of its marketplace (as in discover and show: the declared "
        "name unless it collides)"
    )
    marketplace_name: str = Field(description="Declared marketplace name (the half after `@`)")
    install_id: str = Field(description="`plugin@marketplace`")
    version: str | None = Field(description="Version the listing declares (None: not declared)")
    root: bool = Field(description="Named by the user (False: a dependency)")
    required_by: list[str] = Field(description="Install ids of the plugins that depend on it")
    ranges: list[str] = Field(description="Version ranges its dependants ask for")
    installed: bool = Field(description="Claude Code already has it (any scope)")
    installed_version: str | None = None
    always_on_tokens: int | None = Field(
        description="Estimated tokens its descriptions always cost; null when its component "
        "files were never read (unknown, not zero)"
    )


class PlanProblem(OutputModel):
    kind: ProblemKind
    plugin: str = Field(description="The plugin (or dependency spec) the problem is about")
    message: str
    severity: Literal["error", "warning"] = Field(description="error: the set is broken")
    claude_refuses: bool = Field(
        description="`claude plugin install` (2.1.330) refuses the install for this reason"
    )


class Collision(OutputModel):
    """Two plugins of the set (or one of it and an installed one) ship the same component name."""

    kind: str = Field(description="skill, command, agent or mcp")
    name: str
    plugins: list[str] = Field(description="Install ids shipping it; installed ones included")


class MarketplaceStep(OutputModel):
    name: str = Field(description="Declared marketplace name")
    source: str = Field(description="What `claude plugin marketplace add` takes")
    known: bool = Field(description="Claude Code already has this marketplace")


class InstallPlan(OutputModel):
    roots: list[str] = Field(description="Install ids the user asked for")
    ok: bool = Field(description="No error: the set installs and works as declared")
    plugins: list[PlannedPlugin] = Field(description="Every plugin of the set, dependencies first")
    marketplaces: list[MarketplaceStep]
    commands: list[list[str]] = Field(
        description="argv lists, in order: marketplaces to add, then installs (the roots, "
        "whose dependencies Claude Code installs with them, after any dependency it would miss)"
    )
    one_step: list[list[str]] = Field(
        description="The same with `claude plugin install NAME --marketplace SOURCE`"
    )
    already_installed: list[str]
    problems: list[PlanProblem]
    collisions: list[Collision]
    always_on_tokens: int = Field(
        description="Sum of the always-on description tokens over the plugins whose cost is known"
    )
    cost_unknown: list[str] = Field(
        default_factory=list, description="Install ids whose components were never read"
    )


class ApplyStep(OutputModel):
    command: list[str]
    exit_code: int
    output: str = Field(description="Last lines of what it printed")


class ApplyResult(OutputModel):
    plan: InstallPlan
    done: list[ApplyStep] = Field(description="Commands run, in order; the last may have failed")
    ok: bool
