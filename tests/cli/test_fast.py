"""The typer-free path for the hot read commands answers exactly as typer does, or not at all."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.cli import fast
from tests.discovery.conftest import PLUGINS

ENTRY = Path(sys.executable).parent / "agentops-lite"


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--json"],
        ["k8s", "extra"],
        ["--", "k8s"],
        ["-k8s"],
        ["k8s", "--weights", "stars=1"],
        ["k8s", "-n", "0"],
        ["k8s", "-n", "501"],
        ["k8s", "-n", "x"],
        ["k8s", "-n"],
        ["k8s", "--limit=-1"],
        ["k8s", "--help"],
        ["k8s", "-m", "han"],
        ["k8s", "--refresh"],
        ["k8s", "--js"],
    ],
)
def test_forms_it_is_unsure_of_go_to_typer(args: list[str]) -> None:
    assert fast.parse_discover(args) is None


def test_plain_forms_are_parsed() -> None:
    parsed = fast.parse_discover(["--json", "kubernetes helm", "-n", "3", "--explain"])
    assert parsed == fast.DiscoverArgs("kubernetes helm", 3, json_=True, explain=True)
    assert fast.parse_discover(["k8s", "--limit=500"]) == fast.DiscoverArgs("k8s", 500)
    assert fast.parse_discover([""]) == fast.DiscoverArgs("")
    assert not fast.run(["show", "k8s"]) and not fast.run(["discover", "k8s", "--weights", "x"])


def _both(args: list[str]) -> tuple[subprocess.CompletedProcess[str], ...]:
    """The console script (fast path) and the typer app, on the same catalog."""
    env = dict(os.environ)
    via_entry = subprocess.run([str(ENTRY), *args], env=env, capture_output=True, text=True)
    code = f"from agentops_lite.cli import main; main({args!r})"
    via_typer = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    return via_entry, via_typer


@pytest.mark.skipif(not ENTRY.exists(), reason="needs the installed console script")
def test_discover_answers_byte_for_byte_as_typer_does(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    fixture_catalog(PLUGINS).close()
    for args in (
        ["discover", "kubernetes manifests", "--json"],
        ["discover", "deploy", "--explain", "--limit=2", "--json"],
        ["discover", "kubernetes manifests", "-n", "3"],
        ["discover", "  ", "--json"],
    ):
        fast_run, typer_run = _both(args)
        assert fast_run.stdout, fast_run.stderr
        assert (fast_run.returncode, fast_run.stdout, fast_run.stderr) == (
            typer_run.returncode,
            typer_run.stdout,
            typer_run.stderr,
        ), args


def test_discover_json_loads_neither_typer_nor_rich(
    fixture_catalog: Callable[..., Catalog],
) -> None:
    fixture_catalog(PLUGINS).close()
    code = (
        "import sys\nfrom agentops_lite.cli import fast\n"
        "assert fast.run(['discover', 'kubernetes', '--json'])\n"
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_the_saved_help_is_typer_s_help_of_this_code() -> None:
    signature, _, text = Path(fast.HELP_FILE).read_text("utf-8").partition("\n")
    assert signature == fast.help_signature(), "run scripts/build_snapshot.py"
    assert Path(fast.HELP_FILE).read_text("utf-8") == fast.help_document()
    assert text.startswith("Usage: agentops-lite [OPTIONS] COMMAND")


@pytest.mark.skipif(not ENTRY.exists(), reason="needs the installed console script")
@pytest.mark.parametrize("columns", ["80", "200", "60"])
def test_help_is_typer_s_at_any_width(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    fast_run, typer_run = _both(["--help"])
    assert fast_run.returncode == typer_run.returncode == 0
    assert fast_run.stdout == typer_run.stdout


def test_a_stale_saved_help_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "help.txt"
    stale.write_text("not-this-code\nUsage: old\n")
    monkeypatch.setattr(fast, "HELP_FILE", str(stale))
    assert fast._saved_help() is None
    assert fast.run(["--help"]) is False
