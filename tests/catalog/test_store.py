"""The catalog store: one transaction per refresh, failures keep data, names, concurrency."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.update import add_source, refresh
from agentops_lite.settings import db_path


def plugin(name: str) -> dict[str, object]:
    return {"name": name, "source": f"./{name}", "description": f"{name} plugin"}


def test_catalog_add_loads_local_and_refresh_replaces(
    make_marketplace: Callable[..., Path],
) -> None:
    root = make_marketplace("m1", plugins=[plugin("a"), plugin("b")])
    with Catalog.open() as cat:
        record, outcome = add_source(cat, str(root))
        assert outcome is not None and outcome.status == "ok"
        assert (record.key, record.name, record.plugin_count) == ("m1", "m1", 2)
        make_marketplace("m1", plugins=[plugin("c")])
        report = refresh(cat)
        assert [o.status for o in report.outcomes] == ["ok"]
        assert [p.name for p in cat.plugins()] == ["c"]
        history = cat.conn.execute("SELECT marketplaces, plugins, ok FROM refreshes").fetchall()
        assert history[-1] == (1, 1, 1)


def test_catalog_failed_refresh_keeps_previous_data(make_marketplace: Callable[..., Path]) -> None:
    root = make_marketplace("m1", plugins=[plugin("a")])
    with Catalog.open() as cat:
        add_source(cat, str(root))
        (root / ".claude-plugin" / "marketplace.json").unlink()
        report = refresh(cat)
        assert report.outcomes[0].status == "error"
        record = cat.marketplace("m1")
        assert record.status == "error" and "no .claude-plugin" in (record.last_error or "")
        assert [p.name for p in cat.plugins()] == ["a"]


def test_catalog_same_declared_name_keeps_both(make_marketplace: Callable[..., Path]) -> None:
    a = make_marketplace("shared", plugins=[plugin("a")], folder="one")
    b = make_marketplace("shared", plugins=[plugin("b")], folder="two")
    with Catalog.open() as cat:
        add_source(cat, str(a))
        add_source(cat, str(b))
        records = {m.key: m for m in cat.marketplaces()}
        assert set(records) == {"shared", "shared@two"}
        assert all(m.name == "shared" and m.name_conflict for m in records.values())
        assert {p.install_name for p in cat.plugins()} == {"a@shared", "b@shared"}


def test_catalog_marketplace_removed_during_refresh_does_not_stop_it(
    make_marketplace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from agentops_lite.refresh import update as refresh_module

    a = make_marketplace("ma", plugins=[plugin("a")])
    b = make_marketplace("mb", plugins=[plugin("b")])
    with Catalog.open() as cat:
        add_source(cat, str(a))
        add_source(cat, str(b))
        load = refresh_module.load_local_record

        def load_then_other_process_removes(record: object) -> object:
            result = load(record)  # type: ignore[arg-type]
            if getattr(record, "key", None) == "ma":
                with Catalog.open() as other:
                    other.remove_marketplace("ma")
            return result

        monkeypatch.setattr(refresh_module, "load_local_record", load_then_other_process_removes)
        report = refresh(cat)
        status = {o.key: o.status for o in report.outcomes}
        assert status == {"ma": "error", "mb": "ok"}
        assert [m.key for m in cat.marketplaces()] == ["mb"]


def test_catalog_ambiguous_declared_name_removes_nothing(
    make_marketplace: Callable[..., Path], cli: Callable[..., object]
) -> None:
    for folder in ("one", "two", "three"):
        add = cli("marketplace", "add", str(make_marketplace("dupe", folder=folder)))
        assert add.exit_code == 0  # type: ignore[attr-defined]
    assert cli("marketplace", "remove", "dupe").exit_code == 0  # type: ignore[attr-defined]
    # `dupe` is now only a declared name, shared by two: removing either would be a guess.
    again = cli("marketplace", "remove", "dupe")
    assert again.exit_code == 2 and "dupe@three" in again.stderr  # type: ignore[attr-defined]
    with Catalog.open() as cat:
        assert [m.key for m in cat.marketplaces()] == ["dupe@three", "dupe@two"]


def test_catalog_adding_twice_is_refused_and_changes_nothing(
    make_marketplace: Callable[..., Path], cli: Callable[..., object]
) -> None:
    root = make_marketplace("m1", plugins=[plugin("a")])
    first = cli("marketplace", "add", str(root))
    again = cli("marketplace", "add", str(root))
    assert first.exit_code == 0  # type: ignore[attr-defined]
    assert again.exit_code == 2 and "already in the catalog" in again.stderr  # type: ignore[attr-defined]
    with Catalog.open() as cat:
        assert len(cat.marketplaces()) == 1


@pytest.mark.parametrize(("text", "says"), [("{bad", "invalid JSON"), ("[1]", "array")])
def test_catalog_adding_an_unreadable_manifest_is_refused(
    make_marketplace: Callable[..., Path], cli: Callable[..., object], text: str, says: str
) -> None:
    good = make_marketplace("m1", plugins=[plugin("a")])
    assert cli("marketplace", "add", str(good)).exit_code == 0  # type: ignore[attr-defined]
    bad = make_marketplace("m2", plugins=[plugin("b")])
    (bad / ".claude-plugin" / "marketplace.json").write_text(text)
    r = cli("marketplace", "add", str(bad))
    assert r.exit_code == 2 and says in r.stderr  # type: ignore[attr-defined]
    with Catalog.open() as cat:  # nothing registered, nothing lost
        assert [m.key for m in cat.marketplaces()] == ["m1"]
        assert [p.name for p in cat.plugins()] == ["a"]


@pytest.mark.parametrize(
    "broken", ["{bad", '{"name": "m1", "plugins": [], "x": "%s"}' % ("y" * 9_000_000)]
)
def test_catalog_refresh_of_a_manifest_turned_unreadable_keeps_the_plugins(
    make_marketplace: Callable[..., Path], cli: Callable[..., object], broken: str
) -> None:
    root = make_marketplace("m1", plugins=[plugin("a")])
    assert cli("marketplace", "add", str(root)).exit_code == 0  # type: ignore[attr-defined]
    (root / ".claude-plugin" / "marketplace.json").write_text(broken)  # invalid, or over 8 MiB
    r = cli("refresh", "m1", "--offline", "--json")
    assert r.exit_code == 4  # type: ignore[attr-defined]
    [outcome] = json.loads(r.stdout)["outcomes"]  # type: ignore[attr-defined]
    assert outcome["status"] == "error" and "unreadable manifest" in outcome["message"]
    assert json.loads(r.stdout)["offline"] is True  # type: ignore[attr-defined]
    with Catalog.open() as cat:
        assert [p.name for p in cat.plugins()] == ["a"]
        # One command, one entry in the refresh history (the add, then this refresh).
        assert cat.conn.execute("SELECT COUNT(*) FROM refreshes").fetchone()[0] == 2


_WRITER = """
import sys, time
from pathlib import Path
from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.update import refresh
with Catalog.open() as cat:
    for _ in range(int(sys.argv[1])):
        refresh(cat)
"""


def test_catalog_two_processes_refreshing_at_once(make_marketplace: Callable[..., Path]) -> None:
    root = make_marketplace("m1", plugins=[plugin(f"p{i}") for i in range(200)])
    with Catalog.open() as cat:
        add_source(cat, str(root))
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, "15"], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    with Catalog.open() as cat:
        assert len(cat.plugins()) == 200
        assert cat.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert cat.conn.execute("SELECT COUNT(*) FROM refreshes").fetchone()[0] == 31


_SLOW_REFRESH = """
import time
from agentops_lite.catalog import store as c
from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.update import refresh
original = c.Catalog._store
def slow(self, mid, result):
    original(self, mid, result)
    print("stored-inside-transaction", flush=True)
    time.sleep(60)   # killed here: after the writes, before COMMIT
c.Catalog._store = slow
with Catalog.open() as cat:
    refresh(cat)
"""


def test_catalog_sigkill_mid_refresh_keeps_old_data(make_marketplace: Callable[..., Path]) -> None:
    root = make_marketplace("m1", plugins=[plugin("old")])
    with Catalog.open() as cat:
        add_source(cat, str(root))
    make_marketplace("m1", plugins=[plugin("new1"), plugin("new2")])
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_REFRESH], stdout=subprocess.PIPE, env=os.environ.copy()
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"stored-inside-transaction"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    assert db_path().exists()
    start = time.monotonic()
    with Catalog.open() as cat:
        assert [p.name for p in cat.plugins()] == ["old"]
        assert cat.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert time.monotonic() - start < 5
    # The next refresh works normally.
    with Catalog.open() as cat:
        refresh(cat)
        assert sorted(p.name for p in cat.plugins()) == ["new1", "new2"]


def test_catalog_problems_are_stored_with_paths(make_marketplace: Callable[..., Path]) -> None:
    raw = json.dumps(
        {"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "x", "source": "github:a/b"}]}
    )
    root = make_marketplace("m", raw=raw)
    with Catalog.open() as cat:
        add_source(cat, str(root))
        rows = cat.conn.execute("SELECT plugin_name, severity, path, code FROM problems").fetchall()
    assert ("x", "error", "plugins[0].source", "source-github-shorthand") in rows
    assert (None, "warning", "description", "missing-description") in rows
