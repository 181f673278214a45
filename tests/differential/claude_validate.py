"""Run the real `claude plugin validate` on a marketplace and map its errors to plugin entries."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from agentops_lite.models import MarketplaceManifest

# Claude Code writes entry paths as `plugins.3.source` or `plugins[3] plugin.json → hooks`.
_ENTRY_RE = re.compile(r"^plugins(?:\.(\d+)|\[(\d+)\])")


@dataclass
class ClaudeVerdict:
    """What Claude Code rejected: entry index -> messages, and marketplace-level errors."""

    rejected_entries: dict[int, list[str]] = field(default_factory=dict)
    marketplace_errors: list[str] = field(default_factory=list)
    content_errors: list[tuple[Path, str]] = field(default_factory=list)


def claude_validate(binary: Path, env: dict[str, str], root: Path) -> ClaudeVerdict:
    done = subprocess.run(
        [str(binary), "plugin", "validate", str(root), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    doc = json.loads(done.stdout)
    verdict = ClaudeVerdict()
    for err in (doc.get("manifest") or {}).get("errors") or []:
        where = str(err.get("path") or "")
        m = _ENTRY_RE.match(where)
        if m:
            index = int(m.group(1) or m.group(2))
            verdict.rejected_entries.setdefault(index, []).append(f"{where}: {err['message']}")
        else:
            verdict.marketplace_errors.append(f"{where}: {err.get('message')}")
    for item in doc.get("contents") or []:
        verdict.content_errors.extend(
            (Path(item["file"]), str(e.get("message"))) for e in item.get("errors") or []
        )
    return verdict


def attribute_content_errors(
    verdict: ClaudeVerdict, manifest: MarketplaceManifest, root: Path
) -> None:
    """Charge errors found in component files to the entry whose folder holds the file."""
    dirs = [
        (e.index, (root / e.source.path).resolve())
        for e in manifest.plugins
        if e.source.kind == "relative" and e.source.path is not None
    ]
    for file, message in verdict.content_errors:
        owners = [(len(d.parts), i) for i, d in dirs if d in file.resolve().parents]
        deepest = max((depth for depth, _ in owners), default=None)
        for index in [i for depth, i in owners if depth == deepest]:
            verdict.rejected_entries.setdefault(index, []).append(f"{file.name}: {message}")


def our_error_entries(manifest: MarketplaceManifest) -> set[int]:
    return {e.index for e in manifest.plugins if e.has_errors}
