"""Differential test: our directory-profile checks against `claude plugin validate --profile
directory`, per check, on corpus plugin folders.

A sample of folders (fixed seed) keeps the run bounded on a shared 2-core machine: each
validate costs about a second. AGENTOPS_DIRECTORY_SAMPLE=0 runs every folder (1,894; a full
run agreed on every check of the 1,783 folders Claude Code checks, see the issue 22 report).
"""

from __future__ import annotations

import os
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.claude_code import base_env
from tests.differential.directory_profile import (
    CHECKS,
    Agreement,
    claude_directory,
    corpus_plugins,
    ours_of,
)

pytestmark = [pytest.mark.claude, pytest.mark.corpus, pytest.mark.slow]
SAMPLE = int(os.environ.get("AGENTOPS_DIRECTORY_SAMPLE", "160"))


def test_directory_checks_agree_with_claude_code(
    claude_bin: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    plugins = corpus_plugins(corpus_dir)
    folders = sorted(plugins)
    if SAMPLE:
        folders = sorted(random.Random(22).sample(folders, min(SAMPLE, len(folders))))
    env = base_env(tmp_path / "home")
    with ThreadPoolExecutor(max_workers=3) as pool:
        verdicts = list(pool.map(lambda f: claude_directory(claude_bin, env, f), folders))
    agreement = Agreement()
    for folder, theirs in zip(folders, verdicts, strict=True):
        if theirs is not None:  # Claude Code checked nothing there (no plugin folder to it)
            agreement.add(folder, ours_of(plugins[folder]), theirs)
    print(f"\n{len(folders)} folders, {agreement.compared[CHECKS[0]]} checked by both")
    print(agreement.summary())
    print("\n".join(agreement.disagreements))
    assert agreement.compared[CHECKS[0]] >= min(len(folders), 100) * 0.8
    for code in CHECKS:
        assert agreement.rate(code) >= 0.99, (code, agreement.disagreements[:20])
