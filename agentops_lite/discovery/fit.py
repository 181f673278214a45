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

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from agentops_lite.discovery.rank import DiscoverResult, Hit

FitLevel = Literal["strong", "partial", "weak"]

STRONG = 0.7  # share of the query's weight matched
PARTIAL = 0.45
FIT_ORDER: dict[str, int] = {"strong": 2, "partial": 1, "weak": 0}


def unknown_words(result: DiscoverResult) -> list[str]:
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


def coverage(hit: Hit, result: DiscoverResult) -> float:
    """Share of the query's weight the hit matched, in [0, 1]."""
    weights = {c.concept: c.importance for c in result.interpretation}
    if not weights:
        return 0.0
    missing = len(unknown_words(result)) * max(weights.values())
    total = sum(weights.values()) + missing
    got = sum(w for concept, w in weights.items() if concept in hit.matched)
    return got / total if total > 0 else 0.0


def level(share: float) -> FitLevel:
    if share >= STRONG:
        return "strong"
    if share >= PARTIAL:
        return "partial"
    return "weak"


def fit_of(hit: Hit, result: DiscoverResult) -> tuple[FitLevel, float]:
    share = coverage(hit, result)
    return level(share), round(share, 3)
