"""Proof: a fresh install answers `discover` offline from the snapshot (issue 9), README included.

Each test makes a venv and installs the package (dependencies from PyPI), so both are `slow`.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from agentops_lite.sources.snapshot import DATA_FILE, info
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def _fresh_env(tmp_path: Path) -> dict[str, str]:
    """Empty home, no Claude Code config, GitHub on a closed loopback port."""
    dead = _closed_port_url()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTOPS_", "VIRTUAL_ENV"))}
    env.update(
        AGENTOPS_HOME=str(tmp_path / "home"),
        CLAUDE_CONFIG_DIR=str(tmp_path / "claude-empty"),
        AGENTOPS_GITHUB_API=dead,
        AGENTOPS_GITHUB_RAW=dead,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        NO_COLOR="1",
    )
    (tmp_path / "claude-empty").mkdir()
    return env


# discover's own one-line summary on stderr ("10 shown; catalog: …") is not network noise.
SUMMARY = re.compile(r"^\d+ shown; catalog: ")
# pip's own chatter, when the README's command installs the package in the same shell line.
PIP = re.compile(r"^(WARNING: |DEPRECATION: |\[notice\] )")


def _assert_first_run(result: subprocess.CompletedProcess[str], pip: bool = False) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\bhelm\b", result.stdout, re.IGNORECASE), result.stdout
    assert "/plugin install" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not SUMMARY.match(line) and not (pip and PIP.match(line))
    ]
    date = info().date.date().isoformat()
    assert len(lines) == 1, result.stderr  # one clear line, no other network noise
    assert f"snapshot of {date}" in lines[0] and lines[0].startswith("offline (cannot reach")


def test_wheel_installed_in_a_fresh_venv_discovers_offline(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-w", str(dist), "-q"],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("agentops_lite-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert f"agentops_lite/data/{DATA_FILE}" in zf.namelist()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = _fresh_env(tmp_path)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        env=env,
    )
    result = subprocess.run(
        [str(venv / "bin" / "agentops-lite"), "discover", "kubernetes helm"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    _assert_first_run(result)


def _readme_main_command() -> str:
    text = (REPO / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)[0]


def test_readme_main_job_command_runs_as_written(tmp_path: Path) -> None:
    command = _readme_main_command()
    assert command.endswith('agentops-lite discover "kubernetes helm"')
    # A clean copy of the source, as a user's clone would be (no .venv, no build leftovers).
    src = tmp_path / "agentops-lite"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(
        REPO / "agentops_lite", src / "agentops_lite", ignore=shutil.ignore_patterns("__pycache__")
    )
    env = _fresh_env(tmp_path)
    env["PIP_QUIET"] = "1"  # the install's own output is not what this test is about
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, cwd=src, timeout=600
    )
    _assert_first_run(result, pip=True)
