"""npm range semantics: desugaring, pre-release rules, intersection."""

from __future__ import annotations

import pytest

from agentops_lite.errors import UsageError
from agentops_lite.install.semver import (
    best_match,
    intersect,
    parse_range,
    parse_version,
)

# (range, version, satisfied) — cases from npm's semver documentation.
CASES = [
    ("^1.2.3", "1.2.3", True),
    ("^1.2.3", "1.9.9", True),
    ("^1.2.3", "2.0.0", False),
    ("^1.2.3", "1.2.2", False),
    ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False),
    ("^0.0.3", "0.0.3", True),
    ("^0.0.3", "0.0.4", False),
    ("^1.2.x", "1.9.0", True),
    ("^0.0.x", "0.0.9", True),
    ("^0.0.x", "0.1.0", False),
    ("^0.x", "0.9.0", True),
    ("^0.x", "1.0.0", False),
    ("~1.2.3", "1.2.9", True),
    ("~1.2.3", "1.3.0", False),
    ("~1.2", "1.2.0", True),
    ("~1", "1.9.0", True),
    ("~1", "2.0.0", False),
    ("~>1.2", "1.2.5", True),
    ("1.x", "1.4.0", True),
    ("1.x", "2.0.0", False),
    ("1.2.x", "1.2.7", True),
    ("1.2.x", "1.3.0", False),
    ("*", "9.9.9", True),
    ("", "0.0.1", True),
    ("1", "1.5.0", True),
    (">1.2", "1.3.0", True),
    (">1.2", "1.2.9", False),
    (">1", "2.0.0", True),
    (">1", "1.9.0", False),
    ("<1.2", "1.1.9", True),
    ("<1.2", "1.2.0", False),
    ("<=1.2", "1.2.9", True),
    ("<=1.2", "1.3.0", False),
    (">=1.0.0 <2", "1.9.0", True),
    (">=1.0.0 <2", "2.0.0", False),
    (">= 1.0.0", "1.0.0", True),
    ("=1.2.3", "1.2.3", True),
    ("v1.2.3", "1.2.3", True),
    ("1.2.3 - 2.3.4", "2.3.4", True),
    ("1.2.3 - 2.3.4", "2.3.5", False),
    ("1.2 - 2.3.4", "1.2.0", True),
    ("1.2.3 - 2.3", "2.3.9", True),
    ("1.2.3 - 2.3", "2.4.0", False),
    ("1.2.3 - 2", "2.9.9", True),
    ("1.2.3 - 2", "3.0.0", False),
    ("1.x || >=2.5.0", "2.6.0", True),
    ("1.x || >=2.5.0", "2.4.0", False),
    ("^1.0.0 || ^3.0.0", "3.1.0", True),
    # Pre-releases match only a comparator naming one of the same MAJOR.MINOR.PATCH.
    (">=1.2.3-alpha.3", "1.2.3-alpha.7", True),
    (">=1.2.3-alpha.3", "3.4.5-alpha.9", False),
    (">=1.2.3-alpha.3", "3.4.5", True),
    ("^1.2.3", "1.3.0-beta", False),
    ("^1.2.3-beta.2", "1.2.3-beta.4", True),
    ("^1.2.3-beta.2", "1.2.4-beta.2", False),
    ("~1.2.3-beta.2", "1.2.3-beta.10", True),
    ("*", "1.0.0-rc.1", False),
    ("<2.0.0", "2.0.0-rc.1", False),
]


@pytest.mark.parametrize(("text", "version", "expected"), CASES)
def test_semver_range_satisfied_by_follows_npm(text: str, version: str, expected: bool) -> None:
    v = parse_version(version)
    assert v is not None
    assert parse_range(text).satisfied_by(v) is expected


def test_semver_version_precedence() -> None:
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
             "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0"]  # fmt: skip
    versions = [parse_version(v) for v in order]
    assert all(v is not None for v in versions)
    assert sorted(versions) == versions  # type: ignore[type-var]
    assert parse_version("1.2") is None and parse_version("01.2.3") is None
    assert parse_version("1.2.3+build.5") == parse_version("1.2.3")


@pytest.mark.parametrize(
    ("ranges", "overlap"),
    [
        (["^1.0.0", "~2.0.0"], False),
        (["^1.2.0", ">=1.0.0 <2"], True),
        (["^2.0.0", "^1.2.0", ">=1.0.0 <2"], False),
        ([">=1.2.3", "<=1.2.3"], True),
        ([">1.2.3", "<=1.2.3"], False),
        (["1.x || 3.x", "^3.1.0"], True),
        (["1.2.3", "1.2.4"], False),
        (["*", "^5"], True),
    ],
)
def test_semver_intersect(ranges: list[str], overlap: bool) -> None:
    assert (intersect([parse_range(r) for r in ranges]) is not None) is overlap


def test_semver_best_match_takes_the_highest_in_every_range() -> None:
    tags = [parse_version(v) for v in ["1.0.0", "1.4.2", "1.9.0", "2.0.0", "2.1.0-rc.1"]]
    found = best_match([v for v in tags if v], [parse_range("^1.2"), parse_range("<1.9")])
    assert str(found) == "1.4.2"
    assert best_match([v for v in tags if v], [parse_range("^3")]) is None


@pytest.mark.parametrize("bad", [">=", "1.2.3.4", "^abc", ">=1.0 <", "~ x.y", "1.2.3 - "])
def test_semver_bad_ranges_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError, match="invalid version range"):
        parse_range(bad)


def test_semver_too_many_alternatives_is_too_complex() -> None:
    wide = " || ".join(f"^{i}.0.0" for i in range(20))
    with pytest.raises(UsageError, match="too complex"):
        intersect([parse_range(wide)] * 3)
