"""The verbs the goal parser knows: which word of a clause starts an action."""

from __future__ import annotations

# Words that start an action. A list item without one ("performance") is part of a list and
# borrows the list's verb. Word forms, not stems: a stem would make "security" the verb
# "secure" and "testing" a new action.
VERB_BASES = """add alert analyse analyze annotate announce apply approve archive audit automate
    backfill backup benchmark brainstorm build bump bundle cache chart check clean clone commit
    compile configure containerize convert create debug deploy design develop diagnose document
    dockerize draft edit email embed enable encrypt evaluate explain export extract fine-tune
    finetune fix forecast format generate harden host implement import index inspect install
    instrument integrate investigate label launch lint load localize measure merge migrate mock
    modernize monitor notify onboard open optimise optimize orchestrate outline package parse
    patch plan plot polish populate port post predict prepare profile promote proofread
    prototype provision publish push rebuild refactor release render reproduce research resolve
    restructure review revert rewrite rotate run scaffold scale scan schedule scrape secure seed
    send serve set setup ship sign simplify spec store summarise summarize tag test track train
    transcribe transform translate triage troubleshoot tune update upgrade validate verify
    version visualize wireframe write ask bake book buy call cancel choose cook collect compare
    compose copy correct count delete describe download draw estimate fetch fill find finish get
    give grow hire learn list make manage map move order organize pay pick print read record
    remove rename repair replace reply report resize restore save search sell share sort split
    start stop study support sync take teach tidy transfer try upload use watch roll rerun retry
    restart redeploy reopen close escalate skip abort halt pause resume warn reject assign page
    ping do""".split()


def forms(verb: str) -> set[str]:
    """The written forms of a verb an action may start with ("deploys", "running", "tidied")."""
    if verb.endswith("y") and verb[-2:-1] not in ("a", "e", "o", "u"):
        return {verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    third = verb + ("es" if verb.endswith(("s", "x", "z", "ch", "sh")) else "s")
    if verb.endswith("e"):
        return {verb, third, verb + "d", verb[:-1] + "ing"}
    # A final consonant after one vowel may double (run -> running, but open -> opened: it
    # depends on stress), so both spellings count.
    short = len(verb) > 2 and verb[-1] in "bdglmnprt" and verb[-2] in "aeiou"
    twice = verb + verb[-1] if short and verb[-3] not in "aeiou" else verb
    return {verb, third, verb + "ed", verb + "ing", twice + "ed", twice + "ing"}


VERBS = frozenset(f for v in VERB_BASES for f in forms(v))
# Words that open a clause of their own: never the verb of an action.
CLAUSE_WORDS = frozenset("if when once otherwise else after before while unless".split())
