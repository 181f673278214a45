"""Claude Code's own plugin state: the marketplaces it knows, what is installed, install counts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentops_lite.parse.safejson import load_json
from agentops_lite.settings import ENV_CLAUDE_BIN, claude_config_dir


@dataclass(frozen=True)
class KnownMarketplace:
    """One entry of known_marketplaces.json."""

    name: str
    source_type: str  # directory | file | github | git | url | ...
    location: str  # path, owner/repo or URL, as registered
    install_location: Path | None  # the local copy Claude Code reads


@dataclass(frozen=True)
class InstalledPlugin:
    plugin: str
    marketplace: str
    scope: str | None
    version: str | None
    installed_at: str | None = None  # ISO time Claude Code wrote (`installedAt`)


def _read(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    value, problem = load_json(data)
    return None if problem else value


def known_marketplaces(config_dir: Path | None = None) -> list[KnownMarketplace]:
    """Marketplaces registered with Claude Code; missing or broken files give an empty list."""
    doc = _read((config_dir or claude_config_dir()) / "plugins" / "known_marketplaces.json")
    if not isinstance(doc, dict):
        return []
    out: list[KnownMarketplace] = []
    for name, info in doc.items():
        if not isinstance(info, dict) or not isinstance(name, str):
            continue
        src = info.get("source") if isinstance(info.get("source"), dict) else {}
        assert isinstance(src, dict)
        kind = str(src.get("source", "unknown"))
        location = src.get("repo") or src.get("url") or src.get("path") or ""
        install = info.get("installLocation")
        out.append(
            KnownMarketplace(
                name=name,
                source_type=kind,
                location=str(location),
                install_location=Path(install) if isinstance(install, str) and install else None,
            )
        )
    return out


def installed_plugins(config_dir: Path | None = None) -> list[InstalledPlugin]:
    """Installed plugins (every scope) from installed_plugins.json (v2 and the older v1 shape)."""
    doc = _read((config_dir or claude_config_dir()) / "plugins" / "installed_plugins.json")
    plugins = doc.get("plugins") if isinstance(doc, dict) else None
    if not isinstance(plugins, dict):
        return []
    out: list[InstalledPlugin] = []
    for plugin_id, records in plugins.items():
        if not isinstance(plugin_id, str) or "@" not in plugin_id:
            continue
        name, _, marketplace = plugin_id.rpartition("@")
        items = records if isinstance(records, list) else [records]
        for rec in items:
            rec = rec if isinstance(rec, dict) else {}
            scope = rec.get("scope")
            version = rec.get("version")
            out.append(
                InstalledPlugin(
                    plugin=name,
                    marketplace=marketplace,
                    scope=scope if isinstance(scope, str) else None,
                    version=version if isinstance(version, str) else None,
                    installed_at=at if isinstance(at := rec.get("installedAt"), str) else None,
                )
            )
    return out


def manifest_location(known: KnownMarketplace) -> Path | None:
    """The local marketplace.json (or folder) to load for a known marketplace, if present."""
    if known.source_type == "file" and known.location:
        path = Path(known.location)
        return path if path.is_file() else None
    base = known.install_location
    if base is None:
        return None
    if (base / ".claude-plugin" / "marketplace.json").is_file():
        return base
    return None


def claude_binary() -> str | None:
    return os.environ.get(ENV_CLAUDE_BIN) or shutil.which("claude")


def install_counts(timeout: float = 20.0) -> list[tuple[str, str, int]]:
    """(plugin, marketplace, installCount) from `claude plugin list --json --available`.

    Best effort: no binary, a timeout or odd output all give an empty list.
    """
    binary = claude_binary()
    if binary is None:
        return []
    env = {**os.environ, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}
    try:
        proc = subprocess.run(
            [binary, "plugin", "list", "--json", "--available"],
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    try:
        doc = json.loads(proc.stdout.decode("utf-8", "replace") or "null")
    except ValueError:
        return []
    available = doc.get("available") if isinstance(doc, dict) else None
    out: list[tuple[str, str, int]] = []
    for item in available if isinstance(available, list) else []:
        if not isinstance(item, dict):
            continue
        count, name, mkt = item.get("installCount"), item.get("name"), item.get("marketplaceName")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            continue  # JSON true is an int to Python; a negative count is no count
        if isinstance(name, str) and isinstance(mkt, str):
            out.append((name, mkt, count))
    return out
