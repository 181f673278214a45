"""The README's two commands are the ones CI and the tests use."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_readme_has_exactly_two_setup_commands_on_its_first_screen() -> None:
    text = (ROOT / "README.md").read_text()
    first_screen = text.split("\n---\n", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", first_screen)
    assert len(commands) == 2
    assert "discover" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines


def test_readme_example_is_its_command_at_80_columns(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```text\n\$ agentops-lite (discover .+?)\n(.*?)\n```", text, re.S)
    assert block is not None
    args = shlex.split(block.group(1))
    shown = [line for line in block.group(2).splitlines() if not line.startswith("…")]
    monkeypatch.setenv("COLUMNS", "80")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    real = result.stdout.splitlines()
    example_stdout = shown[: len(shown) - 2]  # the last two lines are stderr
    assert real[: len(example_stdout)] == example_stdout
    assert len(real) > len(example_stdout)  # the README says it trimmed the rest


def test_readme_plan_example_is_its_command_at_80_columns(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```console\n\$ agentops-lite (workflow plan .+?)\n(.*?)\n```", text, re.S)
    assert block is not None
    monkeypatch.setenv("COLUMNS", "80")
    result = cli(*shlex.split(block.group(1)))
    assert result.exit_code == 0, result.stderr
    assert [line.rstrip() for line in result.stdout.splitlines()] == block.group(2).splitlines()
