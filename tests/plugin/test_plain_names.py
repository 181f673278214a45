"""The plugin's commands under their plain names (`/agentops-prime`) in the real Claude Code.

Claude Code namespaces plugin commands (`/agentops-lite:agentops-prime`). Since 2.1.216 a command
whose frontmatter has an explicit `name` also answers to that bare name, unless another command
(the user's or the project's own) already has it. These tests pin that behaviour for 2.1.330.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.claude_code import PLUGIN_ID, ClaudeRunner
from tests.fake_anthropic import FakeAnthropic, Recorded

pytestmark = pytest.mark.claude

# What Claude Code tells the model when the typed slash command does not exist.
NO_SUCH_COMMAND = "but no command with that name is available in this session"


def stub_cli(directory: Path) -> Path:
    """An `agentops-lite` stand-in on PATH (the plugin's launcher defers to it)."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "agentops-lite"
    script.write_text(
        '#!/bin/sh\nprintf "CLI-STUB"; for a in "$@"; do printf " <%s>" "$a"; done; echo\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return directory


def ask(
    claude: ClaudeRunner, fake: FakeAnthropic, prompt: str, cwd: Path | None = None
) -> Recorded:
    """Run `claude -p PROMPT` and return the one agent turn it made."""
    before = len(fake.agent_turns())
    claude.prompt(prompt, fake.url, cwd=cwd)
    turns = fake.agent_turns()[before:]
    assert len(turns) == 1, [t.last_user_text()[-500:] for t in turns]
    return turns[0]


def ran_ours(turn: Recorded, command: str) -> bool:
    return f"<command-name>/agentops-lite:{command}</command-name>" in turn.last_user_text()


@pytest.fixture
def session(claude: ClaudeRunner, fake_anthropic: FakeAnthropic, tmp_path: Path) -> ClaudeRunner:
    claude.path_dirs.append(stub_cli(tmp_path / "stub"))
    fake_anthropic.default_text = "ok"
    return claude


def test_plain_names_expand_to_the_plugin_commands(
    session: ClaudeRunner, plugin_source: Path, fake_anthropic: FakeAnthropic
) -> None:
    session.install_marketplace_plugin(plugin_source)
    turn = ask(session, fake_anthropic, "/agentops-prime build a docs site")
    assert ran_ours(turn, "agentops-prime")
    assert "CLI-STUB <prime> <build a docs site> <--json>" in turn.last_user_text()
    assert NO_SUCH_COMMAND not in turn.prompt_text()

    turn = ask(session, fake_anthropic, "/agentops-discover review my code")
    assert ran_ours(turn, "agentops-discover")
    assert "CLI-STUB <discover> <review my code> <--limit> <15> <--json>" in turn.last_user_text()
    assert NO_SUCH_COMMAND not in turn.prompt_text()

    turn = ask(session, fake_anthropic, "/agentops-orchestrate wf.json")
    assert ran_ours(turn, "agentops-orchestrate")
    assert "Run a multi-plugin workflow for: wf.json" in turn.last_user_text()


def test_without_the_frontmatter_name_the_plain_name_is_unknown(
    session: ClaudeRunner, plugin_source: Path, fake_anthropic: FakeAnthropic, tmp_path: Path
) -> None:
    """The control: the same plugin minus its `name:` lines answers only to the long form."""
    bare = tmp_path / "no-names"
    shutil.copytree(plugin_source, bare)
    for path in (bare / "commands").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        stripped = re.sub(r"(?m)^name: .*\n", "", text, count=1)
        assert stripped != text, f"{path.name} has no frontmatter name"
        path.write_text(stripped, encoding="utf-8")
    session.install_marketplace_plugin(bare)

    turn = ask(session, fake_anthropic, "/agentops-prime build a docs site")
    assert "slash command /agentops-prime, " + NO_SUCH_COMMAND in turn.prompt_text()
    assert "CLI-STUB" not in turn.prompt_text()
    turn = ask(session, fake_anthropic, "/agentops-lite:agentops-prime build a docs site")
    assert ran_ours(turn, "agentops-prime") and "CLI-STUB <prime>" in turn.last_user_text()


def own_command(path: Path, marker: str) -> bytes:
    path.parent.mkdir(parents=True)
    path.write_text(f"---\ndescription: mine\n---\n{marker} for $ARGUMENTS\n", encoding="utf-8")
    return path.read_bytes()


def test_the_users_and_the_projects_own_commands_keep_their_plain_names(
    session: ClaudeRunner, plugin_source: Path, fake_anthropic: FakeAnthropic, tmp_path: Path
) -> None:
    """Installing the plugin never takes over, or touches, a command someone else wrote."""
    mine = session.config_dir / "commands" / "agentops-prime.md"
    mine_before = own_command(mine, "MY-OWN-PRIME")
    project = tmp_path / "project"
    theirs = project / ".claude" / "commands" / "agentops-discover.md"
    theirs_before = own_command(theirs, "PROJECT-DISCOVER")
    session.install_marketplace_plugin(plugin_source)
    assert session.installed(PLUGIN_ID)["enabled"] is True

    turn = ask(session, fake_anthropic, "/agentops-prime build a docs site", cwd=project)
    assert "MY-OWN-PRIME for build a docs site" in turn.last_user_text()
    assert not ran_ours(turn, "agentops-prime") and "CLI-STUB" not in turn.prompt_text()
    turn = ask(session, fake_anthropic, "/agentops-discover review my code", cwd=project)
    assert "PROJECT-DISCOVER for review my code" in turn.last_user_text()
    assert not ran_ours(turn, "agentops-discover") and "CLI-STUB" not in turn.prompt_text()
    assert mine.read_bytes() == mine_before and theirs.read_bytes() == theirs_before

    # Ours stay reachable under their long names, and the plain name outside the project.
    turn = ask(session, fake_anthropic, "/agentops-lite:agentops-prime build a docs site")
    assert ran_ours(turn, "agentops-prime") and "CLI-STUB <prime>" in turn.last_user_text()
    turn = ask(session, fake_anthropic, "/agentops-discover review my code")
    assert ran_ours(turn, "agentops-discover") and "CLI-STUB <discover>" in turn.last_user_text()
