"""The built-in list of well-known marketplace repos that the embedded snapshot holds."""

from __future__ import annotations

# The founding design's three (issue 3): the claude-code-plugins-plus catalog, Docker's, Every's.
FOUNDING: tuple[str, ...] = (
    "jeremylongshore/claude-code-plugins-plus",
    "docker/claude-plugins",
    "EveryInc/every-marketplace",
)

# Every repo of ../shared/corpus (INDEX.md) that is a real marketplace: a marketplace.json that
# Claude Code accepts, with at least one plugin it can install. Sorted case-insensitively.
DEFAULT_REPOS: tuple[str, ...] = (
    "0-to-1-Labs/claude-marketplace",
    "0gfoundation/0g-claude-marketplace",
    "0k-software/0k-plugins",
    "0pg/cc-marketplace",
    "alirezarezvani/claude-skills",
    "ananddtyagi/claude-code-marketplace",
    "anthropics/claude-code",
    "anthropics/claude-plugins-official",
    "anthropics/financial-services-plugins",
    "anthropics/knowledge-work-plugins",
    "anthropics/life-sciences",
    "anthropics/skills",
    "davepoon/buildwithclaude",
    "dex-it/claude-code-marketplace",
    "docker/claude-plugins",
    "EveryInc/compound-engineering-plugin",
    "EveryInc/every-marketplace",
    "infiquetra/infiquetra-claude-plugins",
    "jeremylongshore/claude-code-plugins",
    "jeremylongshore/claude-code-plugins-plus",
    "jeremylongshore/claude-code-plugins-plus-skills",
    "JosiahSiegel/claude-code-marketplace",
    "K-Dense-AI/claude-scientific-skills",
    "kivilaid/plugin-marketplace",
    "mhattingpete/claude-skills-marketplace",
    "NeoLabHQ/context-engineering-kit",
    "nicholls-inc/claude-code-marketplace",
    "obra/superpowers",
    "obra/superpowers-marketplace",
    "pleaseai/claude-code-plugins",
    "ruvnet/ruflo",
    "sablier-labs/plugin-marketplace",
    "SerendipityOneInc/srp-claude-code-marketplace",
    "shinpr/claude-code-workflows",
    "TheBushidoCollective/han",
    "ulpi-io/plugin-marketplace",
    "VoltAgent/awesome-claude-code-subagents",
    "wshobson/agents",
)

# Corpus repos left out, and why (a test checks every corpus repo is in one list or the other).
NOT_DEFAULTS: dict[str, str] = {
    "0dd/my-marketplace": "empty plugins array; declared name is a path traversal",
    "davila7/claude-code-templates": "not a marketplace schema (no plugins key)",
    "0motionguy/gICM": "every source uses the invalid 'github:owner/repo' shorthand",
    "ComposioHQ/awesome-claude-skills": "no plugin source resolves from the marketplace root",
}


def is_default(repo: str) -> bool:
    """True when `owner/repo` (any case) is one of the built-in defaults."""
    wanted = repo.lower()
    return any(r.lower() == wanted for r in DEFAULT_REPOS)
