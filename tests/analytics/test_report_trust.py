"""The report's trust panel: largest runnable surfaces and recent changes, escaped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from agentops_lite.analytics.report import build_report
from agentops_lite.catalog.store import Catalog
from agentops_lite.refresh.update import add_source, refresh
from tests.discovery.test_trust import PLUGINS, _plugin_files


def test_trust_panel_lists_surfaces_and_changes(
    make_marketplace: Callable[..., Path], isolated_home: Path
) -> None:
    plugins = [*PLUGINS, {"name": "<script>x</script>", "source": "./plugins/runner"}]
    root = make_marketplace("trusty", plugins=plugins, files=_plugin_files())
    cat = Catalog.open()
    add_source(cat, str(root))
    html, _, _ = build_report(cat.conn)
    panel = html[html.index('<h2 id="trust">') : html.index('<h2 id="plugins-title">')]
    assert "<td>runner</td><td>trusty</td><td>6</td>" in panel
    assert "&lt;script&gt;x&lt;/script&gt;" in panel and "<script>x" not in panel
    assert "none recorded yet" in panel  # one refresh: no change yet
    (root / "plugins/runner/.mcp.json").write_text(json.dumps({"mcpServers": {}}))
    refresh(cat)
    html, _, _ = build_report(cat.conn)
    panel = html[html.index('<h2 id="trust">') : html.index('<h2 id="plugins-title">')]
    assert "<td>runner</td><td>trusty</td><td>+0 / -4</td>" in panel
