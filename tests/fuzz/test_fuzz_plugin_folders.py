"""Fuzz: hostile marketplace folders through the real CLI: no internal error, no traceback,
good plugins kept with their components, nothing outside the folder read."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.profiles import bounded, fuzz
from tests.fuzz.strategies import hostile_path, hostile_text, manifests

SECRET = "OUTSIDE-SECRET-7f3a"
SECRET_MD = f"---\nname: {SECRET}\ndescription: {SECRET}\n---\n"
SECRET_JSON = json.dumps({"name": SECRET, "description": SECRET, "commands": "./"})

# Where a symlink out of the folder may be planted, relative to the marketplace root.
LINK_SPOTS = [
    "plugins/good-0/commands/evil.md",
    "plugins/good-0/.claude-plugin/plugin.json",
    "plugins/good-0/agents",
    "plugins/good-0/skills/evil",
    "plugins/good-0/.mcp.json",
    "plugins/good-0/hooks/hooks.json",
    "plugins/hostile",
    ".claude-plugin/marketplace.json",
]


def _write_good(root: Path, name: str) -> None:
    plugin = root / "plugins" / name
    (plugin / ".claude-plugin").mkdir(parents=True, exist_ok=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps({"name": name}))
    (plugin / "commands").mkdir(exist_ok=True)
    (plugin / "commands" / "hello.md").write_text("---\ndescription: says hello\n---\n")


def _plant(root: Path, rel: str, outside: Path) -> None:
    target = root / rel
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    kind = outside / ("secret.json" if rel.endswith(".json") else "secret.md")
    os.symlink(outside if not rel.endswith((".md", ".json")) else kind, target)


def _odd_file(root: Path, rel: str | bytes, data: bytes) -> None:
    """A file with an odd name (controls, not UTF-8, traversal-looking) in the good plugin."""
    try:
        if isinstance(rel, bytes):  # a name that is not UTF-8 at all
            folder = os.fsencode(root / "plugins" / "good-0" / "commands")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, rel + b".md"), "wb") as fh:
                fh.write(data)
            return
        target = root / "plugins" / "good-0" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except (OSError, ValueError):
        pass  # a name this filesystem refuses: nothing to plant


@fuzz(examples=20)
@given(
    case=manifests(),
    links=st.lists(st.sampled_from(LINK_SPOTS), max_size=3, unique=True),
    odd=st.lists(
        st.tuples(
            hostile_path.map(lambda p: p.lstrip("./") or "x")
            | st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b),
            st.binary(max_size=64) | hostile_text.map(lambda t: t.encode("utf-8", "replace")),
        ),
        max_size=3,
    ),
)
def test_fuzz_hostile_folders_through_the_cli(
    case: tuple[bytes, list[str]],
    links: list[str],
    odd: list[tuple[str | bytes, bytes]],
    cli: Callable[..., Any],
) -> None:
    data, good = case
    with tempfile.TemporaryDirectory(prefix="fuzz-market-") as tmp:
        outside = Path(tmp) / "outside"
        outside.mkdir()
        (outside / "secret.md").write_text(SECRET_MD)
        (outside / "secret.json").write_text(SECRET_JSON)
        (outside / "commands").mkdir()
        (outside / "commands" / "stolen.md").write_text(SECRET_MD)
        root = Path(tmp) / "market"
        (root / ".claude-plugin").mkdir(parents=True)
        (root / ".claude-plugin" / "marketplace.json").write_bytes(data)
        for name in good:
            _write_good(root, name)
        for rel, body in odd:
            _odd_file(root, rel, body)
        if good:
            for rel in links:
                _plant(root, rel, outside)
        with bounded("marketplace add"):
            added = cli("marketplace", "add", str(root), "--json")
        shown = added.stdout + added.stderr
        assert "internal error" not in shown and "Traceback" not in shown, shown[-2000:]
        assert added.exit_code in (0, 2), shown[-2000:]
        assert SECRET not in shown
        if added.exit_code != 0:
            return
        key = json.loads(added.stdout)["marketplace"]["key"]
        listed = cli("plugins", "--marketplace", key, "--json")
        assert listed.exit_code == 0, listed.stdout + listed.stderr
        assert SECRET not in listed.stdout
        plugins = {p["plugin"]: p for p in json.loads(listed.stdout)["plugins"]}
        for name in good:
            commands = {c["name"] for c in plugins[name]["components"]}
            assert "hello" in commands, plugins[name]
        event(f"loaded, {len(good)} good plugin(s)")
        with bounded("refresh"):
            again = cli("refresh", key, "--json")
        assert "internal error" not in again.stderr and "Traceback" not in again.stderr
        assert again.exit_code in (0, 4), again.stdout + again.stderr
        cli("marketplace", "remove", key)
