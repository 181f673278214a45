"""Claude Code's naming rules for marketplaces and plugins, and text clean-up for stored fields."""

from __future__ import annotations

import re
import unicodedata

from agentops_lite.models import Severity

# Letters, digits, '.', '_', '-', starting with a letter or digit (marketplace-reference).
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

RESERVED_MARKETPLACE_NAMES = frozenset(
    {
        "claude-code-marketplace",
        "claude-code-plugins",
        "claude-plugins-official",
        "anthropic-marketplace",
        "anthropic-plugins",
        "agent-skills",
        "anthropic-agent-skills",
        "life-sciences",
        "knowledge-work-plugins",
        "claude-for-legal",
        "claude-for-financial-services",
        "financial-services-plugins",
        "first-party-plugins",
        "claude-tag-plugins",
        "claude-community",
        "claude-plugins-community",
        "healthcare",
        "anthropic-plugin-directory",
        "claude-plugin-directory",
    }
)
INTERNAL_MARKETPLACE_NAMES = frozenset(
    {"inline", "builtin", "skills-dir", "synced", "claude-plugin-test"}
)
TOOL_MARKETPLACE_NAMES = frozenset({"npm", "pip", "uv", "cargo", "github", "gh"})

RESERVED_PLUGIN_PREFIXES = ("claude-", "anthropic-", "anthropics-", "cc-plugin-")
RESERVED_PLUGIN_NAMES = frozenset(
    {"claude", "anthropic", "anthropics", "claude-code", "claude-mods"}
)

# C0/C1 controls except tab and newline, plus the bidi overrides/isolates that can
# reorder what a terminal shows.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_valid_id(name: str) -> bool:
    """The character rule shared by marketplace names and plugin entry names."""
    return bool(_ID_RE.match(name)) and ".." not in name


def marketplace_name_issue(name: str, repo: str | None) -> str | None:
    """Why Claude Code would refuse this marketplace name, or None."""
    if not is_valid_id(name):
        return (
            f"invalid marketplace name {name!r}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit, without '..'"
        )
    lowered = name.lower()
    official = repo is not None and repo.lower().startswith("anthropics/")
    if lowered in RESERVED_MARKETPLACE_NAMES and not official:
        return f"marketplace name {name!r} is reserved for Anthropic's own marketplaces"
    if lowered in INTERNAL_MARKETPLACE_NAMES or lowered in TOOL_MARKETPLACE_NAMES:
        return f"marketplace name {name!r} is reserved by Claude Code"
    if lowered.startswith("claudeai-"):
        return "marketplace names starting with 'claudeai-' are reserved for claude.ai"
    return None


def reserved_plugin_name(name: str) -> bool:
    """Names that pass as Anthropic's own; Claude Code refuses them from third parties."""
    lowered = name.lower()
    if lowered in RESERVED_PLUGIN_NAMES or lowered.startswith(RESERVED_PLUGIN_PREFIXES):
        return True
    words = set(re.split(r"[-_.\s]+", lowered))
    return "official" in words and bool(words & {"claude", "anthropic"})


def plugin_json_name_issue(name: str, *, official: bool = False) -> tuple[Severity, str] | None:
    """(severity, message) for a plugin.json `name` Claude Code rejects or warns about."""
    if not name.strip():
        return "error", "plugin name is empty"
    if any(c in name for c in " @:/\\") or _CONTROL_RE.search(name):
        return "error", f"plugin name {name!r} contains spaces, '@', ':', slashes or controls"
    if official:
        return None
    if reserved_plugin_name(name):
        return "error", f"plugin name {name!r} is reserved: it passes as one of Anthropic's own"
    if re.search(r"\b(claude|anthropic)\b", name.lower()):
        return "warning", f"plugin name {name!r} uses 'claude' or 'anthropic' as a word"
    return None


def clean_text(value: str, max_chars: int) -> tuple[str, bool, bool]:
    """Normalise a free-text field: strip controls, NFC, cap length.

    Returns (text, had_controls, truncated).
    """
    cleaned = _CONTROL_RE.sub("", value)
    had_controls = cleaned != value
    cleaned = unicodedata.normalize("NFC", cleaned).strip()
    truncated = len(cleaned) > max_chars
    if truncated:
        cleaned = cleaned[: max_chars - 1].rstrip() + "…"
    return cleaned, had_controls, truncated
