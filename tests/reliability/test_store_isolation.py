"""A load result that cannot be stored fails that marketplace only, its old data kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.store import store_result
from agentops_lite.refresh.update import add_source
from agentops_lite.sources.local import load_local

GOOD = {"name": "p", "source": "./plugins/p"}
FILES = {"plugins/p/commands/hello.md": "---\ndescription: hi\n---\n"}


def test_unstorable_result_is_one_failed_outcome(make_marketplace: Callable[..., Path]) -> None:
    root = make_marketplace(plugins=[GOOD], files=FILES)
    with Catalog.open() as catalog:
        record, _ = add_source(catalog, str(root))
        before = [p.entry for p in catalog.plugins(record.key)]
        assert before
        loaded = load_local(root)
        # Text no SQLite column takes (a lone surrogate), as a source bypassing our parser
        # could hand over.
        plugin = loaded.manifest.plugins[0].model_copy(update={"description": "bad \ud800"})
        manifest = loaded.manifest.model_copy(update={"plugins": (plugin,)})
        bad = loaded.model_copy(update={"manifest": manifest})
        outcome = store_result(catalog, catalog.marketplace(record.key), bad)
        assert outcome.status == "error"
        assert "could not store it" in (outcome.message or "")
        assert [p.entry for p in catalog.plugins(record.key)] == before
        assert catalog.marketplace(record.key).status == "error"
