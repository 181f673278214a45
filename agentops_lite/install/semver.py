"""npm-style semver: versions, ranges (^ ~ x-ranges, comparators, ||, hyphens) and intersection."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering
from itertools import product

from agentops_lite.errors import UsageError

_NUM = r"0|[1-9]\d*"
_PART = r"0|[1-9]\d*|x|X|\*"
_PRE = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_VERSION = re.compile(rf"^v?({_NUM})\.({_NUM})\.({_NUM})(?:-({_PRE}))?(?:\+{_PRE})?$")
# A partial version as ranges write it: `1`, `1.2`, `1.x`, `1.2.3-beta.1`.
_PARTIAL = re.compile(rf"^v?({_PART})(?:\.({_PART})(?:\.({_PART})(?:-({_PRE}))?(?:\+{_PRE})?)?)?$")
_OPS = ("<=", ">=", "<", ">", "=", "^", "~")
# Several dependants' ranges multiply out when intersected; past this we call them too complex,
# as Claude Code does ("version requirements too complex to intersect").
MAX_SETS = 256


@total_ordering
@dataclass(frozen=True)
class Version:
    """MAJOR.MINOR.PATCH[-pre]; build metadata is dropped (it never affects precedence)."""

    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def _key(self) -> tuple[tuple[int, int, int], int, tuple[tuple[int, int, str], ...]]:
        # A release sorts after its pre-releases; numeric identifiers sort before alphanumeric.
        ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.core, 0 if self.pre else 1, ids)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor}.{self.patch}"
        return f"{base}-{'.'.join(self.pre)}" if self.pre else base


def parse_version(text: str) -> Version | None:
    """A full version (`1.2.3`, `v1.2.3-rc.1+build`), or None when it is not one."""
    m = _VERSION.match(text.strip().lstrip("="))
    if not m:
        return None
    return Version(int(m[1]), int(m[2]), int(m[3]), tuple(m[4].split(".")) if m[4] else ())


@dataclass(frozen=True)
class Comparator:
    op: str  # one of < <= > >= =
    version: Version

    def test(self, v: Version) -> bool:
        if self.op == "<":
            return v < self.version
        if self.op == "<=":
            return v <= self.version
        if self.op == ">":
            return v > self.version
        if self.op == ">=":
            return v >= self.version
        return v == self.version

    def __str__(self) -> str:
        return f"{'' if self.op == '=' else self.op}{self.version}"


ComparatorSet = tuple[Comparator, ...]  # all must hold; the empty set matches any release


@dataclass(frozen=True)
class Range:
    """A union (`||`) of comparator sets, as npm's `semver.Range` after desugaring."""

    text: str
    sets: tuple[ComparatorSet, ...]

    def satisfied_by(self, version: Version, include_prerelease: bool = False) -> bool:
        return any(_test_set(s, version, include_prerelease) for s in self.sets)

    def __str__(self) -> str:
        return self.text


def _test_set(cset: ComparatorSet, v: Version, include_prerelease: bool) -> bool:
    if not all(c.test(v) for c in cset):
        return False
    if not v.pre or include_prerelease:
        return True
    # npm's rule: a pre-release matches only when a comparator of the same set names a
    # pre-release of the same MAJOR.MINOR.PATCH (`>=1.2.3-beta` admits 1.2.3-rc, not 1.2.4-rc).
    # The `-0` bounds we add for `<` ends are ours, not the author's, so they do not count.
    return any(c.version.pre and c.version.pre != ("0",) and c.version.core == v.core for c in cset)


def _ge(a: int, b: int, c: int, pre: tuple[str, ...] = ()) -> Comparator:
    return Comparator(">=", Version(a, b, c, pre))


def _lt0(a: int, b: int, c: int) -> Comparator:
    return Comparator("<", Version(a, b, c, ("0",)))


def _is_x(part: str | None) -> bool:
    return part is None or part in ("x", "X", "*")


def _partial(text: str, whole: str) -> tuple[int | None, int | None, int | None, tuple[str, ...]]:
    if text in ("", "*", "x", "X"):
        return None, None, None, ()
    m = _PARTIAL.match(text)
    if not m:
        raise UsageError(f"invalid version range {whole!r}: {text!r} is not a version")
    parts: list[int | None] = [None if _is_x(raw) else int(raw) for raw in (m[1], m[2], m[3])]
    # `1.x.3` means 1.x: everything after the first wildcard is a wildcard too.
    for i, p in enumerate(parts):
        if p is None:
            parts[i + 1 :] = [None] * (2 - i)
            break
    pre = tuple(m[4].split(".")) if m[4] and parts[2] is not None else ()
    return parts[0], parts[1], parts[2], pre


def _desugar(op: str, text: str, whole: str) -> list[Comparator]:
    major, minor, patch, pre = _partial(text, whole)
    if major is None:
        return [] if op in ("", "=", ">=", "<=", "^", "~") else [_lt0(0, 0, 0)]  # `<*`: nothing
    if op == "^":
        lo = _ge(major, minor or 0, patch or 0, pre)
        if major > 0 or minor is None:
            return [lo, _lt0(major + 1, 0, 0)]
        if minor > 0 or patch is None:
            return [lo, _lt0(0, minor + 1, 0)]
        return [lo, _lt0(0, 0, patch + 1)]
    if op == "~":
        lo = _ge(major, minor or 0, patch or 0, pre)
        return [lo, _lt0(major, minor + 1, 0) if minor is not None else _lt0(major + 1, 0, 0)]
    if minor is not None and patch is not None:
        return [Comparator(op or "=", Version(major, minor, patch, pre))]
    # A partial version with a comparator rounds the way npm does (`>1.2` is `>=1.3.0`).
    if op in ("", "="):
        return [_ge(major, minor or 0, 0), _next(major, minor)]
    if op == ">":
        return [_ge(major + 1, 0, 0)] if minor is None else [_ge(major, minor + 1, 0)]
    if op == ">=":
        return [_ge(major, minor or 0, 0)]
    if op == "<":
        return [_lt0(major, minor or 0, 0)]
    return [_next(major, minor)]  # <=


def _next(major: int, minor: int | None) -> Comparator:
    return _lt0(major + 1, 0, 0) if minor is None else _lt0(major, minor + 1, 0)


def _hyphen(lo: str, hi: str, whole: str) -> list[Comparator]:
    out = _desugar(">=", lo, whole)
    major, minor, patch, pre = _partial(hi, whole)
    if major is None:
        return out
    if minor is None or patch is None:
        return [*out, _next(major, minor)]
    return [*out, Comparator("<=", Version(major, minor, patch, pre))]


_TOKEN = re.compile(r"(<=|>=|<|>|=|\^|~>?)?\s*([^\s<>=^~]*)")


def parse_range(text: str) -> Range:
    """npm range syntax; UsageError naming the bad part when it is not one."""
    whole = text
    if len(text) > 1000:
        raise UsageError("invalid version range: longer than 1,000 characters")
    sets: list[ComparatorSet] = []
    for alt in text.split("||"):
        alt = alt.strip()
        hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", alt)
        if hyphen:
            sets.append(tuple(_hyphen(hyphen[1], hyphen[2], whole)))
            continue
        comps: list[Comparator] = []
        pos = 0
        while pos < len(alt):
            if alt[pos].isspace():
                pos += 1
                continue
            m = _TOKEN.match(alt, pos)
            if m is None or m.end() == pos or not m[2]:
                raise UsageError(f"invalid version range {whole!r}")
            op = (m[1] or "").replace("~>", "~")
            comps.extend(_desugar(op, m[2], whole))
            pos = m.end()
        sets.append(tuple(comps))
    return Range(text=text.strip(), sets=tuple(sets))


@dataclass(frozen=True)
class _Bound:
    version: Version
    inclusive: bool


def _interval(cset: ComparatorSet) -> tuple[_Bound | None, _Bound | None] | None:
    """The set as [lo, hi] (None: unbounded); None when no version can satisfy it."""
    lo: _Bound | None = None
    hi: _Bound | None = None
    for c in cset:
        if c.op in (">", ">=", "="):
            b = _Bound(c.version, c.op != ">")
            if (
                lo is None
                or b.version > lo.version
                or (b.version == lo.version and not b.inclusive)
            ):
                lo = b
        if c.op in ("<", "<=", "="):
            b = _Bound(c.version, c.op != "<")
            if (
                hi is None
                or b.version < hi.version
                or (b.version == hi.version and not b.inclusive)
            ):
                hi = b
    if lo is not None and hi is not None:
        if lo.version > hi.version:
            return None
        if lo.version == hi.version and not (lo.inclusive and hi.inclusive):
            return None
    return lo, hi


def intersect(ranges: list[Range]) -> tuple[ComparatorSet, ...] | None:
    """Comparator sets some version satisfies in all of `ranges` at once; None: disjoint.

    Pre-release subtleties are ignored here (a release is enough to overlap); `satisfied_by`
    applies them when a concrete version is checked. UsageError when too complex.
    """
    total = 1
    for r in ranges:
        total *= max(1, len(r.sets))
        if total > MAX_SETS:
            raise UsageError(
                "version requirements too complex to intersect: "
                + ", ".join(r.text for r in ranges)
            )
    out: list[ComparatorSet] = []
    for combo in product(*(r.sets for r in ranges)):
        merged: ComparatorSet = tuple(c for s in combo for c in s)
        if _interval(merged) is not None:
            out.append(merged)
    return tuple(out) if out else None


def best_match(candidates: list[Version], ranges: list[Range]) -> Version | None:
    """The highest version satisfying every range (Claude Code picks the highest tag in range)."""
    ok = [v for v in candidates if all(r.satisfied_by(v) for r in ranges)]
    return max(ok) if ok else None
