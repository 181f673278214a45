"""The HTML report without a browser: escaping, safe JSON embedding, the CSP pin, the CLI."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\u2028\u2029<!--"


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "</SCRIPT>", "a & b", "<!-- x -->", "\u2028", {"k</script>": ["\u2029"]}],
)
def test_embed_json_cannot_close_its_script(value: object) -> None:
    from agentops_lite.analytics.report import embed_json

    text = embed_json(value)
    assert "<" not in text and ">" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value


@pytest.fixture
def hostile(make_marketplace: Callable[..., Path]) -> Path:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.refresh.update import add_source

    folder = make_marketplace(
        "<b>market</b>",
        plugins=[
            {"name": "ok", "source": "./p/ok", "description": HOSTILE, "category": HOSTILE},
            {"name": "ok2", "source": "./p/ok2", "keywords": [HOSTILE]},
        ],
        folder="hostile",
    )
    with Catalog.open() as cat:
        add_source(cat, str(folder))
    return folder


def test_report_escapes_marketplace_text(
    hostile: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    result = cli("report", "-o", str(target), "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    written = json.loads(result.stdout)
    html = target.read_text(encoding="utf-8")
    assert written["bytes"] == len(html.encode()) and written["plugins"] == 2
    assert len(re.findall(r"<script\b", html)) == 2  # the data block and our code
    assert "<img" not in html and "<b>" not in html
    assert "&lt;b&gt;market&lt;/b&gt;" in html  # charts and the marketplace table
    assert "\u2028" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # The only URLs are the GitHub links the report builds (none here: a local marketplace).
    assert re.findall(r"https://(?!github\.com/)", html) == []
    assert 'href="https://' not in html


def test_report_csp_pins_the_one_script(hostile: Path, tmp_path: Path) -> None:
    from agentops_lite.analytics.report import write_report
    from agentops_lite.catalog.store import Catalog

    with Catalog.open() as cat:
        write_report(cat.conn, tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    code = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(code) == 1
    digest = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    assert f"script-src 'sha256-{digest}'" in csp.group(1)
    assert "default-src 'none'" in csp.group(1)


def test_report_on_first_use_shows_the_snapshot(cli: Callable[..., Result], tmp_path: Path) -> None:
    # Seeded like every read command: not an empty report whose data age says "every
    # marketplace was loaded from its source".
    result = cli("report", "-o", str(tmp_path / "first.html"))
    assert result.exit_code == 0, result.stdout + result.stderr
    html = (tmp_path / "first.html").read_text()
    assert "built-in snapshot of" in html and "loaded from its source" not in html
    assert 'href="https://github.com/' in html
    assert json.loads(cli("stats", "--json").stdout)["totals"]["plugin_listings"] > 1000


def test_report_empty_catalog(cli: Callable[..., Result], tmp_path: Path) -> None:
    assert cli("defaults", "drop").exit_code == 0  # set up, and empty
    result = cli("report", "-o", str(tmp_path / "empty.html"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "wrote" in result.stderr
    html = (tmp_path / "empty.html").read_text()
    assert "No history yet" in html and "no workflow runs yet" in html
    assert "no star data" in html and "several days. No star counts recorded." in html


def test_report_needs_output(cli: Callable[..., Result]) -> None:
    result = cli("report")
    assert result.exit_code == 2


@pytest.mark.corpus
def test_report_corpus_size(
    corpus_catalog: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    target = tmp_path / "corpus.html"
    result = cli("report", "-o", str(target), "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    # The file stays small enough to mail around: under 1 MB for ~3,000 plugins.
    assert target.stat().st_size < 1_000_000
