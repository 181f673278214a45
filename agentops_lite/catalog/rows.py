"""How catalog rows are derived from parsed manifests: plugin rows and de-duplication keys."""

from __future__ import annotations

import json
from typing import Any

from agentops_lite.models import PluginEntry


def dedup_key(entry: PluginEntry, marketplace_repo: str | None, marketplace_source: str) -> str:
    """Same source repo and path means the same plugin, whichever marketplace lists it."""
    src = entry.source
    if src.kind == "relative":
        base = f"github:{marketplace_repo}" if marketplace_repo else f"path:{marketplace_source}"
        return f"{base}/{src.path or ''}".lower().rstrip("/")
    if src.repo:
        return f"github:{src.repo}/{src.path or ''}".lower().removesuffix(".git").rstrip("/")
    if src.url:
        return f"url:{src.url}/{src.path or ''}".lower().rstrip("/")
    if src.package:
        return f"npm:{src.package}".lower()
    return f"entry:{marketplace_source}/{entry.name}".lower()


def dump_raw(raw: dict[str, Any] | None) -> str | None:
    if raw is None:
        return None
    try:
        return json.dumps(raw, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def plugin_row(mid: int, e: PluginEntry, repo: str | None, source: str) -> tuple[Any, ...]:
    kinds = {c.kind for c in e.components}
    return (
        mid,
        e.name,
        e.index,
        e.description,
        e.version,
        e.category,
        json.dumps(list(e.keywords)),
        json.dumps(list(e.tags)),
        e.author,
        e.license,
        e.source.kind,
        e.source.repo,
        e.source.path,
        json.dumps([c.model_dump(exclude_none=True) for c in e.components]),
        int("hook" in kinds),
        int("mcp" in kinds),
        int("lsp" in kinds),
        sum(p.severity == "error" for p in e.problems),
        sum(p.severity == "warning" for p in e.problems),
        dedup_key(e, repo, source),
        e.model_dump_json(),
    )
