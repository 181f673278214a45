"""The result types of `stats` (catalog and workflow-run metrics), shared by both calculators."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from agentops_lite.models import OutputModel

TOP_KEYWORDS = 25


class Count(OutputModel):
    """One bar of a distribution."""

    name: str = Field(description="The bucket, category or keyword")
    count: int = Field(description="How many plugin listings fall in it")


class Totals(OutputModel):
    """How big the catalog is."""

    marketplaces: int = Field(description="Marketplaces in the catalog")
    plugin_listings: int = Field(description="Plugin entries across all marketplaces")
    unique_plugins: int = Field(
        description="Distinct plugins after de-duplication (same source repo and path = one plugin)"
    )
    plugins_with_errors: int = Field(
        description="Plugin listings with at least one manifest error (Claude Code would refuse)"
    )
    marketplaces_failing: int = Field(description="Marketplaces whose last refresh failed")
    problem_errors: int = Field(description="Error-severity problems across the catalog")
    problem_warnings: int = Field(description="Warning-severity problems across the catalog")


class MarketplaceStats(OutputModel):
    """One marketplace's figures."""

    key: str = Field(description="Catalog id of the marketplace")
    name: str | None = Field(description="Name declared in marketplace.json")
    source: str = Field(description="Where it is loaded from")
    plugins: int = Field(description="Plugin listings")
    stars: int | None = Field(description="GitHub stars of the marketplace repo, when known")
    last_update: datetime | None = Field(description="Last push to the marketplace repo, if known")
    refreshed_at: datetime | None = Field(description="When agentops-lite last loaded it")
    errors: int = Field(description="Error-severity problems")
    warnings: int = Field(description="Warning-severity problems")
    status: str = Field(description="Refresh status: new | ok | error")
    last_error: str | None = Field(description="Why the last refresh failed")


class Distributions(OutputModel):
    """How plugin listings spread over categories, keywords, components, stars and age."""

    categories: list[Count] = Field(
        description="Normalised categories (lowercase, hyphenated), most common first"
    )
    uncategorised: int = Field(description="Listings without a category")
    keywords: list[Count] = Field(
        description=f"Top {TOP_KEYWORDS} keywords and tags (lowercased; once per listing)"
    )
    components: list[Count] = Field(
        description="Listings shipping at least one command / skill / agent / hook / mcp / lsp"
    )
    stars: list[Count] = Field(description="Stars of the plugin's repo (else its marketplace's)")
    age: list[Count] = Field(description="Time since the plugin's repo (else marketplace) changed")


class GrowthPoint(OutputModel):
    """The catalog's size at the end of one day with refreshes."""

    date: str = Field(description="UTC day, YYYY-MM-DD")
    marketplaces: int = Field(description="Marketplaces after that day's last refresh")
    plugins: int = Field(description="Plugin listings after that day's last refresh")
    refreshes: int = Field(description="Refreshes run that day")
    failed: int = Field(description="Marketplace loads that failed that day")


class RateStat(OutputModel):
    """Success figures for one workflow or plugin."""

    name: str = Field(description="Workflow name, or plugin@marketplace")
    runs: int = Field(description="Finished runs (or steps, for plugins) counted")
    succeeded: int = Field(description="How many of them succeeded")
    success_rate: float | None = Field(description="succeeded / runs (None when runs is 0)")


class Combination(OutputModel):
    """A set of plugins used together in one run."""

    plugins: list[str] = Field(description="plugin@marketplace names, sorted")
    runs: int = Field(description="Runs that used exactly this set")


class WorkflowStats(OutputModel):
    """What the recorded workflow runs say."""

    runs: int = Field(description="Runs started")
    by_status: list[Count] = Field(description="Runs per status")
    success_rate: float | None = Field(description="Succeeded / finished runs")
    per_workflow: list[RateStat] = Field(description="Success per workflow")
    per_plugin: list[RateStat] = Field(description="Success of the steps that used each plugin")
    combinations: list[Combination] = Field(description="Most common plugin combinations")
    median_steps: float | None = Field(description="Median number of steps per run")
    median_retries: float | None = Field(description="Median number of retries per run")


class Stats(OutputModel):
    """Everything `agentops-lite stats` reports."""

    generated_at: datetime = Field(description="When these figures were computed (UTC)")
    totals: Totals
    marketplaces: list[MarketplaceStats] = Field(description="Largest first")
    distributions: Distributions
    growth: list[GrowthPoint] = Field(description="Catalog size per refresh day, oldest first")
    workflows: WorkflowStats | None = Field(
        description="Run analytics (None when this catalog has no run tables yet)"
    )
