"""The HTML report in a real headless Chromium: no errors, charts drawn, search works, XSS inert."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.analytics.cdp import Browser, chromium_binary
from tests.conftest import CI

PWNED = "document.title='pwned'"
INJECTED = [
    f"<script>{PWNED}</script>",
    f'<img src=x onerror="{PWNED}">',
    f"</script><script>{PWNED}</script>",
]

# Draws a PNG into a canvas on a blank page: how much of it is not white, how many colours.
PIXELS_JS = """(async () => {
  const img = new Image(); img.src = "data:image/png;base64,%s"; await img.decode();
  const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
  const ctx = c.getContext("2d"); ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let ink = 0; const colours = new Set();
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
    colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  }
  return {width: c.width, height: c.height, ink: ink / (d.length / 4), colours: colours.size};
})()"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    binary = chromium_binary()
    if binary is None:
        if CI:
            pytest.fail("chromium is mandatory in CI (see .ci/install-chromium)", pytrace=False)
        pytest.skip("chromium is not installed (apt-get install chromium)")
    instance = Browser(binary, tmp_path / "chromium-profile")
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def hostile_catalog(make_marketplace: Callable[..., Path]) -> None:
    """Marketplace text that tries to run script in the report, next to ordinary plugins."""
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.refresh.update import add_source

    plugins: list[dict[str, Any]] = [
        {
            "name": "alpha-kube",
            "source": "./p/alpha",
            "description": "Deploy to kubernetes",
            "category": "DevOps",
        },
        {"name": "beta-db", "source": "./p/beta", "description": "Postgres tools"},
        {
            "name": "xss-script",
            "source": "./p/x1",
            "description": INJECTED[0] + " hello",
            "category": "<b>bold</b>",
            "keywords": [INJECTED[1]],
        },
        {"name": "xss-img", "source": "./p/x2", "description": INJECTED[1] + "\u2028next line"},
        {"name": INJECTED[2], "source": "./p/x3", "description": "closing tag in a name"},
    ]
    files = {"p/alpha/commands/go.md": "---\ndescription: go\n---\n"}
    folder = make_marketplace(
        f'<svg onload="{PWNED}">', plugins=plugins, files=files, folder="hostile"
    )
    with Catalog.open() as cat:
        add_source(cat, str(folder))


def _open_report(cli: Callable[..., Result], browser: Browser, target: Path) -> None:
    result = cli("report", "-o", str(target))
    assert result.exit_code == 0, result.stdout + result.stderr
    browser.navigate(target.as_uri())


def _visible_rows(browser: Browser) -> int:
    rows: int = browser.eval("document.querySelectorAll('#plugins tbody tr:not([hidden])').length")
    return rows


def _type(browser: Browser, text: str) -> None:
    """Replace the search box's text the way a user would (focus, select all, type)."""
    browser.eval("(() => { const q = document.getElementById('q'); q.focus(); q.select(); })()")
    if text:
        browser.call("Input.insertText", text=text)
    else:
        for kind in ("rawKeyDown", "keyUp"):
            browser.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key="Backspace",
                code="Backspace",
                windowsVirtualKeyCode=8,
            )


def _charts_pixels(browser: Browser) -> dict[str, Any]:
    box = browser.eval(
        "(() => { const r = document.querySelector('.charts').getBoundingClientRect();"
        " return {x: r.x, y: r.y + scrollY, width: r.width, height: r.height}; })()"
    )
    shot = browser.call(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={**box, "scale": 0.5},
    )
    browser.navigate("about:blank")
    stats: dict[str, Any] = browser.eval(PIXELS_JS % shot["data"])
    return stats


@pytest.mark.browser
def test_report_browser_hostile_text_stays_inert(
    hostile_catalog: None, cli: Callable[..., Result], browser: Browser, tmp_path: Path
) -> None:
    _open_report(cli, browser, tmp_path / "report.html")
    assert browser.errors() == []
    assert browser.eval("document.title") == "agentops-lite report"
    assert (
        browser.eval("window.pwned === undefined && document.querySelectorAll('img').length") == 0
    )
    # Exactly our two script elements (data + code); nothing injected became an element.
    assert browser.eval("document.scripts.length") == 2
    assert browser.eval("document.querySelectorAll('svg [onload], td *[onerror]').length") == 0
    text = browser.eval("document.querySelector('#plugins tbody').textContent")
    for markup in INJECTED:
        assert markup in text
    assert "\u2028next line" in text
    page_text = browser.eval("document.body.innerText")
    assert "<b>bold</b>" in page_text
    assert f'<svg onload="{PWNED}">' in page_text  # the marketplace name, shown as text


@pytest.mark.browser
def test_report_browser_search_sort_and_charts(
    hostile_catalog: None, cli: Callable[..., Result], browser: Browser, tmp_path: Path
) -> None:
    _open_report(cli, browser, tmp_path / "report.html")
    assert _visible_rows(browser) == 5
    assert browser.eval("document.getElementById('count').textContent") == "5 of 5 plugins"
    _type(browser, "kube")
    assert _visible_rows(browser) == 1
    assert "alpha-kube" in browser.eval(
        "document.querySelector('#plugins tbody tr:not([hidden])').textContent"
    )
    codes = browser.eval(
        "[...document.querySelectorAll('#plugins tbody tr:not([hidden]) code')]"
        ".map(c => c.textContent)"
    )
    # The recipe in order: add the marketplace, then install from it.
    assert codes[0].startswith("/plugin marketplace add ") and codes[1].startswith(
        "/plugin install alpha-kube@"
    )
    _type(browser, "zzz-nothing")
    assert _visible_rows(browser) == 0
    _type(browser, "")
    assert _visible_rows(browser) == 5
    # Sorting by name, twice: ascending then descending.
    first = "document.querySelector('#plugins tbody tr td').textContent"
    browser.eval("document.querySelector('button[data-col=name]').click(); 0")
    ascending = browser.eval(first)
    browser.eval("document.querySelector('button[data-col=name]').click(); 0")
    assert browser.eval(first) != ascending
    assert (
        browser.eval("document.querySelector('th[aria-sort=descending] button').dataset.col")
        == "name"
    )
    heights = browser.eval(
        "[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().height)"
    )
    assert len(heights) == 8 and all(h > 20 for h in heights)
    assert browser.errors() == []
    pixels = _charts_pixels(browser)
    assert pixels["width"] > 300 and pixels["height"] > 300
    assert pixels["ink"] > 0.03, pixels  # bars, labels and frames, not a blank area
    assert pixels["colours"] > 20, pixels


@pytest.mark.browser
@pytest.mark.corpus
def test_report_browser_corpus(
    corpus_catalog: Path, cli: Callable[..., Result], browser: Browser, tmp_path: Path
) -> None:
    target = tmp_path / "corpus.html"
    result = cli("report", "-o", str(target), "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    written = json.loads(result.stdout)
    assert written["bytes"] == target.stat().st_size < 1_500_000
    browser.navigate(target.as_uri())
    assert browser.errors() == []
    total = _visible_rows(browser)
    assert total == written["plugins"] > 2000
    _type(browser, "kubernetes")
    assert 0 < _visible_rows(browser) < total
    pixels = _charts_pixels(browser)
    assert pixels["ink"] > 0.03 and pixels["colours"] > 20, pixels


@pytest.mark.browser
def test_report_browser_reflows_at_420px_and_links_repos(
    cli: Callable[..., Result], browser: Browser, tmp_path: Path
) -> None:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.refresh.defaults import load_defaults

    with Catalog.open() as cat:  # the built-in snapshot: GitHub repos, some star counts
        load_defaults(cat)
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=420,
        height=900,
        deviceScaleFactor=1,
        mobile=True,
    )
    _open_report(cli, browser, tmp_path / "report.html")
    assert browser.errors() == []
    # Nothing wider than the screen: the page does not scroll sideways (wide tables scroll
    # inside their own box) and every chart fits.
    assert browser.eval("document.documentElement.scrollWidth") <= 420
    rights = browser.eval(
        "[...document.querySelectorAll('svg.chart, figure, .cards')]"
        ".map(e => e.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= 420, rights
    shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
    png = tmp_path / "report-420.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    assert png.read_bytes()[16:24] == (420).to_bytes(4, "big") + (900).to_bytes(4, "big")
    # Links go to the repos, and only there.
    hrefs = browser.eval("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert len(hrefs) > 100 and all(h.startswith("https://github.com/") for h in hrefs)
    text = browser.eval("document.body.textContent")
    assert "No history yet" in text and "built-in snapshot of" in text
    assert "tar counts recorded" in text and "(unknown, not 0) are not drawn" in text
