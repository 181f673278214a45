"""Differential test: every plugin entry the real Claude Code rejects, we flag as an error too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentops_lite.sources.local import load_local
from tests.claude_code import base_env
from tests.differential.claude_validate import (
    attribute_content_errors,
    claude_validate,
    our_error_entries,
)

pytestmark = [pytest.mark.claude, pytest.mark.corpus, pytest.mark.slow]


def test_claude_rejections_are_a_subset_of_our_errors(
    claude_bin: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    env = base_env(tmp_path / "home")
    rejected = agreed = marketplaces = 0
    misses: list[str] = []
    for folder in sorted(p for p in corpus_dir.iterdir() if (p / "_meta.json").is_file()):
        meta = json.loads((folder / "_meta.json").read_text())
        manifest_file = folder / meta["marketplace_path"]
        root = manifest_file.parent.parent
        verdict = claude_validate(claude_bin, env, root)
        manifest = load_local(manifest_file, repo=meta["repo"], repo_root=folder).manifest
        attribute_content_errors(verdict, manifest, root)
        ours = our_error_entries(manifest)
        theirs = set(verdict.rejected_entries)
        rejected += len(theirs)
        agreed += len(theirs & ours)
        misses += [
            f"{meta['repo']} plugins[{i}]: {verdict.rejected_entries[i][0]}"
            for i in sorted(theirs - ours)
        ]
        # Marketplace-level rejections are matched by a marketplace-level error of ours.
        if verdict.marketplace_errors:
            assert any(p.severity == "error" for p in manifest.problems), meta["repo"]
        marketplaces += 1
    print(
        f"\nclaude plugin validate rejected {rejected} entries in {marketplaces} marketplaces; "
        f"we flag {agreed} of them ({agreed / max(rejected, 1):.1%})"
    )
    assert marketplaces == 42 and rejected > 400
    assert not misses, "\n".join(misses[:20])
