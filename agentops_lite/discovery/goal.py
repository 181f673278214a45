"""Read a goal as ordered needs and the structure between them (sequence, parallel, conditional).

"write terraform for a VPC, review it for security, then deploy with github actions" is three
needs in that order; "run security, performance and quality checks at the same time" is three
needs side by side; "run the tests and deploy if they pass, otherwise debug the failures" is a
test gate with a branch either way ("if it breaks, roll back" takes the failing branch, "if you
find any, open a ticket" tests what the gate found). Each need keeps the user's own words
(filler dropped), so it can be searched for on its own. Plain text rules, no model: Claude,
when it is there, splits the goal itself and passes the needs in (`--need`); this parser is the
terminal's fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from agentops_lite.discovery.goal_verbs import CLAUSE_WORDS, VERBS
from agentops_lite.search.tokens import stem

Role = Literal["step", "gate", "then", "else"]

# Words that order clauses ("X, then Y"); a list ("X, Y and Z") is split inside a segment
# below, and only its items borrow each other's verb and head noun.
# "X before Y" is X, then Y; a colon introduces the steps of what precedes it; a pasted list
# ("1. write a dockerfile 2. build the image", one need a line, "step 2: …") is a sequence.
_SEQ_SPLIT = re.compile(
    r"\s*(?:;|(?<!\d):\s|(?<!\b\d)(?<!\b\d\d)\.\s+|\n+|(?<!step)\s(?=(?:step\s+)?\d{1,2}[.):]\s)|"
    r",?\s*\b(?:and\s+then|and\s+after\s+that|after\s+that|afterwards|"
    r"then|next|finally|and\s+finally|and\s+later|later)\b(?=\s|,|$)\s*,?|"
    r"(?<=\w)\s+before\s+(?=\w))\s*",
    re.IGNORECASE,
)
# A need given on its own may still start with the word that ordered it ("then deploy it").
_LEAD_SEQUENCE = re.compile(
    r"^(?:and\s+)?(?:then|next|finally|afterwards|after\s+that|and)\b[,\s]*", re.IGNORECASE
)
_NUMBERING = re.compile(
    r"^\s*(?:(?:step\s+)?\d{1,2}[.):]\s*|step\s+\d{1,2}\s+|[-*\u2022]\s+)", re.I
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
    r"together(?:\s+with)?|while\s+also|and\s+meanwhile|meanwhile)\b",
    re.IGNORECASE,
)
_OTHERWISE = re.compile(
    r"^(?:otherwise|else|if\s+not|or\s+else|if\s+(?:they|it)\s+(?:fail|pass)\w*)\b[,\s]*"
)
# A condition says the checked work went well, went badly, or found something: "deploy if
# they pass", "if it is broken roll back", "if you find any, open a ticket". The action comes
# first ("… if X") or after ("if X, …" / "if X …").
_GOOD_WORDS = r"(?:pass(?:es|ed)?|succeed\w*|green|ok|okay|work\w*|clean|good|approved?)"
_BAD_WORDS = r"(?:fail\w*|broken|breaks?|broke|red|crash\w*|regress\w*|errors?)"
# A state the check reports ("anything is missing", "coverage is below 80%") is a finding too.
_FOUND_WORDS = (
    r"(?:finds?|found|detect\w*|spot\w*|turns?\s+up|flag(?:s|ged)?)(?:\s+any\w*)?|"
    r"there\s+(?:are|is|were)|missing|absent|below|above|under|over|exceeds?|less|more|empty"
)
_POLARITY = {
    k: re.compile(rf"\b(?:{w})\b")
    for k, w in (("found", _FOUND_WORDS), ("bad", _BAD_WORDS), ("good", _GOOD_WORDS))
}
_COND_WORD = re.compile(rf"\b(?:{_FOUND_WORDS}|{_GOOD_WORDS}|{_BAD_WORDS})\b")
# Matched by hand below, not by one regex: "X if COND" with a lazy X and COND would backtrack
# cubically on a long clause full of "if".
_PRE = re.compile(r"(?P<word>if|when|once|should|in\s+case|unless)\s+")
_POST = re.compile(r"\s(?:only\s+)?(?:if|when|once)\s+")
_THEN = re.compile(r"[,\s]*(?:then\s+)?")
MAX_CLAUSE_CHARS = 2 * MAX_NEED_CHARS
_COPULA = re.compile(r"\b(?:is|are|was|were|has|have|looks?|seems?|gets?|becomes?)\b")
# Words of a condition that name no step: "if they pass", "if you find any".
_NO_SUBJECT = frozenset(
    "they it them all both any anything everything something nothing there you we i one ones"
    " is are was were be been gets get".split()
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
# What a release step says: it is retried once and can be rolled back (see workflow.planner).
_DEPLOY = re.compile(r"\b(?:deploy\w*|release\w*|ship\w*|publish\w*|launch\w*|rollout)\b", re.I)
_UNDO = re.compile(r"(?:roll\s*back|revert|undo)(?:\s+(?:it|them|that|everything|the\s+changes?))?")
_CHECK_VERBS = frozenset(
    "run runs execute test tests check checks verify validate lint scan review audit".split()
)
# What a condition may name that is a check of its own ("the review", "the linter").
_CHECK_STEMS = frozenset(stem(w) for w in "test review scan audit lint linter check build".split())
_TEST_VERBS = frozenset(stem(w) for w in "test tests verify check lint linter".split())
MAX_NEEDS = 30  # a goal longer than this is cut (README); --need is not


@dataclass(frozen=True)
class Need:
    """One thing the goal asks for, in the user's words."""

    text: str
    role: Role = "step"
    parallel_group: int | None = None  # needs sharing a group run side by side
    added: bool = False  # implied by the goal, not named in it (a test gate before a deploy)
    context: tuple[str, ...] = field(default=())  # words borrowed for "it"/"them"
    check: str = "passed"  # a gate's result its branches test: "passed", or "found"

    @property
    def query(self) -> str:
        """What to search for: the need's own words plus what its pronouns stand for."""
        own = _PRONOUN.sub(" ", self.text)
        return " ".join(" ".join([own, *self.context]).split())


def undoes(text: str) -> bool:
    """Whether a need only undoes what came before ("roll back", "revert it")."""
    return bool(_UNDO.fullmatch(" ".join(text.lower().split())))


def deploys(text: str) -> bool:
    """Whether a need ships something (deploy, release, publish…)."""
    return bool(_DEPLOY.search(text))


def clean(text: str) -> str:
    """A need's words without request framing ("help me", "I want to", "please")."""
    out = _FILLER.sub("", " ".join(text.split())).strip(" ,.;:")
    return re.sub(r"\b(?:my|our|your)\b\s*", "", out, flags=re.IGNORECASE).strip()


_ARTICLES = frozenset("a an the some another".split())
_DETERMINERS = frozenset("a an the my our your some this that these those it them all".split())


def _has_verb(text: str) -> bool:
    """Whether the clause starts with an action: a known verb, or a word followed by an article
    or pronoun ("book a table", "water the plants"), as only verbs are in an imperative."""
    words = _WORD.findall(text.lower())
    if not words or words[0] in CLAUSE_WORDS:
        return False
    return words[0] in VERBS or (len(words) > 1 and words[1] in _DETERMINERS)


def _content(text: str) -> list[str]:
    from agentops_lite.search.tokens import STOPWORDS

    return [
        w
        for w in _WORD.findall(text)
        if w.lower() not in STOPWORDS and w.lower() not in VERBS and not _PRONOUN.match(w)
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
        segment = _NUMBERING.sub("", segment)
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
                # The items replace what follows the lead's last preposition ("with Next.js,
                # Stripe and Postgres"); one that opens with an article is a new object of
                # the verb ("book a flight to paris and a hotel near the louvre").
                stem_part = lead[: prep[-1].end()]
                verb = lead.split()[0]
                for k in range(i + 1, j + 1):
                    first = out[k].split()[0].lower()
                    out[k] = f"{verb} {out[k]}" if first in _ARTICLES else stem_part + out[k]
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
                    # "linting and type checking": a gerund names a whole activity.
                    whole = whole or words[-1].lower().endswith("ing")
                    if k < j and head and not whole and words[-1].lower() != head.lower():
                        words.append(head)
                    out[k] = " ".join(words)
        i = j + 1
    # Bare verbs take the object of the nearest later clause of the same list ("build, test
    # and deploy a web app"); a condition or its other branch ("otherwise notify slack") is
    # no list item. One pass from the end, so a long list stays linear.
    obj = ""
    for k in range(len(out) - 1, -1, -1):
        if k + 1 < len(out) and not joined[k + 1]:
            obj = ""  # the clause after this one starts another list
        text = out[k]
        if _CLAUSE_HEAD.match(text):
            obj = ""  # "lint and test, and if they fail, notify me": not "lint me"
        elif len(text.split()) == 1 and _has_verb(text):
            if obj:
                out[k] = f"{text} {obj}"
        elif len(text.split()) > 1:
            obj = text.split(maxsplit=1)[1]
    return out


def parse_goal(goal: str) -> list[Need]:
    """The needs of `goal` in the user's order, with their roles (see the module docstring)."""
    raw = _split(goal)
    return _read(raw, _complete_lists([clean(t) for t, _, _ in raw], [j for _, _, j in raw]))


def given_needs(texts: Sequence[str]) -> list[Need]:
    """Needs given one by one (`--need`, Claude's own split of a goal): each stays one need,
    and its structure words read as in a goal, so "deploy if the tests pass", "otherwise
    debug the failures" and "review the code at the same time" keep the gate, the branch and
    the parallel block a plain list of needs would lose."""
    raw: list[tuple[str, bool, bool]] = []
    for text in texts:
        plain = _CONTROL.sub(" ", _ESCAPES.sub(" ", text))
        together = bool(_PARALLEL.search(plain))
        plain = _LEAD_SEQUENCE.sub("", plain.strip())
        raw.append((_PARALLEL.sub(" ", plain) if together else plain, together, False))
    return _read(raw, [clean(t) for t, _, _ in raw], sequel_joins=False)


def _read(
    raw: list[tuple[str, bool, bool]], texts: list[str], *, sequel_joins: bool = True
) -> list[Need]:
    """Needs with their roles from clauses (text, runs together, joined to a list) in order.

    A conditional's branch takes the clauses of its own list, and the clause after a bare
    condition ("if the tests pass, then deploy"). A later sentence ("…; then notify the team")
    ends it, except that in a goal (`sequel_joins`) it continues the branch the condition's
    action went to: "if it is approved, merge it, then deploy" deploys only what was merged,
    while after "otherwise …" the next sentence runs either way."""
    needs: list[Need] = []
    group = 0
    prev_together = False
    branch: Role | None = None  # inside a conditional: which branch clauses join
    bare = False  # the last clause was a condition without its action
    flipped = False  # an "otherwise" moved to the other branch
    before: list[Need] = []  # "before X, Y": X waits until Y is added
    for (_, together, joined), text in zip(raw, texts, strict=True):
        if not joined:  # "before X, Y and Z": X comes after the whole of its segment
            needs.extend(before)
            before.clear()
            otherwise = bool(_OTHERWISE.match(text.lower()))
            if branch is not None and not (bare or otherwise or (sequel_joins and not flipped)):
                branch = None
        if not text:
            continue
        bare = False
        if together and not prev_together:
            group += 1
        prev_together = together
        pgroup = group if together else None
        lowered = text.lower()
        plain_otherwise = bool(re.match(r"(?:otherwise|else|or\s+else)\b", lowered))
        if (m := _OTHERWISE.match(lowered)) and (
            branch is not None or (plain_otherwise and _last_step(needs))
        ):
            if branch is None:  # "try to deploy, otherwise roll back": the try is the check
                k = _last_step(needs)
                needs[k - 1] = replace(needs[k - 1], role="gate", parallel_group=None)
                branch = "then"
            branch, flipped = ("else" if branch == "then" else "then"), True
            if rest := clean(text[m.end() :]):
                needs.append(Need(rest, role=branch))
            continue
        found = _conditional(text)
        if found is not None:
            cond, act, polarity = found
            existing = _gate(needs, cond, "found" if polarity == "found" else "passed")
            # "if it is broken, roll back": the action runs when the check did not pass.
            bad = polarity == "bad" and existing
            branch, flipped = ("else" if bad else "then"), False
            if act := clean(act):
                needs.append(Need(act, role=branch))
            bare = not act
            continue
        if m := _BEFORE.match(text):
            before.append(Need(clean(text[m.end() :])))
            continue
        if m := _AFTER.match(text):
            text = clean(text[m.end() :])
        needs.append(Need(text, role=branch or "step", parallel_group=None if branch else pgroup))
    needs.extend(before)
    return _resolve_pronouns([_capped(n) for n in needs if n.text])[:MAX_NEEDS]


def _capped(need: Need) -> Need:
    if len(need.text) <= MAX_NEED_CHARS:
        return need
    cut = need.text[:MAX_NEED_CHARS].rsplit(" ", 1)[0]
    return replace(need, text=cut)


def _conditional(text: str) -> tuple[str, str, str] | None:
    """(condition, action, polarity) of "if X, Y" or "Y if X"; None for any other clause.

    A condition first ends at a comma, else at the first action verb after its condition word
    ("if you find any memory leaks fix them"); "unless" turns it around."""
    text = text[:MAX_CLAUSE_CHARS]
    lowered = text.lower()
    if pre := _PRE.match(lowered):
        found = _COND_WORD.search(lowered, pre.end())
        comma = lowered.find(",", pre.end())
        if found is None or (comma != -1 and comma < found.start()):
            return None
        end = comma if comma != -1 else _action_start(lowered, found.end())
        cond = lowered[pre.end() : end].strip()
        act = text[_THEN.match(lowered, end).end() :]  # type: ignore[union-attr]
        unless = pre.group("word") == "unless"
    else:
        # The condition is what follows the first "if" and ends on a condition word.
        post = _POST.search(lowered)
        words = list(_COND_WORD.finditer(lowered, post.end())) if post else []
        if post is None or not words or lowered[words[-1].end() :].strip():
            return None
        cond, act, unless = lowered[post.end() :], text[: post.start()], False
    polarity = next(k for k in ("found", "bad", "good") if _POLARITY[k].search(cond))
    if unless:
        polarity = {"good": "bad", "bad": "good"}.get(polarity, polarity)
    return cond, act, polarity


def _action_start(lowered: str, after: int) -> int:
    """Where the action of a condition without a comma begins: its first verb."""
    for m in _WORD.finditer(lowered, after):
        if m.group().lower() in VERBS and not _COND_WORD.fullmatch(m.group()):
            return m.start()
    return len(lowered)


def _gate(needs: list[Need], cond: str, check: str) -> bool:
    """Make the need the condition tests a gate: the last need the condition names ("if the
    review passes" → the review); for "if they pass", the need just before (every need of its
    run-together group, if it has one); for a test the goal names but no step runs, the last
    test-like step; for a state of the work ("if the accuracy is good"), the step before; else
    an added check, marked so. False when that check answers the condition itself (its yes
    is the condition holding, whatever the condition's wording)."""
    from agentops_lite.search.tokens import STOPWORDS

    # The subject is what comes before the condition's verb: "the PR" of "the PR is approved",
    # "it" of "it is below 80%" (which points at the step before).
    there = re.match(r"there\s+(?:are|is|were)\s+(?:any\s+)?", cond)
    head = cond[there.end() :] if there else _COPULA.split(cond, maxsplit=1)[0]
    head = head[: m.start()] if (m := _COND_WORD.search(head)) else head
    subject = [w for w in _WORD.findall(head) if w.lower() not in _NO_SUBJECT]
    named = {stem(w.lower()) for w in subject if w.lower() not in STOPWORDS}
    steps = [k for k in range(len(needs) - 1, -1, -1) if needs[k].role == "step"]
    if not named and steps:
        # "lint and test in parallel, then deploy if they all pass": every check of the
        # group is a gate, run together; the branches wait for all of them.
        group = needs[steps[0]].parallel_group
        for k in steps if group is not None else steps[:1]:
            if needs[k].parallel_group == group:
                needs[k] = replace(needs[k], role="gate", check=check)
        return True
    naming = [k for k in steps if named & _stems(needs[k].text)]
    # Of the steps that name it, the one that runs it: "when the tests pass" gates on "run the
    # tests", not on a later "debug the failing tests".
    target = next(
        (k for k in naming if _runs_a_check(needs[k].text)), naming[0] if naming else None
    )
    if target is None and named & _TEST_VERBS:
        target = next((k for k in steps if _stems(needs[k].text) & _TEST_VERBS), None)
    if target is None and steps and not named & _CHECK_STEMS:
        target = steps[0]  # "evaluate it, and if the accuracy is good, publish it"
    if target is not None:
        needs[target] = replace(needs[target], role="gate", parallel_group=None, check=check)
        return True
    if named & _TEST_VERBS:
        needs.append(Need(f"run {' '.join(subject)}", role="gate", added=True, check=check))
        return True
    # Nothing in the goal does the check: an added one that answers the condition itself
    # ("check whether the build is broken"), so its yes runs the action whatever the wording.
    text = f"check whether {' '.join(cond.split())}" if subject else "check the work so far"
    needs.append(Need(text, role="gate", added=True, check="found"))
    return False


def _last_step(needs: list[Need]) -> int:
    """1 + the index of the last plain step, 0 when there is none."""
    return next((k + 1 for k in range(len(needs) - 1, -1, -1) if needs[k].role == "step"), 0)


def _runs_a_check(text: str) -> bool:
    first = _WORD.findall(text.lower())[:1]
    return bool(first) and first[0] in _CHECK_VERBS


def _stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower())}


def _object(text: str) -> tuple[str, ...]:
    """What a need acts on: the words after its verb, up to the first small word ("write unit
    tests for the auth module" → unit tests; "check whether the PR is approved" → PR)."""
    from agentops_lite.search.tokens import STOPWORDS

    words = _WORD.findall(text)[1:]
    out: list[str] = []
    for w in words:
        small = w.lower() in STOPWORDS or w.lower() in ("whether", "up") or _PRONOUN.fullmatch(w)
        if small and out:
            break
        if not small:
            out.append(w)
    return tuple(out[:3])


def _resolve_pronouns(needs: list[Need]) -> list[Need]:
    """A need that says "it"/"them" searches with what the goal's first object is.

    The first need usually introduces what the goal is about ("scrape product data…, store it,
    chart it"; "audit a smart contract, write tests for it, then deploy it"); later pronouns
    mostly point back at that, not at the need just before."""
    topic = next((o for n in needs if not _PRONOUN.search(n.text) and (o := _object(n.text))), ())
    out: list[Need] = []
    gate: Need | None = None
    for i, need in enumerate(needs):
        if need.role == "gate":
            gate = need
        if need.role != "step" and gate is not None and undoes(need.text):
            # "deploy; if it fails, roll back": undo what the gate did, not any rollback.
            from agentops_lite.search.tokens import STOPWORDS

            words = [w for w in _WORD.findall(gate.text) if w.lower() not in STOPWORDS]
            need = replace(need, context=tuple(words[:4]))
        elif i and _PRONOUN.search(need.text) and topic:
            need = replace(need, context=topic)
        out.append(need)
    return out
