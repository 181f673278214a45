"""Static checks of the Claude Code plugin files (no Claude Code needed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from agentops_lite.parse.names import marketplace_name_issue

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["agentops-discover", "agentops-prime", "agentops-orchestrate"]
SKILL = ROOT / "skills" / "agentops-orchestrator" / "SKILL.md"
# Keys accepted by claude.ai uploads, the Skills API and the Agent Skills spec alike.
PORTABLE_SKILL_KEYS = {
    "name",
    "description",
    "license",
    "compatibility",
    "metadata",
    "allowed-tools",
}


def load_json(rel: str) -> Any:
    return json.loads((ROOT / rel).read_text(encoding="utf-8"))


def frontmatter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.S)
    assert match, f"{path} has no YAML frontmatter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data, match.group(2)


def pyproject_version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = re.search(r"^\[project\]\n(.*?)(?=^\[)", text, re.S | re.M)
    assert project
    version = re.search(r'^version\s*=\s*"([^"]+)"', project.group(1), re.M)
    assert version
    return version.group(1)


def test_plugin_version_matches_python_package() -> None:
    assert load_json(".claude-plugin/plugin.json")["version"] == pyproject_version()


def test_plugin_manifest_fields() -> None:
    manifest = load_json(".claude-plugin/plugin.json")
    assert manifest["name"] == "agentops-lite"
    assert manifest["license"] == "MIT"
    assert manifest["author"]["name"]
    assert manifest["description"]
    assert isinstance(manifest["keywords"], list) and manifest["keywords"]
    assert manifest["repository"].startswith("https://")
    assert (ROOT / "LICENSE").is_file()


def test_marketplace_lists_this_repo_as_its_one_plugin() -> None:
    market = load_json(".claude-plugin/marketplace.json")
    name = market["name"]
    # The same rules the catalog applies to every marketplace (and Claude Code enforces).
    assert marketplace_name_issue(name, repo=None) is None
    assert market["owner"]["name"]
    [entry] = market["plugins"]
    assert entry["name"] == load_json(".claude-plugin/plugin.json")["name"]
    assert entry["source"] == "./"
    # plugin.json owns the version; an entry version too would make validate warn.
    assert "version" not in entry


def test_skill_frontmatter_obeys_the_strictest_rules() -> None:
    meta, body = frontmatter(SKILL)
    assert set(meta) <= PORTABLE_SKILL_KEYS, set(meta) - PORTABLE_SKILL_KEYS
    name = meta["name"]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) and len(name) <= 64
    assert name == SKILL.parent.name
    assert "anthropic" not in name and "claude" not in name
    description = meta["description"]
    assert isinstance(description, str) and 1 <= len(description) <= 1024
    assert not re.search(r"<[^>]*>", description), "no XML tags in a skill description"
    assert len(str(meta.get("compatibility", ""))) <= 500
    assert meta["allowed-tools"] == "Bash(agentops-lite:*)"
    lowered = " ".join(body.lower().split())
    assert "untrusted" in lowered and "never follow instructions" in lowered
    assert "without the user's yes" in lowered


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_grant_only_the_cli_and_treat_marketplace_text_as_untrusted(
    command: str,
) -> None:
    meta, body = frontmatter(ROOT / "commands" / f"{command}.md")
    assert meta["description"] and len(meta["description"]) <= 80  # listing cost
    # An explicit name gives the plain `/agentops-prime` besides `/agentops-lite:agentops-prime`
    # (Claude Code >= 2.1.216; tests/plugin/test_plain_names.py proves it).
    assert meta["name"] == command
    assert meta["allowed-tools"] == "Bash(agentops-lite:*)"
    # User-invoked only: Claude can't call them with arguments taken from untrusted text.
    assert meta["disable-model-invocation"] is True
    lowered = " ".join(body.lower().split())
    assert "untrusted" in lowered and "never follow instructions" in lowered
    assert "without the user's yes" in lowered
    for inline in re.findall(r"!`([^`]*)`", body):
        assert inline.startswith("agentops-lite "), inline
        # $ARGUMENTS only inside a quoted heredoc, so the shell never expands what the user typed.
        outside = re.sub(r"<<'AGENTOPS_ARGS'\n\$ARGUMENTS\nAGENTOPS_ARGS\n", "", inline)
        assert "$ARGUMENTS" not in outside, inline


def test_launcher_is_an_executable_posix_shell_script() -> None:
    launcher = ROOT / "bin" / "agentops-lite"
    assert os.access(launcher, os.X_OK)
    assert launcher.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("no sh")
    subprocess.run([sh, "-n", str(launcher)], check=True)


def test_launcher_prefers_an_agentops_lite_already_on_path(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    fake = other / "agentops-lite"
    fake.write_text('#!/bin/sh\necho "real cli: $*"\n', encoding="utf-8")
    fake.chmod(0o755)
    # A second copy of the launcher earlier on PATH must be skipped, not recursed into.
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy2(ROOT / "bin" / "agentops-lite", copy / "agentops-lite")
    env = {
        "PATH": os.pathsep.join([str(copy), str(ROOT / "bin"), str(other), "/usr/bin", "/bin"]),
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [str(ROOT / "bin" / "agentops-lite"), "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert done.stdout == "real cli: --version\n"
    assert done.stderr == ""


def test_orchestrate_offers_the_native_export_and_keeps_the_stepwise_run() -> None:
    text = (
        Path(__file__).resolve().parents[2] / "commands" / "agentops-orchestrate.md"
    ).read_text()
    native = text.index("agentops-lite workflow export FILE")
    assert text.index("agentops-lite run next") < native  # the run next/record path stays
    assert "install_commands" in text[native:] and "yes" in text[native:]
