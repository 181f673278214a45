"""CLI contract: version, help with examples everywhere, exit codes, JSON errors, light start-up."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from agentops_lite import __version__
from agentops_lite.cli import app


def _commands() -> Iterator[tuple[str, ...]]:
    group = typer.main.get_group(app)

    def walk(cmd: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, (*path, name))
        else:
            yield path

    yield from walk(group, ())


COMMANDS = sorted(_commands())


def test_cli_version(cli: Callable[..., Any]) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"agentops-lite {__version__}"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_cli_every_command_has_help_with_examples(
    cli: Callable[..., Any], command: tuple[str, ...]
) -> None:
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Example" in result.stdout, f"{' '.join(command)} --help has no examples"
    # Each example stays on a line of its own (not re-wrapped into a paragraph).
    example_lines = [
        ln
        for ln in result.stdout.splitlines()
        if ln.strip().startswith(f"agentops-lite {command[0]}")
    ]
    assert example_lines and all(ln.count("agentops-lite") == 1 for ln in example_lines)
    # Options that take a value name it (--limit N), not a type such as <int range>.
    options = result.stdout.partition("Options:")[2]
    assert not re.search(r"<[a-z]", options), options


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_cli_every_command_is_in_the_readme(command: tuple[str, ...]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"agentops-lite {' '.join(command)}" in readme


def test_cli_usage_error_exit_code(cli: Callable[..., Any]) -> None:
    result = cli("plugins", "--no-such-flag")
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_cli_error_is_one_line_and_json_under_json(cli: Callable[..., Any]) -> None:
    human = cli("marketplace", "remove", "ghost")
    assert human.exit_code == 1 and human.stdout == ""
    assert human.stderr.splitlines()[0] == "error: no marketplace 'ghost' in the catalog"
    assert "Traceback" not in human.stderr
    machine = cli("marketplace", "remove", "ghost", "--json")
    payload = json.loads(machine.stdout)
    assert payload["error"]["type"] == "NotFoundError" and payload["error"]["exit_code"] == 1


def test_cli_bad_database_is_a_clear_error(cli: Callable[..., Any], isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "catalog.db").write_bytes(b"this is not sqlite" * 100)
    result = cli("marketplace", "list")
    assert result.exit_code == 4 and "cannot open the catalog" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_version_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from agentops_lite.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('httpx', 'pydantic', 'rapidfuzz', 'rich', 'yaml', 'sqlite3')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}"
        " | {m for m in sys.modules if m.startswith(('agentops_lite.discovery.rank',"
        " 'agentops_lite.models', 'agentops_lite.catalog.store'))}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_cli_validate_exit_codes(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path], tmp_path: Path
) -> None:
    good = make_marketplace("good", plugins=[{"name": "a", "source": "./a"}], files={"a/x.md": ""})
    assert cli("validate", str(good)).exit_code == 0
    bad = make_marketplace("bad", plugins=[{"name": "a", "source": "../a"}])
    result = cli("validate", str(bad), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 1 and report["problems"][0]["path"] == "plugins[0].source"
    assert cli("validate", str(tmp_path / "nothing")).exit_code == 2


def test_cli_untrusted_text_cannot_inject_terminal_sequences(
    cli: Callable[..., Any], make_marketplace: Callable[..., Path]
) -> None:
    evil = "\x1b]52;c;ZXZpbA==\x07\x1b[2J[bold red]boom[/bold red]\u202egnp.exe"
    root = make_marketplace(
        "m", plugins=[{"name": "a", "source": "./a", "description": evil}], files={"a/x.md": ""}
    )
    assert cli("marketplace", "add", str(root)).exit_code == 0
    out = cli("plugins").stdout
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "[bold red]boom[/bold red]" in out  # shown literally, never interpreted


@pytest.mark.parametrize(
    "args",
    [
        ("discover", "helm", "--limit", "0", "--json"),
        ("plugins", "--no-such-flag", "--json"),
        ("run", "list", "-n", "0", "--json"),
        ("show", "--json"),
    ],
    ids=" ".join,
)
def test_cli_usage_error_under_json_is_one_json_document(
    cli: Callable[..., Any], args: tuple[str, ...]
) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    doc = json.loads(result.stdout)  # exactly one document, nothing else on stdout
    assert doc["error"]["exit_code"] == 2 and doc["error"]["type"] == "UsageError"
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and len(lines) <= 2, result.stderr


def test_cli_usage_error_and_bare_group_keep_their_text(cli: Callable[..., Any]) -> None:
    result = cli("plugins", "--no-such-flag")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: No such option")
    assert "agentops-lite plugins -h" in result.stderr
    bare = cli("run")
    assert bare.exit_code == 2 and "Commands" in bare.stderr + bare.stdout
    assert cli("--help").exit_code == 0 and cli("--version").exit_code == 0


def test_cli_interrupt_is_an_error_line_and_json(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import agentops_lite.discovery.rank

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(agentops_lite.discovery.rank, "discover", interrupted)
    result = cli("discover", "helm", "--json")
    assert result.exit_code == 130
    assert json.loads(result.stdout)["error"]["exit_code"] == 130
    assert result.stderr.strip() == "error: interrupted"
    human = cli("discover", "helm")
    assert human.exit_code == 130 and human.stdout == ""
    assert human.stderr.strip() == "error: interrupted"


def test_cli_interrupt_while_loading_is_an_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builtins

    from agentops_lite import entry

    real_import = builtins.__import__

    def slow_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "agentops_lite.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", slow_import)
    monkeypatch.setattr(sys, "argv", ["agentops-lite", "discover", "helm", "--json"])
    with pytest.raises(SystemExit) as stop:
        entry.main()
    out, err = capsys.readouterr()
    assert stop.value.code == 130 and err == "error: interrupted\n"
    assert json.loads(out)["error"]["exit_code"] == 130


def test_no_color_means_no_escape_codes_even_on_a_terminal(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats the output as a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    r = cli("discover", "kubernetes helm", "--limit", "3")
    assert r.exit_code == 0 and "helm" in r.stdout
    assert "\x1b" not in r.stdout + r.stderr
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" in cli("discover", "kubernetes helm", "--limit", "3").stdout  # the control
