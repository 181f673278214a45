"""Fuzz: hostile marketplace.json documents and bytes never crash the parser, and every good
entry among bad ones is kept."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from agentops_lite.models import MarketplaceManifest
from agentops_lite.parse.marketplace_json import parse_marketplace
from tests.fuzz.profiles import bounded, fuzz
from tests.fuzz.strategies import manifests


def _serialisable(manifest: MarketplaceManifest) -> None:
    # What is parsed is stored and printed as JSON: that must work for whatever came in.
    manifest.model_dump_json()
    for entry in manifest.plugins:
        json.dumps(entry.model_dump(mode="json"))


@fuzz(examples=100)
@given(case=manifests())
def test_fuzz_good_entries_survive_hostile_ones(case: tuple[bytes, list[str]]) -> None:
    data, good = case
    with bounded("parse_marketplace"):
        manifest = parse_marketplace(data)
    names = [p.name for p in manifest.plugins]
    if good or any(p.code == "too-deep" and p.path == "" for p in manifest.problems):
        # A document deep outside its entries is unreadable as a whole, by design.
        whole = {p.code for p in manifest.problems if p.path == ""}
        if "too-deep" not in whole and "not-an-object" not in whole:
            assert all(g in names for g in good), (names, manifest.problems[:5])
    for entry in manifest.plugins:
        if entry.name in good:
            assert entry.source.kind == "relative"
    _serialisable(manifest)


@fuzz(examples=100)
@given(data=st.binary(max_size=2048) | manifests().map(lambda c: c[0]).flatmap(
    lambda d: st.integers(0, len(d)).map(lambda n: d[:n])
))  # fmt: skip
def test_fuzz_any_bytes_are_a_problem_not_a_crash(data: bytes) -> None:
    with bounded("parse_marketplace"):
        manifest = parse_marketplace(data)
    assert isinstance(manifest, MarketplaceManifest)
    _serialisable(manifest)
