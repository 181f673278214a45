"""Environment variable names and where the catalog and Claude Code state live."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

# pathlib (with the urllib.parse and ipaddress it imports) is imported where a Path is made: a
# warm read command opens the catalog by `db_file()`, a str, and never needs it.

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
    from pathlib import Path

    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("agentops-lite", appauthor=False)


def db_path() -> Path:
    return home_dir() / DB_FILENAME


def _posix_path_text(text: str) -> str:
    """`str(PurePosixPath(text))`: empty and `.` parts dropped, `..` kept, `//` kept only as
    the very start (POSIX leaves it to the system), "." for nothing."""
    root = "/" if text.startswith("/") else ""
    if text.startswith("//") and not text.startswith("///"):
        root = "//"
    parts = [part for part in text.split("/") if part and part != "."]
    return (root + "/".join(parts)) or "."


def db_file() -> str:
    """`str(db_path())`, without importing pathlib when $AGENTOPS_HOME names the folder."""
    override = os.environ.get(ENV_HOME)
    if not override or os.name != "posix":
        return str(db_path())
    expanded = os.path.expanduser(_posix_path_text(override))
    if expanded.startswith("~"):  # no such user: pathlib's error, not a folder named "~x"
        return str(db_path())
    home = _posix_path_text(expanded)
    if home == ".":
        return DB_FILENAME
    return home + DB_FILENAME if home.endswith("/") else f"{home}/{DB_FILENAME}"


def claude_config_dir() -> Path:
    """Claude Code's config folder: $CLAUDE_CONFIG_DIR, else ~/.claude."""
    from pathlib import Path

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
