"""The GitHub token: where it comes from, and a holder that never shows it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

TOKEN_HINT = (
    "set GITHUB_TOKEN (or run `gh auth login`): GitHub allows 5,000 requests/hour"
    " with a token instead of 60"
)


def discover_token(env: Mapping[str, str] | None = None, *, use_gh: bool = True) -> str | None:
    """GITHUB_TOKEN, else GH_TOKEN, else `gh auth token` when gh is installed."""
    env = os.environ if env is None else env
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = env.get(name, "").strip()
        if value:
            return value
    gh = shutil.which("gh") if use_gh else None
    if gh is None:
        return None
    try:
        done = subprocess.run(
            [gh, "auth", "token"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    token = done.stdout.strip()
    return token if done.returncode == 0 and token and "\n" not in token else None


class Secret:
    """Holds the token so that repr(), vars() and tracebacks with locals show `<secret>`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def reveal(self) -> str:
        return self._value
