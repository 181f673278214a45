"""`discover`'s output models (the `--json` contract); `discovery.found` mirrors them as tuples."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from agentops_lite.discovery.found import SHOWN_COMPONENTS
from agentops_lite.discovery.install_lines import InstallOption, InstallRecipe
from agentops_lite.models import OutputModel, SnapshotAge


class Components(OutputModel):
    relevance: float = Field(description="Query match in [0, 1] (1 = the best match)")
    stars: float | None = Field(description="log-scaled stars in [0, 1]; null when unknown")
    recency: float | None = Field(description="Decay on the last push in [0, 1]; null: unknown")
    installs: float | None = Field(description="log-scaled install count; null when unknown")
    semantic: float | None = Field(
        default=None,
        description="Cosine similarity of the query to the plugin (the semantic stage); null: "
        "the stage is off or the plugin is not among the model's nearest",
    )


class Hit(OutputModel):
    plugin: str
    marketplace: str = Field(description="Catalog key (the declared name unless it collides)")
    score: float = Field(
        description="Weighted sum of the components, in [0, 1]; with the semantic stage, the "
        "reciprocal-rank fusion of that ranking with the model's, in [0, 1]"
    )
    components: Components
    description: str | None
    install: InstallRecipe = Field(description="How to install the listing shown")
    installed: bool
    flags: list[str] = Field(description="archived, manifest-errors, stale, duplicate")
    flag_notes: dict[str, str] = Field(
        default_factory=dict, description="What each flag means for this listing"
    )
    category: str | None = None
    stars: int | None = Field(default=None, description="Stargazers; null: unknown (not 0)")
    stars_at: datetime | None = Field(
        default=None, description="When that star count was recorded (it may predate the data)"
    )
    pushed_at: datetime | None = None
    installs: int | None = None
    matched: list[str] = Field(default_factory=list, description="Query concepts it matched")
    also_in: list[InstallOption] = Field(
        default_factory=list, description="Other marketplaces listing the same plugin"
    )
    also_named: list[str] = Field(
        default_factory=list,
        description="Other names this plugin has in the same marketplace (the `duplicate` "
        "flag): one plugin under several names, folded into this result",
    )
    contains: dict[str, int] | None = Field(
        default=None, description="Components it ships, by kind; null: its files were not read"
    )
    component_names: list[str] | None = Field(
        default=None,
        description=f"Its first {SHOWN_COMPONENTS} command, skill and agent names; null: not read",
    )
    plugin_id: int = Field(description="Catalog row id (for `show`)")
    explain: list[str] | None = None
    fit: Literal["strong", "partial", "weak"] | None = Field(
        default=None,
        description="How much of the query it matched, in absolute terms (relevance is relative "
        "to the best result): strong, partial or weak",
    )


class CatalogInfo(OutputModel):
    marketplaces: int
    plugins: int
    refreshed_at: datetime | None
    snapshot: SnapshotAge | None = Field(
        default=None, description="Set when some results come from the built-in snapshot"
    )


class QueryConcept(OutputModel):
    concept: str = Field(description="The words of the query this concept stands for")
    terms: list[str] = Field(description="Index terms searched for it (stemmed), best first")
    importance: float = Field(description="Its weight in the query (idf-based)")
    corrected: dict[str, str] = Field(default_factory=dict, description="Typo -> indexed term")


class DiscoverResult(OutputModel):
    query: str
    results: list[Hit]
    catalog: CatalogInfo
    weights: dict[str, float]
    interpretation: list[QueryConcept] = Field(
        default_factory=list, description="How the query was read: concepts and variants"
    )
    nothing_fits: bool = Field(
        default=False,
        description="True when even the best result fits the query only weakly (or none is "
        "found): the results are the closest matches, not a recommendation",
    )
    semantic: str | None = Field(
        default=None,
        description="The model of the semantic stage when it ranked these results (the "
        "`[semantic]` extra); null: the lexical ranking alone",
    )
    missing: str | None = Field(
        default=None,
        description="Set when a filter asks for a signal that no listing in the catalog has "
        "(e.g. --min-stars with no star data): the empty result says nothing about the plugins",
    )
