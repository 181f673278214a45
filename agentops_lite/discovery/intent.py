"""Intent analysis for `prime`: keywords, a category taxonomy and software lifecycle stages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agentops_lite.search.tokens import STOPWORDS, raw_tokens, stem, terms

# Lifecycle stages in workflow order, each with the words that signal it and the query that
# finds tools for it.
STAGES: dict[str, tuple[str, str]] = {
    "plan": (
        "plan planning spec specification requirements prd design architecture roadmap "
        "brainstorm feature story",
        "plan feature spec requirements architecture",
    ),
    "code": (
        "code implement implementation write build develop refactor scaffold generate feature "
        "function endpoint component app",
        "implement code development",
    ),
    "build": (
        "build compile bundle package docker container containerized image ci pipeline cicd",
        "build ci pipeline docker container",
    ),
    "test": (
        "test tests testing unit e2e coverage tdd qa flaky pytest jest playwright verify",
        "testing unit tests coverage",
    ),
    "review": (
        "review pr pull request merge lint quality critique feedback approve",
        "code review pull request quality",
    ),
    "security": (
        "security secure vulnerability vulnerabilities audit secrets cve owasp pentest "
        "compliance threat",
        "security audit vulnerability scanning",
    ),
    "docs": (
        "docs documentation document readme changelog explain tutorial guide comments",
        "documentation docs generation",
    ),
    "deploy": (
        "deploy deployment release ship publish rollout kubernetes k8s helm terraform "
        "provision hosting serve",
        "deploy deployment release",
    ),
    "monitor": (
        "monitor monitoring observability alert alerting logs metrics tracing incident "
        "on-call sentry grafana prometheus",
        "monitoring observability alerting",
    ),
}

# A small taxonomy of what a plugin is about (independent of any marketplace's categories).
CATEGORIES: dict[str, str] = {
    "infrastructure": "kubernetes k8s helm terraform cloud aws gcp azure docker infrastructure iac",
    "frontend": "react vue angular svelte css ui frontend component web website accessibility",
    "backend": "api rest graphql server backend endpoint microservice django fastapi rails",
    "data": "database sql postgres mysql mongodb data etl pipeline analytics jupyter pandas",
    "ai-ml": "llm ml machine learning model rag embeddings agent prompt training evals ai",
    "mobile": "ios android swift kotlin mobile flutter react-native",
    "security": "security vulnerability secrets audit owasp compliance privacy gdpr",
    "quality": "test testing review lint refactor quality coverage debug",
    "devops": "ci cd pipeline deploy release monitoring observability incident github actions",
    "docs": "documentation docs readme changelog writing",
    "web3": "blockchain solidity smart contract web3 crypto defi",
    "business": "marketing sales finance seo email campaign crm customer legal",
    "productivity": "notes meeting jira tickets project management tasks calendar slack",
    "design": "design figma mockup image images illustration video",
}


@dataclass(frozen=True)
class Intent:
    text: str
    keywords: list[str]
    categories: list[str]
    stages: list[str]  # in lifecycle order


def _stems(words: str) -> set[str]:
    return set(terms(words))


def analyse(text: str) -> Intent:
    """What the user wants: topical keywords, taxonomy categories and lifecycle stages."""
    from agentops_lite.search.synonyms import QUERY_FILLER

    words = [w for w in raw_tokens(text) if w not in STOPWORDS and stem(w) not in QUERY_FILLER]
    stems = {stem(w) for w in words}
    stages = [s for s, (signals, _) in STAGES.items() if stems & _stems(signals)]
    categories = [c for c, signals in CATEGORIES.items() if stems & _stems(signals)]
    stage_words = set().union(*(_stems(sig) for sig, _ in STAGES.values()))
    keywords = list(dict.fromkeys(w for w in words if stem(w) not in stage_words)) or words
    return Intent(text=text, keywords=keywords, categories=categories, stages=stages or ["code"])


def stage_query(stage: str, intent: Intent) -> str:
    """The search that finds tools for one stage of this intent's work.

    The user's own words for the stage win: in "build, test and deploy a containerized web app"
    the deploy stage searches "deploy a containerized web app". A clause naming nothing of the
    domain besides the stage ("build") gets the stage's usual vocabulary; every query carries the
    intent's topic, so the tools found fit the same project."""
    from agentops_lite.search.query_plan import split_clauses
    from agentops_lite.search.synonyms import GENERIC, vocabulary

    signals = _stems(STAGES[stage][0])
    clause = next((c for c in split_clauses(intent.text) if _stems(c) & signals), "")
    words = _stems(clause)
    topic = [w for w in intent.keywords if stem(w) not in words | GENERIC][:4]
    if any((w,) in vocabulary() for w in words - signals - GENERIC):  # names a domain thing
        return " ".join([clause, *topic])
    return " ".join([STAGES[stage][1], *topic]).strip()


def topic_stems(words: Iterable[str]) -> set[str]:
    """Stems of the words that name a topic: framing words ("fix", "add", "tool") left out."""
    from agentops_lite.search.synonyms import GENERIC, QUERY_FILLER

    return {stem(w) for w in words} - GENERIC - QUERY_FILLER
