"""Tokenising and stemming shared by the search index and the query side (standard library only)."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9]+)*[+#]*")
_POSSESSIVE_RE = re.compile(r"(?<=[a-z0-9])['\u2019]s\b")  # "company's" is "company", not + "s"

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours yourself via etc using use used uses""".split()
)


# Indexing stems the same few thousand words over and over (and the query side repeats them):
# caching makes a catalog refresh several times faster.
@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix stripper (plural, -ing, -ed, -ation…); enough to join test/tests/testing."""
    w = word
    if len(w) <= 3 or not w.isalpha() or w.endswith("js"):
        return w
    for british, american in (("isation", "ization"), ("ising", "izing"), ("ised", "ized")):
        if w.endswith(british):
            w = w[: -len(british)] + american
            break
    if w.endswith("ise") and len(w) > 5:
        w = w[:-3] + "ize"
    for suffix, repl, min_len in (
        ("ies", "y", 4),
        ("sses", "ss", 4),
        ("ss", "ss", 0),
        ("us", "us", 0),
        ("is", "is", 0),
        ("s", "", 4),
    ):
        if w.endswith(suffix):
            if len(w) - len(suffix) + len(repl) >= min_len:
                w = w[: len(w) - len(suffix)] + repl
            break
    for suffix, repl in (
        ("izations", ""),
        ("ization", ""),
        ("izing", ""),
        ("ized", ""),
        ("izer", ""),
        ("ize", ""),
        ("ational", "ate"),
        ("ation", "ate"),
        ("ibility", "ibl"),
        ("ability", "abl"),
        ("ible", "ibl"),
        ("able", "abl"),
        ("ity", ""),
        ("ments", ""),
        ("ment", ""),
        ("ingly", ""),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("er", ""),
        ("ly", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: len(w) - len(suffix)] + repl
            doubled = len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz"
            if suffix in ("ing", "ed", "er") and doubled:
                w = w[:-1]  # running -> run, tagged -> tag
            if suffix.startswith("iz") and w.endswith("er") and len(w) >= 6:
                w = w[:-2]  # containerized -> contain and dockerize -> dock, as the nouns stem
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]  # optimize/optimise/optimizing meet at "optimiz"
    return w


def raw_tokens(text: str) -> list[str]:
    """Lower-case word tokens; snake/kebab-case are split, dotted names kept whole and split."""
    out: list[str] = []
    for tok in _TOKEN_RE.findall(_POSSESSIVE_RE.sub("", text.lower())):
        out.append(tok)
        if "." in tok:  # next.js -> next.js, nextjs, next, js
            out.append(tok.replace(".", ""))
            out.extend(p for p in tok.split(".") if p)
    return out


def terms(text: str) -> list[str]:
    """Index terms of a text: tokens minus stopwords, stemmed."""
    return list(_terms(text))


# The same descriptions recur across marketplaces (forks, renamed snapshots), so whole texts
# are worth caching too; callers get a fresh list each time.
@lru_cache(maxsize=1 << 14)
def _terms(text: str) -> tuple[str, ...]:
    return tuple([stem(t) for t in raw_tokens(text) if t not in STOPWORDS])
