"""Compare our directory-profile checks with `claude plugin validate --json --profile directory`."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from agentops_lite.discovery.quality import directory_findings
from agentops_lite.models import PluginEntry
from agentops_lite.sources.local import load_local

CHECKS = (
    "README_MISSING",
    "README_TRIVIAL",
    "LICENSE_MISSING",
    "ICON_MISSING",
    "PRIVACY_URL_MISSING",
)


def claude_directory(binary: Path, env: dict[str, str], folder: Path) -> set[str] | None:
    """The codes of our checks that Claude Code flags on one plugin folder; None when it ran no
    directory rules there (not a plugin folder to it)."""
    done = subprocess.run(
        [str(binary), "plugin", "validate", str(folder), "--json", "--profile", "directory"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return codes_of(json.loads(done.stdout))


def codes_of(doc: dict[str, object]) -> set[str] | None:
    directory = doc.get("directory")
    if not isinstance(directory, dict):
        return None
    findings = directory.get("findings") or []
    assert isinstance(findings, list)
    if not findings and "needs a plugin folder" in str(directory.get("failure") or ""):
        return None
    return {f["code"] for f in findings if f.get("code") in CHECKS and f.get("severity") != "info"}


def corpus_plugins(corpus: Path) -> dict[Path, PluginEntry]:
    """Every resolved relative plugin folder of the corpus -> the first entry listing it."""
    out: dict[Path, PluginEntry] = {}
    for folder in sorted(p for p in corpus.iterdir() if (p / "_meta.json").is_file()):
        meta = json.loads((folder / "_meta.json").read_text())
        manifest_file = folder / meta["marketplace_path"]
        manifest = load_local(manifest_file, repo=meta["repo"], repo_root=folder).manifest
        root = manifest_file.parent.parent
        for e in manifest.plugins:
            if e.source.kind != "relative" or e.files is None:
                continue
            plugin_dir = (root / (e.source.path or "")).resolve()
            if not plugin_dir.is_dir():
                plugin_dir = (folder / (e.source.path or "")).resolve()
            out.setdefault(plugin_dir, e)
    return out


@dataclass
class Agreement:
    """Per check: folders where both decided, where they agreed, and each disagreement."""

    compared: Counter[str] = field(default_factory=Counter)
    agreed: Counter[str] = field(default_factory=Counter)
    disagreements: list[str] = field(default_factory=list)

    def add(self, folder: Path, ours: set[str], theirs: set[str]) -> None:
        for code in CHECKS:
            self.compared[code] += 1
            if (code in ours) == (code in theirs):
                self.agreed[code] += 1
            else:
                who = "only we flag" if code in ours else "only Claude Code flags"
                self.disagreements.append(f"{code}: {who} {folder}")

    def rate(self, code: str) -> float:
        return self.agreed[code] / max(self.compared[code], 1)

    def summary(self) -> str:
        return "\n".join(
            f"{code}: {self.agreed[code]}/{self.compared[code]} agree ({self.rate(code):.1%})"
            for code in CHECKS
        )


def ours_of(entry: PluginEntry) -> set[str]:
    return {f.code for f in directory_findings(entry) or []}
