"""discover/show/compare/similar/prime through the real entry point: JSON contract, escaping."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentops_lite.catalog.store import Catalog
from tests.discovery.conftest import PLUGINS

HOSTILE = (
    "Deploys k8s \x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eevil [red]x[/red]"
)


@pytest.fixture
def loaded(fixture_catalog: Callable[..., Catalog]) -> Catalog:
    hostile = {"name": "hostile-k8s", "source": "./plugins/hostile-k8s", "description": HOSTILE}
    hooked = {"name": "hooked", "source": "./plugins/hooked", "description": "Kubernetes guard"}
    files = {
        "plugins/hooked/hooks/hooks.json": json.dumps(
            {
                "hooks": {
                    "PreToolUse": [{"hooks": [{"type": "command", "command": "rm -rf /tmp/x"}]}]
                }
            }
        ),
        "plugins/hooked/commands/deploy.md": "---\ndescription: deploy it\n---\nbody",
        "plugins/kubernetes-deployer/commands/deploy.md": "---\ndescription: deploy\n---\nbody",
    }
    cat = fixture_catalog([*PLUGINS, hostile, hooked], files=files)
    cat.close()
    return cat


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def test_discover_json_contract(cli: Callable[..., Result], loaded: Catalog) -> None:
    doc = json.loads(ok(cli("discover", "kubernetes manifests", "--json", "--limit", "3")))
    assert doc["query"] == "kubernetes manifests"
    assert set(doc["catalog"]) >= {"marketplaces", "plugins", "refreshed_at"}
    assert 1 <= len(doc["results"]) <= 3
    for r in doc["results"]:
        assert set(r) >= {
            "plugin",
            "marketplace",
            "score",
            "components",
            "description",
            "install",
            "installed",
            "flags",
        }
        assert set(r["components"]) == {"relevance", "stars", "recency", "installs", "semantic"}
        assert r["install"]["command"] == f"/plugin install {r['plugin']}@alpha-market"
        assert r["install"]["marketplace_add"].startswith("/plugin marketplace add ")
        assert r["install"]["one_step"].startswith(f"claude plugin install {r['plugin']} ")
        assert 0 <= r["score"] <= 1


def test_discover_json_says_what_each_plugin_ships(
    cli: Callable[..., Result], loaded: Catalog
) -> None:
    doc = json.loads(ok(cli("discover", "kubernetes guard", "--json")))
    hooked = next(r for r in doc["results"] if r["plugin"] == "hooked")
    assert hooked["contains"] == {"command": 1, "hook": 1}
    assert hooked["component_names"] == ["deploy"]  # hooks are counted, not named
    bare = next(r for r in doc["results"] if r["plugin"] == "hostile-k8s")
    assert (bare["contains"], bare["component_names"]) == ({}, [])


@pytest.mark.parametrize("command", ["discover", "prime"])
def test_an_empty_query_is_a_usage_error(
    cli: Callable[..., Result], loaded: Catalog, command: str
) -> None:
    r = cli(command, " ")
    assert r.exit_code == 2 and r.stderr.startswith("error: the query is empty")


def test_prime_offers_nothing_for_an_intent_nothing_matches(
    cli: Callable[..., Result], loaded: Catalog
) -> None:
    doc = json.loads(ok(cli("prime", "zzqxqzzq", "--json")))
    assert doc["primary"] == [] and doc["complementary"] == []
    assert [p["chosen"] for p in doc["stage_picks"]] == [None] * len(doc["stage_picks"])
    # A weak match is no pick either: "helm" is in the catalog, the cake is not.
    doc = json.loads(ok(cli("prime", "bake a chocolate helm cake", "--json")))
    assert doc["primary"] == [] and doc["order"] == []
    out = ok(cli("prime", "bake a chocolate helm cake"))
    assert "no plugin to suggest" in out and "/plugin install" not in out


def test_errors_stay_one_capped_line_however_long_the_input(
    cli: Callable[..., Result], loaded: Catalog
) -> None:
    r = cli("show", "x" * 5000)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["error", "hint"]
    assert all(len(line) <= 410 for line in lines)


def test_tables_never_split_a_date_or_count_at_80_columns(
    cli: Callable[..., Result], loaded: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timezone

    monkeypatch.setenv("COLUMNS", "80")
    [market] = json.loads(ok(cli("marketplace", "list", "--json")))["marketplaces"]
    folder = Path(market["source"])
    folder.rename(folder.with_name("gone"))  # a failed refresh: a long error in `status`
    assert cli("refresh", market["key"]).exit_code == 4
    folder.with_name("gone").rename(folder)
    listing = ok(cli("marketplace", "list"))
    assert max(len(line) for line in listing.splitlines()) <= 80
    assert datetime.now(timezone.utc).date().isoformat() in listing  # refreshed just now
    # The text columns wrap but stay readable: the id's start and the status are shown.
    assert market["key"][:8] in listing and "error" in listing


def test_discover_says_which_filters_left_nothing(
    cli: Callable[..., Result], loaded: Catalog
) -> None:
    r = cli("discover", "kubernetes", "--installed", "--category", "nope")
    assert r.exit_code == 0
    assert "no plugin matches kubernetes with --category nope, --installed" in r.stdout
    assert "try without the filters" in r.stderr


def test_discover_table_escapes_untrusted_text(cli: Callable[..., Result], loaded: Catalog) -> None:
    out = ok(cli("discover", "k8s", "--explain"))
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in out
    assert "[red]x[/red]" in out or "[red]x" in out  # shown literally, never interpreted
    doc = ok(cli("discover", "k8s", "--json"))
    assert "\x1b" not in doc and "\u202e" not in doc


def test_discover_bad_weights_is_a_usage_error(cli: Callable[..., Result], loaded: Catalog) -> None:
    result = cli("discover", "k8s", "--weights", "stars=lots")
    assert result.exit_code == 2 and "weight" in result.stderr


def test_show_lists_the_code_it_runs(cli: Callable[..., Result], loaded: Catalog) -> None:
    doc = json.loads(ok(cli("show", "hooked@alpha-market", "--json")))
    assert doc["runs_on_your_machine"][0]["command"] == "rm -rf /tmp/x"
    assert doc["install"]["command"] == "/plugin install hooked@alpha-market"
    assert "rm -rf /tmp/x" in ok(cli("show", "hooked"))


def test_show_unknown_plugin_exits_1_with_hint(cli: Callable[..., Result], loaded: Catalog) -> None:
    result = cli("show", "pr-reviewr")
    assert result.exit_code == 1 and "pr-reviewer" in result.stderr


def test_compare_reports_overlap_and_recommends(
    cli: Callable[..., Result], loaded: Catalog
) -> None:
    doc = json.loads(ok(cli("compare", "hooked", "kubernetes-deployer", "--json")))
    assert "command:deploy" in doc["overlapping_names"]
    assert doc["recommendation"] in {"hooked@alpha-market", "kubernetes-deployer@alpha-market"}
    assert doc["plugins"][0]["context_cost"]["tokens"] >= 1
    assert "recommendation" in ok(cli("compare", "hooked", "kubernetes-deployer"))


def test_compare_refuses_the_same_plugin_twice(cli: Callable[..., Result], loaded: Catalog) -> None:
    r = cli("compare", "pr-reviewer", "pr-reviewer@alpha-market")
    assert r.exit_code == 2 and "named more than once" in r.stderr


def test_similar_excludes_itself(cli: Callable[..., Result], loaded: Catalog) -> None:
    doc = json.loads(ok(cli("similar", "kubernetes-deployer", "--json")))
    found = [r["plugin"] for r in doc["results"]]
    assert "kubernetes-deployer" not in found and "hooked" in found


def test_prime_returns_stages_and_order(cli: Callable[..., Result], loaded: Catalog) -> None:
    doc = json.loads(ok(cli("prime", "deploy to kubernetes then run e2e tests", "--json")))
    assert {"deploy", "test"} <= set(doc["stages"])
    assert doc["primary"] and doc["order"]
    primary = {h["plugin"] for h in doc["primary"]}
    assert not primary & {h["plugin"] for h in doc["complementary"]}
    assert "suggested order" in ok(cli("prime", "deploy to kubernetes then run e2e tests"))


def test_version_does_not_load_ranking() -> None:
    import subprocess

    code = (
        "import sys; from agentops_lite.cli import main\n"
        "try: main(['--version'])\nexcept SystemExit: pass\n"
        "bad = [m for m in ('httpx', 'pydantic', 'rapidfuzz', 'agentops_lite.discovery.rank') "
        "if m in sys.modules]\nprint(bad, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "[]"


def test_prime_core_api(loaded: Catalog) -> None:
    from agentops_lite.discovery.prime import PrimeResult, prime

    cat = Catalog.open()
    try:
        result = prime(cat, "review pull requests and tune postgres")
    finally:
        cat.close()
    assert isinstance(result, PrimeResult)
    assert all(p.stage in result.stages for p in result.stage_picks)


def _df_mismatches(cat: Catalog) -> list[tuple[str, int, int]]:
    """Terms whose catalog-wide document frequency differs from the per-marketplace sums."""
    summed = dict(
        cat.conn.execute("SELECT term, SUM(df) FROM search_terms GROUP BY term").fetchall()
    )
    kept = dict(cat.conn.execute("SELECT term, df FROM search_df").fetchall())
    return [
        (t, summed.get(t, 0), kept.get(t, 0))
        for t in {*summed, *kept}
        if summed.get(t, 0) != kept.get(t, 0)
    ]


def test_index_follows_refresh_and_removal(
    tmp_path: Path, loaded: Catalog, make_marketplace: Callable[..., Path]
) -> None:
    from agentops_lite.refresh.update import add_source, refresh

    cat = Catalog.open()
    try:
        n = cat.conn.execute("SELECT COUNT(DISTINCT plugin_id) FROM search_postings").fetchone()[0]
        assert n == cat.counts()[1]
        second = {
            "name": "k8s-helper",
            "source": "./plugins/k8s-helper",
            "description": "Kubernetes deploy",
        }
        add_source(cat, str(make_marketplace("beta-market", [second], folder="beta")))
        refresh(cat)
        assert (
            cat.conn.execute("SELECT df FROM search_df WHERE term = 'kubernet'").fetchone()[0] >= 2
        )
        assert _df_mismatches(cat) == []
        cat.remove_marketplace("alpha-market")
        assert _df_mismatches(cat) == []
        cat.remove_marketplace("beta-market")
        assert cat.conn.execute("SELECT COUNT(*) FROM search_postings").fetchone()[0] == 0
        assert cat.conn.execute("SELECT COUNT(*) FROM search_df").fetchone()[0] == 0
    finally:
        cat.close()


@pytest.fixture
def with_unread(fixture_catalog: Callable[..., Catalog]) -> Catalog:
    """`remote-k8s` comes from another repo that was never fetched: its files were not read."""
    remote = {
        "name": "remote-k8s",
        "source": {"source": "github", "repo": "acme/remote-k8s"},
        "description": "Kubernetes deploy helper",
    }
    files = {"plugins/hooked/commands/deploy.md": "---\ndescription: deploy it\n---\nbody"}
    hooked = {"name": "hooked", "source": "./plugins/hooked", "description": "Kubernetes guard"}
    cat = fixture_catalog([*PLUGINS, remote, hooked], files=files)
    cat.close()
    return cat


def test_components_never_read_are_not_read_not_zero(
    cli: Callable[..., Result], with_unread: Catalog
) -> None:
    doc = json.loads(ok(cli("show", "remote-k8s", "--json")))
    assert doc["components_read"] is False
    assert doc["context_cost"] == {"chars": None, "tokens": None}
    assert doc["components"] is None and doc["runs_on_your_machine"] is None
    human = ok(cli("show", "remote-k8s"))
    assert "not read" in human and "0 tokens" not in human and "nothing declared" not in human
    read = json.loads(ok(cli("show", "hooked", "--json")))
    assert read["components_read"] is True and read["context_cost"]["tokens"] >= 1
    hits = json.loads(ok(cli("discover", "kubernetes deploy", "--json")))["results"]
    remote = next(h for h in hits if h["plugin"] == "remote-k8s")
    assert remote["contains"] is None and remote["component_names"] is None


def test_compare_never_recommends_on_an_unknown(
    cli: Callable[..., Result], with_unread: Catalog
) -> None:
    doc = json.loads(ok(cli("compare", "remote-k8s", "hooked", "--json")))
    assert "context cost" not in doc["compared_on"] and "components" not in doc["compared_on"]
    assert not any("tokens" in r for r in doc["reasons"])
    assert any(r.startswith("context cost: unknown for remote-k8s@") for r in doc["reasons"])
    # Nothing known tells them apart (same marketplace, no stars, same push date).
    assert doc["recommendation"] is None
    human = ok(cli("compare", "remote-k8s", "hooked"))
    assert "recommendation: none" in human and "~0 tok" not in human
    # A quality score over the known parts only says how much was known.
    partial = [d["quality"] for d in doc["plugins"] if d["quality"]["score"] is not None]
    assert partial and all(q["known"] < 1 for q in partial)
    assert all(f"{q['score']} ({q['known']:.0%} known)" in human for q in partial), human


def test_compare_headers_break_at_the_at_not_inside_a_name(
    cli: Callable[..., Result],
    fixture_catalog: Callable[..., Catalog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long = [
        {"name": f"kubernetes-manifest-generator-{i}", "source": f"./plugins/k{i}",
         "description": f"Kubernetes manifests {i}"}
        for i in range(3)
    ]  # fmt: skip
    fixture_catalog([*PLUGINS, *long]).close()
    monkeypatch.setenv("COLUMNS", "120")
    names = [p["name"] for p in long]
    text = ok(cli("compare", *names))
    # Each name whole on one line, its marketplace on the next, in both tables (facts and
    # trust): not cut at 40 characters or folded inside a word.
    lines = text.splitlines()
    heads = [i for i, line in enumerate(lines) if all(n in line for n in names)]
    assert len(heads) == 2, text  # the facts table and the trust table
    assert all(lines[i + 1].count("@alpha-market") == 3 for i in heads), text


@pytest.mark.parametrize("columns", [60, 80])
def test_the_stacked_list_keeps_long_names_whole_and_within_the_width(
    cli: Callable[..., Result],
    fixture_catalog: Callable[..., Catalog],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    name = "kubernetes-deployment-manifest-creator-pro"  # 55 characters with its marketplace
    entry = {"name": name, "source": "./plugins/kdm", "description": "Kubernetes manifests, made"}
    alias = {**entry, "name": "kdm-pro"}
    files = {"plugins/kdm/README.md": "x"}
    fixture_catalog([*PLUGINS, entry, alias], second=[entry], files=files).close()
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = ok(cli("discover", "kubernetes manifests creator")).splitlines()
    heads = [line for line in lines if re.match(r"\s*\d+\. ", line)]
    assert heads[0].split()[:2] == ["1.", f"{name}@alpha-market"]  # whole, never cut at 48
    # The tags (+1 more, [duplicate]) go on their own line when the head would overflow.
    pasted = re.compile(r"\s*(/plugin |claude plugin )")
    assert all(len(line) <= columns for line in lines if not pasted.match(line)), lines
    assert "[duplicate]" not in heads[0]
    assert any(line.strip().endswith("[duplicate] +1 more") for line in lines), lines
    assert any(line.strip() == "also named kdm-pro" for line in lines)


def test_similar_at_80_columns_never_splits_a_name(
    cli: Callable[..., Result],
    fixture_catalog: Callable[..., Catalog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    twins = [
        {"name": f"kubernetes-manifest-generator-{n}", "source": f"./plugins/k{n}",
         "description": "Generate Kubernetes manifests and helm charts for clusters of every "
         "size, with probes, limits and rollout strategies"}
        for n in ("one", "two")
    ]  # fmt: skip
    fixture_catalog([*PLUGINS, *twins]).close()
    monkeypatch.setenv("COLUMNS", "80")
    text = ok(cli("similar", "kubernetes-manifest-generator-one"))
    shown = [line for line in text.splitlines() if "plugin install" not in line]
    assert any("kubernetes-manifest-generator-two@alpha-market" in line for line in shown), text


def test_min_stars_without_any_star_data_says_so(
    cli: Callable[..., Result], loaded: Catalog
) -> None:
    r = cli("discover", "kubernetes", "--min-stars", "1")
    assert r.exit_code == 0 and "no plugin matches" in r.stdout
    assert "no listing in the catalog has star data" in r.stderr
    doc = json.loads(ok(cli("discover", "kubernetes", "--min-stars", "1", "--json")))
    assert doc["results"] == [] and "star data" in doc["missing"]


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_discover_never_wraps_a_name_or_an_install_line(
    cli: Callable[..., Result], loaded: Catalog, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    doc = json.loads(ok(cli("discover", "kubernetes deploy", "--json")))
    out = ok(cli("discover", "kubernetes deploy"))
    lines = out.splitlines()
    stripped = [line.strip(" │") for line in lines]
    for hit in doc["results"]:
        label = f"{hit['plugin']}@{hit['marketplace']}"
        assert any(label in line for line in lines), (label, out)
        # Install lines stand alone on their line, whole, so they can be pasted.
        assert hit["install"]["command"] in stripped, out
        assert hit["install"]["marketplace_add"] in stripped, out
    table = "┏" in out
    assert table == (columns >= 120), out
    if table:
        assert max(len(line) for line in lines if "│" in line) <= columns
    else:
        # The stacked list: name and score first, then facts and a one-line description.
        first = next(line for line in lines if line.lstrip().startswith("1. "))
        assert f"{doc['results'][0]['score']:.2f}" in first
        import re

        heads = re.compile(r"\s*(\d+\. |/plugin |claude plugin )")
        prose = [line for line in lines if not heads.match(line) and not line.startswith("note:")]
        assert prose and all(len(line) <= columns for line in prose), out


def test_discover_says_when_nothing_fits_well(cli: Callable[..., Result], loaded: Catalog) -> None:
    # "helm" is in the catalog; "chocolate" and "cake" are words no listing has.
    doc = json.loads(ok(cli("discover", "bake a chocolate helm cake", "--json")))
    assert doc["results"] and doc["nothing_fits"] is True
    assert {r["fit"] for r in doc["results"]} == {"weak"}
    r = cli("discover", "bake a chocolate helm cake")
    assert r.exit_code == 0 and "nothing in the catalog fits this well" in r.stderr
    good = json.loads(ok(cli("discover", "helm charts", "--json")))
    assert good["nothing_fits"] is False and good["results"][0]["fit"] == "strong"


def test_every_flag_is_explained_in_show_explain_and_json(
    cli: Callable[..., Result],
    fixture_catalog: Callable[..., Catalog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    twins = [
        {"name": "helm", "source": "./plugins/helm", "description": "Helm chart validation"},
        {"name": "jutsu-helm", "source": "./plugins/helm", "description": "Helm chart validation"},
    ]
    fixture_catalog([*PLUGINS, *twins]).close()
    doc = json.loads(ok(cli("show", "helm", "--json")))
    assert doc["flags"] == ["duplicate"]  # as discover says, not []
    assert doc["also_named"] == ["jutsu-helm"]
    assert "also lists this plugin as jutsu-helm" in doc["flag_notes"]["duplicate"]
    shown = ok(cli("show", "helm"))
    assert "also lists this plugin as jutsu-helm" in shown and "also named" in shown
    hits = json.loads(ok(cli("discover", "helm chart", "--json")))["results"]
    assert all(set(h["flag_notes"]) == set(h["flags"]) for h in hits)
    # One result for the two names, under the one listed first, the other name shown.
    [helm] = [h for h in hits if "jutsu-helm" in (h["plugin"], *h["also_named"])]
    assert (helm["plugin"], helm["also_named"], helm["flags"]) == (
        "helm",
        ["jutsu-helm"],
        ["duplicate"],
    )
    assert "flag duplicate: alpha-market also lists this plugin as jutsu-helm" in ok(
        cli("discover", "helm chart", "--explain")
    )
    # `similar` never offers the plugin itself under its other name.
    for name in ("helm", "jutsu-helm"):
        near = json.loads(ok(cli("similar", name, "--json")))["results"]
        assert not {"helm", "jutsu-helm"} & {
            n for r in near for n in (r["plugin"], *r["also_named"])
        }
    for columns in ("60", "120"):  # the stacked list and the table both name it
        monkeypatch.setenv("COLUMNS", columns)
        table = ok(cli("discover", "helm chart"))
        assert "also named jutsu-helm" in table and "jutsu-helm@" not in table
