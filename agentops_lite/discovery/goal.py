"""Read a goal as ordered needs and the structure between them (sequence, parallel, conditional).

"write terraform for a VPC, review it for security, then deploy with github actions" is three
needs in that order; "run security, performance and quality checks at the same time" is three
needs side by side; "run the tests and deploy if they pass, otherwise debug the failures" is a
test gate with a branch either way. Each need keeps the user's own words (filler dropped), so it
can be searched for on its own. Plain text rules, no model: Claude, when it is there, splits the
goal itself and passes the needs in (`--need`); this parser is the terminal's fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from agentops_lite.search.tokens import stem

Role = Literal["step", "gate", "then", "else"]

# Words that order clauses ("X, then Y"); a list ("X, Y and Z") is split inside a segment
# below, and only its items borrow each other's verb and head noun.
_SEQ_SPLIT = re.compile(
    r"\s*(?:;|\.\s+|,?\s*\b(?:and\s+then|and\s+after\s+that|after\s+that|afterwards|then|"
    r"next|finally|and\s+finally|and\s+later|later)\b(?=\s|,|$)\s*,?)\s*",
    re.IGNORECASE,
)
_LIST_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+)\s*", re.IGNORECASE)
# Terminal and format control characters are never part of a need (and would split or hide it).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
# Whole escape sequences go first, so an OSC title ("\x1b]0;…\x07") leaves no ";" behind.
_ESCAPES = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-~]|\x1b.")
MAX_NEED_CHARS = 300
_PARALLEL = re.compile(
    r"\b(?:at\s+the\s+same\s+time(?:\s+as)?|in\s+parallel(?:\s+with)?|simultaneously(?:\s+with)?|"
    r"concurrently(?:\s+with)?|all\s+at\s+once|side\s+by\s+side(?:\s+with)?|alongside|"
    r"together(?:\s+with)?)\b",
    re.IGNORECASE,
)
_OTHERWISE = re.compile(
    r"^(?:otherwise|else|if\s+not|or\s+else|if\s+(?:they|it)\s+fail\w*)\b[,\s]*"
)
# "deploy if they pass" (the action comes first) and "if the tests pass, deploy" / "if the
# tests pass deploy" (the condition comes first).
_SUCCESS_WORDS = r"(?:pass(?:es|ed)?|succeed\w*|green|ok|work\w*|clean|good|approved?)"
_SUCCESS = re.compile(rf"\b{_SUCCESS_WORDS}\b", re.IGNORECASE)
_POST_IF = re.compile(
    rf"^(?P<act>.+?)\s+(?:only\s+)?(?:if|when|once)\s+(?P<cond>.*\b{_SUCCESS_WORDS})$"
)
_PRE_IF = re.compile(
    rf"^(?:if|when|once)\s+(?P<cond>.*?\b{_SUCCESS_WORDS})\b[,\s]*(?:then\s+)?(?P<act>.*)$"
)
# "after the migration runs, update the docs": a plain ordering word, not a condition.
_AFTER = re.compile(r"^(?:after|once|when|as\s+soon\s+as)\s+", re.IGNORECASE)
_BEFORE = re.compile(r"^before\s+", re.IGNORECASE)
_CLAUSE_HEAD = re.compile(
    r"^(?:if|when|once|otherwise|else|after|before|or\s+else)\b", re.IGNORECASE
)
_PREPOSITION = re.compile(
    r"\s(?:with|for|using|in|into|on|to|from|behind|via|across|against|of)\s", re.IGNORECASE
)
_FILLER = re.compile(
    r"^(?:(?:please|kindly|help\s+me(?:\s+to)?|i\s+(?:want|need|would\s+like|'d\s+like|wanna)\s+"
    r"(?:you\s+)?to|i\s+want|can\s+you|could\s+you|let'?s|we\s+(?:need|want)\s+to|"
    r"i'?m\s+trying\s+to|how\s+(?:do|can)\s+i|first(?:ly)?|also|just)\s*,?\s*)+",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:it|them|this|that|these|those|its|their)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+#_-]*")
# Words that start an action. A list item without one ("performance") is part of a list and
# borrows the list's verb; stems, so "deploys"/"deploying" count too.
_VERBS = frozenset(
    stem(w)
    for w in """add analyse analyze annotate audit automate backup benchmark build bundle chart
    check clean commit compile configure containerize convert create debug deploy design
    develop dockerize document draft edit email evaluate export extract fine-tune fix format
    generate harden host implement import index install integrate label launch lint load
    localize measure migrate mock monitor notify open optimize package parse plan plot polish
    post prepare profile prototype provision publish push refactor release render research
    review rewrite run scaffold scan schedule scrape secure seed send serve set setup ship sign
    spec store summarize test track train transcribe transform translate tune update upgrade
    validate verify version visualize write ask bake book buy call cancel choose clean cook
    collect compare compose copy correct count delete describe download draw estimate explain
    fetch fill find finish get give grow hire learn list make manage map merge move order
    organize pay pick print proofread read record remove rename repair replace reply report
    resize restore review save search sell share sort split start stop study support sync take
    teach tidy transfer try upload use watch""".split()
)
# What a release step says: it is retried once and can be rolled back (see workflow.planner).
_DEPLOY = re.compile(r"\b(?:deploy\w*|release\w*|ship\w*|publish\w*|launch\w*|rollout)\b", re.I)
_TEST_VERBS = frozenset(stem(w) for w in "test tests verify check".split())
MAX_NEEDS = 12


@dataclass(frozen=True)
class Need:
    """One thing the goal asks for, in the user's words."""

    text: str
    role: Role = "step"
    parallel_group: int | None = None  # needs sharing a group run side by side
    added: bool = False  # implied by the goal, not named in it (a test gate before a deploy)
    context: tuple[str, ...] = field(default=())  # words borrowed for "it"/"them"

    @property
    def query(self) -> str:
        """What to search for: the need's own words plus what its pronouns stand for."""
        own = _PRONOUN.sub(" ", self.text)
        return " ".join(" ".join([own, *self.context]).split())


def deploys(text: str) -> bool:
    """Whether a need ships something (deploy, release, publish…)."""
    return bool(_DEPLOY.search(text))


def clean(text: str) -> str:
    """A need's words without request framing ("help me", "I want to", "please")."""
    out = _FILLER.sub("", " ".join(text.split())).strip(" ,.;:")
    return re.sub(r"\b(?:my|our|your)\b\s*", "", out, flags=re.IGNORECASE).strip()


_DETERMINERS = frozenset("a an the my our your some this that these those it them all".split())


def _has_verb(text: str) -> bool:
    """Whether the clause starts with an action: a known verb, or a word followed by an article
    or pronoun ("book a table", "water the plants"), as only verbs are in an imperative."""
    words = _WORD.findall(text.lower())
    if not words:
        return False
    return stem(words[0]) in _VERBS or (len(words) > 1 and words[1] in _DETERMINERS)


def _content(text: str) -> list[str]:
    from agentops_lite.search.tokens import STOPWORDS

    return [
        w
        for w in _WORD.findall(text)
        if w.lower() not in STOPWORDS and stem(w.lower()) not in _VERBS and not _PRONOUN.match(w)
    ]


def _split(goal: str) -> list[tuple[str, bool, bool]]:
    """Clauses in order: (text, sits in a run-together part, joined to the previous as a list).

    Sequence words ("then", ";") cut the goal into segments; commas and "and" split a segment
    into list items. A run-together phrase ("at the same time", "in parallel") makes every item
    of its segment run together: "lint and scan at the same time, then deploy" runs lint and
    scan together, then deploys; "X at the same time as Y" is X and Y together."""
    out: list[tuple[str, bool, bool]] = []
    text = _CONTROL.sub(" ", _ESCAPES.sub(" ", goal))
    for segment in _SEQ_SPLIT.split(text):
        together = bool(_PARALLEL.search(segment))
        body = _PARALLEL.sub(", ", segment) if together else segment
        first = True
        for part in _LIST_SPLIT.split(body):
            part = part.strip(" ,.;:!?")
            if part:
                out.append((part, together, not first))
                first = False
    return out


def _head(text: str) -> bool:
    """Whether a clause starts an action of its own (a verb, or if/otherwise/after…)."""
    return _has_verb(text) or bool(_CLAUSE_HEAD.match(text))


def _complete_lists(clauses: list[str], joined: list[bool] | None = None) -> list[str]:
    """Give list items the words they share with their list.

    "run security", "performance", "code quality checks on repo" → "run security checks",
    "run performance checks", "run code quality checks on repo"; "build a SaaS with Next.js",
    "Stripe payments" → "build a SaaS with Stripe payments"; and bare verbs take the object of
    the next clause: "build", "test", "deploy a web app" → "build a web app", …"""
    out = list(clauses)
    joined = joined if joined is not None else [i > 0 for i in range(len(out))]
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and joined[j + 1] and not _head(out[j + 1]):
            j += 1
        if j > i and _has_verb(out[i]):
            lead = out[i]
            if (prep := list(_PREPOSITION.finditer(lead))) and len(lead.split()) > 3:
                # The items replace what follows the lead's last preposition.
                stem_part = lead[: prep[-1].end()]
                for k in range(i + 1, j + 1):
                    out[k] = stem_part + out[k]
            else:
                verb = lead.split()[0]
                last = out[j]
                cut = _PREPOSITION.search(f" {last} ")
                core = last[: cut.start()].strip() if cut else last
                head = core.split()[-1] if len(core.split()) > 1 else ""
                for k in range(i, j + 1):
                    words = out[k].split()
                    if k > i:
                        words = [verb, *words]
                    # "security" needs the list's noun ("checks"); "the docs" is whole already.
                    whole = any(w.lower() in _DETERMINERS for w in words[1:])
                    if k < j and head and not whole and words[-1].lower() != head.lower():
                        words.append(head)
                    out[k] = " ".join(words)
        i = j + 1
    for k, text in enumerate(out):
        if len(text.split()) == 1 and _has_verb(text):
            # Only within the same list: "build, test and deploy a web app".
            end = k + 1
            while end < len(out) and joined[end]:
                end += 1
            # A condition or its other branch ("otherwise notify slack") is no list item.
            obj = next(
                (
                    c.split(maxsplit=1)[1]
                    for c in out[k + 1 : end]
                    if len(c.split()) > 1 and not _CLAUSE_HEAD.match(c)
                ),
                "",
            )
            if obj:
                out[k] = f"{text} {obj}"
    return out


def parse_goal(goal: str) -> list[Need]:
    """The needs of `goal` in the user's order, with their roles (see the module docstring)."""
    raw = _split(goal)
    texts = _complete_lists([clean(t) for t, _, _ in raw], [j for _, _, j in raw])
    needs: list[Need] = []
    group = 0
    prev_together = False
    branch: Role | None = None  # inside a conditional: which branch clauses join
    before: list[Need] = []  # "before X, Y": X waits until Y is added
    for (_, together, _joined), text in zip(raw, texts, strict=True):
        if not text:
            continue
        if together and not prev_together:
            group += 1
        prev_together = together
        pgroup = group if together else None
        lowered = text.lower()
        if branch is not None and (m := _OTHERWISE.match(lowered)):
            branch = "else"
            if rest := clean(text[m.end() :]):
                needs.append(Need(rest, role="else"))
            continue
        found = _conditional(text)
        if found is not None:
            cond, act = found
            _gate(needs, cond)
            branch = "then"
            if act := clean(act):
                needs.append(Need(act, role="then"))
            continue
        if m := _BEFORE.match(text):
            before.append(Need(clean(text[m.end() :])))
            continue
        if m := _AFTER.match(text):
            text = clean(text[m.end() :])
        needs.append(Need(text, role=branch or "step", parallel_group=pgroup))
        needs.extend(before)
        before.clear()
    needs.extend(before)
    return _resolve_pronouns([_capped(n) for n in needs if n.text])[:MAX_NEEDS]


def _capped(need: Need) -> Need:
    if len(need.text) <= MAX_NEED_CHARS:
        return need
    cut = need.text[:MAX_NEED_CHARS].rsplit(" ", 1)[0]
    return replace(need, text=cut)


def _conditional(text: str) -> tuple[str, str] | None:
    """(condition, action) of "if X pass, Y" or "Y if X pass"; None for any other clause."""
    lowered = text.lower()
    if pre := _PRE_IF.match(lowered):
        act = pre.group("act")
        return pre.group("cond"), text[len(text) - len(act) :] if act else ""
    if post := _POST_IF.match(lowered):
        return post.group("cond"), text[: len(post.group("act"))]
    return None


def _gate(needs: list[Need], cond: str) -> None:
    """Make the need the condition tests a gate: the last need the condition names ("if the
    review passes" → the review), else the last test-like one, else an added check."""
    from agentops_lite.search.tokens import STOPWORDS

    words_of_cond = _WORD.findall(_SUCCESS.sub(" ", cond).lower())
    named = {stem(w) for w in words_of_cond if w not in STOPWORDS}
    for wanted in (named, _TEST_VERBS):
        for k in range(len(needs) - 1, -1, -1):
            words = {stem(w) for w in _WORD.findall(needs[k].text.lower())}
            if wanted and words & wanted and needs[k].role == "step":
                needs[k] = replace(needs[k], role="gate", parallel_group=None)
                return
    subject = " ".join(
        w for w in _WORD.findall(_SUCCESS.sub(" ", cond)) if w.lower() not in ("they", "it", "all")
    )
    testing = any(stem(w.lower()) in _TEST_VERBS for w in subject.split())
    text = f"run {subject}" if testing else f"check that {subject or 'the work'} is ready"
    needs.append(Need(text, role="gate", added=True))


def _resolve_pronouns(needs: list[Need]) -> list[Need]:
    """A need that says "it"/"them" searches with the domain words of the goal's first object.

    The first need usually introduces what the goal is about ("scrape product data…, store it,
    chart it"); later pronouns mostly point back at that, not at the need just before."""
    topic = next((tuple(c[:2]) for n in needs if (c := _content(n.text))), ())
    out: list[Need] = []
    for i, need in enumerate(needs):
        if i and _PRONOUN.search(need.text) and topic:
            need = replace(need, context=topic)
        out.append(need)
    return out
