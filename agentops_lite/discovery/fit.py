"""How well a result fits its query in absolute terms (strong / partial / weak), not only
relative to the other results.

Relevance in discover is normalised to the best match, so the best of nothing scores 1.00. Fit
asks instead how much of what the query asks for a plugin actually matched: the importance
(idf) of the query concepts it matched over the importance of all the query's topical words.
Words the index has never seen ("chocolate", "cake") count at full weight and are matched by
nobody, which is what makes a query nothing fits come out weak. Thresholds are calibrated on
the dev set plus off-topic queries (`benchmarks/fit_levels.py` reports precision and recall of
"nothing fits").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

FitLevel = Literal["strong", "partial", "weak"]


# What fit reads of discover's results (rank.QueryConcept, rank.Hit, rank.DiscoverResult),
# as protocols: rank imports this module, so this one must not import rank.
class _Concept(Protocol):
    @property
    def concept(self) -> str: ...
    @property
    def importance(self) -> float: ...
    @property
    def terms(self) -> list[str]: ...
    @property
    def corrected(self) -> dict[str, str]: ...


class _Result(Protocol):
    @property
    def query(self) -> str: ...
    @property
    def interpretation(self) -> Sequence[_Concept]: ...


class _Hit(Protocol):
    @property
    def matched(self) -> list[str]: ...


STRONG = 0.7  # share of the query's weight matched
PARTIAL = 0.45
SURE_TYPO_LEN = 6  # a corrected word this long or longer counts as matched in full
FIT_ORDER: dict[str, int] = {"strong": 2, "partial": 1, "weak": 0}


def unknown_words(result: _Result) -> list[str]:
    """Topical words of the query that no indexed term stands for."""
    from agentops_lite.search.synonyms import QUERY_FILLER
    from agentops_lite.search.tokens import STOPWORDS, raw_tokens, stem

    known: set[str] = set()
    for c in result.interpretation:
        known |= {stem(w) for w in raw_tokens(c.concept)} | set(c.terms)
        known |= set(c.corrected)
    words = [w for w in raw_tokens(result.query) if w not in STOPWORDS]
    topical = [w for w in words if stem(w) not in QUERY_FILLER]
    return [w for w in dict.fromkeys(topical) if stem(w) not in known and w not in known]


def _shares(result: _Result, only: frozenset[str] | None = None) -> tuple[dict[str, float], float]:
    """Each query concept's weight as it counts towards a match, and the total to divide by;
    `only`: the stems of the words that count (a need's own, not those borrowed for "it").

    Read once per result: the query's unknown words and typo corrections are the same for
    every hit."""
    from agentops_lite.search.tokens import stem

    def counts(word: str) -> bool:
        return only is None or stem(word.lower()) in only

    weights = {c.concept: c.importance for c in result.interpretation if counts(c.concept)}
    if not weights:
        return {}, 0.0
    unknown = [w for w in unknown_words(result) if counts(w)]
    total = sum(weights.values()) + len(unknown) * max(weights.values())
    # A word matched only through a typo correction of a short word ("soup" read as "sop")
    # is weak evidence: one letter is a large share of it. Longer corrections count whole.
    for c in result.interpretation:
        if c.corrected and len(c.concept) < SURE_TYPO_LEN:
            weights[c.concept] *= 0.5
    return weights, total


def _share(hit: _Hit, weights: dict[str, float], total: float) -> float:
    got = sum(w for concept, w in weights.items() if concept in hit.matched)
    return got / total if total > 0 else 0.0


def coverage(hit: _Hit, result: _Result) -> float:
    """Share of the query's weight the hit matched, in [0, 1]."""
    return _share(hit, *_shares(result))


def level(share: float) -> FitLevel:
    if share >= STRONG:
        return "strong"
    if share >= PARTIAL:
        return "partial"
    return "weak"


def fits(
    result: _Result, hits: Sequence[_Hit], only: frozenset[str] | None = None
) -> list[tuple[FitLevel, float]]:
    """(level, share) of each of `hits` for the result's query (its words in `only`)."""
    weights, total = _shares(result, only)
    out: list[tuple[FitLevel, float]] = []
    for hit in hits:
        share = _share(hit, weights, total)
        out.append((level(share), round(share, 3)))
    return out
