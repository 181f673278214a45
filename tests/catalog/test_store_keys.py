"""Marketplace ids: the declared name wins over the slug a source was added under."""

from __future__ import annotations

import json

from agentops_lite.catalog.store import Catalog
from agentops_lite.parse.marketplace_json import parse_marketplace
from agentops_lite.sources.base import LoadResult, SourceSpec


def _result(name: str) -> LoadResult:
    data = f'{{"name": "{name}", "owner": {{"name": "o"}}, "plugins": []}}'.encode()
    return LoadResult(spec_kind="github", location="x", manifest=parse_marketplace(data))


def test_catalog_key_becomes_declared_name_even_when_slug_starts_with_it() -> None:
    with Catalog.open() as cat:
        record = cat.add_marketplace(SourceSpec(kind="github", location="docker/claude-plugins"))
        assert record.key == "docker/claude-plugins"
        assert cat.store_load(record.id, _result("docker"), index=None).key == "docker"


def test_catalog_disambiguated_key_stays_stable_across_refreshes() -> None:
    with Catalog.open() as cat:
        a = cat.add_marketplace(SourceSpec(kind="github", location="a/one"))
        b = cat.add_marketplace(SourceSpec(kind="github", location="b/two"))
        assert cat.store_load(a.id, _result("same"), index=None).key == "same"
        assert cat.store_load(b.id, _result("same"), index=None).key == "same@b"
        assert cat.store_load(b.id, _result("same"), index=None).key == "same@b"
        assert cat.store_load(a.id, _result("same"), index=None).key == "same"


def test_catalog_name_option_pins_the_id(make_marketplace, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_marketplace(
        "declared-name", plugins=[{"name": "a", "source": "./a"}], files={"a/x.md": ""}
    )
    result = cli("marketplace", "add", str(root), "--name", "mine", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["marketplace"]["key"] == "mine"
    assert cli("refresh").exit_code == 0
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    assert [(m["key"], m["name"]) for m in listing] == [("mine", "declared-name")]
    # `/plugin install` still uses the declared name.
    plugins = json.loads(cli("plugins", "--json").stdout)["plugins"]
    assert plugins[0]["install"]["command"] == "/plugin install a@declared-name"
    assert plugins[0]["install"]["one_step"] == f"claude plugin install a --marketplace {root}"


def test_catalog_name_option_rejects_bad_or_taken_ids(make_marketplace, cli) -> None:  # type: ignore[no-untyped-def]
    one = make_marketplace("m-one", folder="one")
    two = make_marketplace("m-two", folder="two")
    bad = cli("marketplace", "add", str(one), "--name", "bad name!")
    assert bad.exit_code == 2 and "not a valid id" in bad.stderr
    assert cli("marketplace", "add", str(one), "--name", "taken").exit_code == 0
    clash = cli("marketplace", "add", str(two), "--name", "taken")
    assert clash.exit_code == 2 and "taken" in clash.stderr
    listing = json.loads(cli("marketplace", "list", "--json").stdout)["marketplaces"]
    assert [m["key"] for m in listing] == ["taken"]


def test_catalog_missing_folder_is_a_usage_error(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = cli("marketplace", "add", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_catalog_invalid_declared_name_does_not_become_the_id() -> None:
    with Catalog.open() as cat:
        record = cat.add_marketplace(SourceSpec(kind="github", location="o/r"))
        assert cat.store_load(record.id, _result("bad name [x]"), index=None).key == "o/r"
