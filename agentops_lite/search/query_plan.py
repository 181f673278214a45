"""Turn a search query into weighted concepts: stopwords out, phrases joined, synonyms, typos."""

from __future__ import annotations

import math
import re
import sqlite3
from typing import NamedTuple

from agentops_lite.search.index import QueryTerm, doc_count, doc_freqs, idf, vocabulary_near
from agentops_lite.search.synonyms import GENERIC, QUERY_FILLER, vocabulary
from agentops_lite.search.tokens import STOPWORDS, raw_tokens, stem

GENERIC_WEIGHT = 0.35
COMMON_BONUS = 5.0  # score points per tenfold document frequency, among near spellings
TYPO_MIN_SCORE = 80.0
DOMAIN_BOOST = 1.6
IDF_POWER = 1.0
FULL_MATCH = 1.0  # saturated index weight at which a concept counts as covered
_SLASH_RE = re.compile(r"\b([a-z0-9]{1,3})/([a-z0-9]{1,3})\b")
_CLAUSE_RE = re.compile(r"\s*(?:[,;:]|\band then\b|\bthen\b|\band\b|\bplus\b|\botherwise\b)\s*")


def _idf(df: int, n: int) -> float:
    # Flattened idf: in a plugin catalog the common words ("test", "deploy") often name the
    # need itself, while the rare ones are incidental specifics.
    return float(idf(df, n) ** IDF_POWER)


def split_clauses(text: str) -> list[str]:
    """The needs of a request: "build, test and deploy X" -> ["build", "test", "deploy X"]."""
    parts = [p.strip() for p in _CLAUSE_RE.split(text.lower())]
    return [p for p in parts if p] if len(parts) > 1 else []


class Concept:
    """One need in the query: the user's words plus the variants that may stand in for them.

    A plain class, not a dataclass: `dataclasses` imports `inspect`, a tenth of a warm discover."""

    __slots__ = ("corrected", "domain", "generic", "importance", "label", "terms")

    def __init__(
        self,
        label: str,
        terms: dict[str, float] | None = None,
        generic: bool = False,
        domain: bool = False,
        corrected: dict[str, str] | None = None,
        importance: float = 0.0,
    ) -> None:
        self.label = label
        self.terms = {} if terms is None else terms  # term -> variant weight (1 = as typed)
        self.generic = generic
        self.domain = domain  # a term of the vocabulary: names a need rather than framing it
        self.corrected = {} if corrected is None else corrected  # typed word -> indexed term
        self.importance = importance

    def _key(self) -> tuple[object, ...]:
        return (self.label, self.terms, self.generic, self.domain, self.corrected, self.importance)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Concept) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={v!r}" for n, v in zip(_CONCEPT_FIELDS, self._key(), strict=True))
        return f"Concept({fields})"

    def add(self, term: str, weight: float) -> None:
        if self.terms.get(term, 0.0) < weight:
            self.terms[term] = weight


_CONCEPT_FIELDS = ("label", "terms", "generic", "domain", "corrected", "importance")


class QueryPlan(NamedTuple):
    text: str
    concepts: list[Concept]
    documents: int
    dfs: dict[str, int]

    def query_terms(self) -> list[QueryTerm]:
        dfs = self.dfs
        out: list[QueryTerm] = []
        total = sum(c.importance for c in self.concepts) or 1.0
        for i, c in enumerate(self.concepts):
            damp = GENERIC_WEIGHT if c.generic else 1.0
            found = [
                (t, w * _idf(dfs[t], self.documents) * damp)
                for t, w in c.terms.items()
                if dfs.get(t)
            ]
            full = FULL_MATCH * max((w for _, w in found), default=1.0)
            out.extend(QueryTerm(t, i, w, c.importance / total, full) for t, w in found)
        return out

    def describe(self) -> list[tuple[str, list[str], float, dict[str, str]]]:
        """(label, main variants, importance, typo corrections) per concept."""
        return [
            (c.label, sorted(c.terms, key=lambda t: -c.terms[t])[:12], c.importance, c.corrected)
            for c in self.concepts
        ]


def _units(words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Greedy longest match of vocabulary phrases over the stemmed words: (label, stems)."""
    vocab = vocabulary()
    stems = [stem(w) for w in words]
    units: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            gram = tuple(stems[i : i + n])
            if len(gram) == n and (n == 1 or gram in vocab):
                units.append((" ".join(words[i : i + n]), gram))
                i += n
                break
    return units


def plan_query(conn: sqlite3.Connection, text: str) -> QueryPlan:
    """Analyse `text` against the indexed vocabulary."""
    normalised = _SLASH_RE.sub(r"\1\2", text.lower())
    words = [w for w in raw_tokens(normalised) if w not in STOPWORDS]
    topical = [w for w in words if stem(w) not in QUERY_FILLER]
    words = topical or words  # "best tools" still searches for something
    vocab = vocabulary()
    by_stem: dict[str, Concept] = {}
    # One concept per word; a phrase the vocabulary knows lends its joined form and its
    # neighbours to each of its words, so "image generation" and "generate ... images" both
    # cover "generate images", while a blurb naming only one of the words covers half.
    for label, gram in _units(words):
        shared = dict(vocab.get(gram, {})) if len(gram) > 1 else {}
        if shared:
            shared["".join(gram)] = 1.0
        for word, g in zip(label.split(" "), gram, strict=True):
            c = by_stem.get(g)
            if c is None:
                generic = g in GENERIC and not shared
                c = by_stem[g] = Concept(label=word, generic=generic)
                c.domain = bool(shared) or (g,) in vocab
                c.add(g, 1.0)
                if word != g and word.isalnum():
                    c.add(word, 1.0)  # unstemmed tokens such as "k8s"
                for term, w in vocab.get((g,), {}).items() if not generic else ():
                    c.add(term, w)
            for term, w in shared.items():
                c.add(term, w)
    concepts = list(by_stem.values())
    n = max(doc_count(conn), 1)
    dfs = doc_freqs(conn, [t for c in concepts for t in c.terms])
    for c in concepts:
        _correct_typos(conn, c, dfs, n)
        known = [(w, dfs[t]) for t, w in c.terms.items() if dfs.get(t)]
        c.importance = max((w * _idf(df, n) for w, df in known), default=0.0)
        if c.corrected and known:  # a misspelt need is no less important than a spelt one
            c.importance /= max(w for w, _ in known)
        if c.generic:
            c.importance *= GENERIC_WEIGHT
        elif c.domain:
            c.importance *= DOMAIN_BOOST
    concepts = [c for c in concepts if c.importance > 0]
    return QueryPlan(text=text, concepts=concepts, documents=n, dfs=dfs)


def _correct_typos(conn: sqlite3.Connection, c: Concept, dfs: dict[str, int], n: int) -> None:
    """A typed word the index never saw gets its nearest indexed spellings (rapidfuzz)."""
    if any(dfs.get(t) for t, w in c.terms.items() if w == 1.0):
        return  # the word as typed (stemmed or not) is indexed: not a typo
    typed = [t for t, w in c.terms.items() if w == 1.0 and len(t) >= 4][:1]
    if not typed:
        return
    from rapidfuzz import fuzz, process

    vocab = vocabulary()
    for word in typed:
        candidates = vocabulary_near(conn, word)
        extracted = process.extract(word, candidates, scorer=fuzz.ratio, limit=5)
        found = [(str(t), float(s)) for t, s, _ in extracted if s >= TYPO_MIN_SCORE]
        if not found:
            continue
        # A misspelling of a common word is likelier than of a rare one ("secruity" is
        # "security", not the one listing's "secu"): near scores are ordered by frequency too.
        freq = doc_freqs(conn, [t for t, _ in found])
        found = sorted(
            ((t, s + COMMON_BONUS * math.log10(1 + freq.get(t, 0))) for t, s in found),
            key=lambda x: -x[1],
        )[:3]
        found = [(t, min(s, 100.0)) for t, s in found]
        best = found[0][1]
        for term, score in found:
            if score < best - 5:
                continue
            weight = 0.9 * score / 100
            c.add(term, weight)
            c.corrected.setdefault(word, term)
            c.domain = c.domain or (term,) in vocab  # as if the word had been typed right
            for exp, w in vocab.get((term,), {}).items():
                c.add(exp, w * weight)
    extra = [t for t in c.terms if t not in dfs]
    dfs.update(doc_freqs(conn, extra))
