"""The install lines of a listing as output models (`plugin_facts` builds their fields)."""

from __future__ import annotations

from pydantic import Field

from agentops_lite.models import OutputModel


class InstallRecipe(OutputModel):
    """How to install one listing: the same lines in every view, the commands and the skill."""

    marketplace_add: str = Field(
        description="`/plugin marketplace add SOURCE`: adds the marketplace this listing is from"
    )
    command: str = Field(
        description="`/plugin install PLUGIN@NAME`: works once that marketplace is added"
    )
    one_step: str = Field(
        description="`claude plugin install PLUGIN --marketplace SOURCE` (a shell command): adds "
        "the marketplace if needed and installs from it; unambiguous even when the name is shared"
    )
    name_shared_with: list[str] = Field(
        default_factory=list,
        description="Sources of other catalog marketplaces declaring the same name: after adding "
        "one of them, `command` would install from it, so use `one_step`",
    )


class InstallOption(OutputModel):
    plugin: str = Field(description="The plugin's name in that marketplace")
    marketplace: str = Field(description="Catalog key of the marketplace")
    marketplace_name: str | None = Field(description="Name the marketplace declares")
    install: InstallRecipe
    installed: bool
