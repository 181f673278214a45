"""The static quality score: parts, unknowns left out, directory checks, README word count."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from agentops_lite.discovery.quality import directory_findings, quality_of
from agentops_lite.models import (
    PluginEntry,
    PluginFiles,
    PluginRecord,
    PluginSource,
    ReadmeFacts,
    RunItem,
)
from agentops_lite.parse.plugin_files import readme_words

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _record(files: PluginFiles | None, **entry: object) -> PluginRecord:
    e = PluginEntry(
        name="pdf-tools",
        index=0,
        source=PluginSource(kind="relative", path="p"),
        components_read=files is not None,
        files=files,
        **entry,  # type: ignore[arg-type]
    )
    return PluginRecord(
        id=1,
        marketplace_key="m",
        marketplace_name="m",
        marketplace_source="/m",
        entry=e,
        dedup_key="k",
        pushed_at=NOW - timedelta(days=10),
    )


def test_unread_files_are_unknown_not_faults() -> None:
    q = quality_of(_record(None, description="Edit and merge PDF files quickly"), NOW)
    unknown = {p.name for p in q.parts if p.points is None}
    assert unknown == {"readme", "icon", "components", "evals", "directory", "license"}
    assert q.directory is None and q.known < 0.5 and q.score is None


def test_a_complete_plugin_loses_only_what_it_lacks() -> None:
    files = PluginFiles(
        readme=ReadmeFacts(path="README.md", words=120, install_line=True),
        license_file="LICENSE",
        icon=".claude-plugin/icon.png",
        evals=True,
    )
    q = quality_of(
        _record(files, description="Edit and merge PDF files quickly", version="1.2"), NOW
    )
    assert q.directory == [] and q.score is not None
    assert {p.name: p.points for p in q.parts}["components"] == 5  # ships no components
    assert q.score == 95


@pytest.mark.parametrize(
    ("files", "codes"),
    [
        (PluginFiles(), {"README_MISSING", "LICENSE_MISSING", "ICON_MISSING"}),
        (
            PluginFiles(
                readme=ReadmeFacts(path="README.md", words=39, install_line=False),
                license_declared=True,
                icon="x.png",
            ),
            {"README_TRIVIAL"},
        ),
        (
            PluginFiles(
                readme=ReadmeFacts(path="README", words=40, install_line=False),
                license_file="COPYING",
                icon="x.png",
                runs=(RunItem(kind="mcp", name="api", command="https://a.io", detail="http"),),
            ),
            {"PRIVACY_URL_MISSING"},
        ),
    ],
)
def test_directory_findings(files: PluginFiles, codes: set[str]) -> None:
    found = directory_findings(_record(files).entry)
    assert {f.code for f in found or []} == codes


def test_description_that_only_repeats_the_name_scores_low() -> None:
    q = quality_of(_record(None, description="PDF tools plugin"), NOW)
    assert {p.name: p.points for p in q.parts}["description"] == 2


def test_readme_words_leave_out_code_links_and_urls() -> None:
    text = "Hello [the docs](https://x.io/a) see https://y.io\n```\nnot counted here\n```\nbye"
    assert readme_words(text) == 5  # Hello, the, docs, see, bye


def test_quality_is_a_prior_in_discover(
    make_marketplace: Callable[..., Path], isolated_home: Path
) -> None:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.discovery.rank import discover
    from agentops_lite.refresh.update import add_source

    blurb = "Convert spreadsheets into charts for quarterly reports"
    plugins = [
        {"name": name, "source": f"./plugins/{name}", "description": blurb}
        for name in ("aaa-charts", "zzz-charts")
    ]
    good = {
        "plugins/zzz-charts/.claude-plugin/plugin.json": json.dumps(
            {"name": "zzz-charts", "version": "1.0.0", "license": "MIT"}
        ),
        "plugins/zzz-charts/README.md": "Turn a spreadsheet into a chart. " * 20,
        "plugins/zzz-charts/.claude-plugin/icon.png": "png",
        "plugins/aaa-charts/.claude-plugin/plugin.json": json.dumps({"name": "aaa-charts"}),
    }
    cat = Catalog.open()
    add_source(cat, str(make_marketplace("charts", plugins=plugins, files=good)))
    result = discover(cat, "spreadsheet charts", explain=True)
    assert [h.plugin for h in result.results] == ["zzz-charts", "aaa-charts"]
    assert any(line.startswith("quality ") for line in result.results[0].explain or [])
