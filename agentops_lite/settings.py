"""Environment variable names and where the catalog and Claude Code state live."""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "AGENTOPS_HOME"
ENV_OFFLINE = "AGENTOPS_OFFLINE"
ENV_GITHUB_API = "AGENTOPS_GITHUB_API"
ENV_GITHUB_RAW = "AGENTOPS_GITHUB_RAW"
ENV_CLAUDE_CONFIG_DIR = "CLAUDE_CONFIG_DIR"
ENV_CLAUDE_BIN = "AGENTOPS_CLAUDE_BIN"
ENV_SEMANTIC = "AGENTOPS_SEMANTIC"

DEFAULT_GITHUB_API = "https://api.github.com"
DEFAULT_GITHUB_RAW = "https://raw.githubusercontent.com"

DB_FILENAME = "catalog.db"


def home_dir() -> Path:
    """The folder holding the catalog: $AGENTOPS_HOME, else the platform's user data dir."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("agentops-lite", appauthor=False)


def db_path() -> Path:
    return home_dir() / DB_FILENAME


def claude_config_dir() -> Path:
    """Claude Code's config folder: $CLAUDE_CONFIG_DIR, else ~/.claude."""
    override = os.environ.get(ENV_CLAUDE_CONFIG_DIR)
    if override:
        return Path(override).expanduser()
    return Path.home() / ".claude"


def github_api() -> str:
    return os.environ.get(ENV_GITHUB_API, DEFAULT_GITHUB_API).rstrip("/")


def github_raw() -> str:
    return os.environ.get(ENV_GITHUB_RAW, DEFAULT_GITHUB_RAW).rstrip("/")


def offline_forced() -> bool:
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in {"1", "true", "yes", "on"}


def semantic_disabled() -> bool:
    """`AGENTOPS_SEMANTIC=0`: rank without the semantic stage even when its extra is installed."""
    return os.environ.get(ENV_SEMANTIC, "").strip().lower() in {"0", "false", "no", "off"}
