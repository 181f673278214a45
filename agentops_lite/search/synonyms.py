"""A general vocabulary of software and knowledge-work concepts: abbreviations, synonyms, kin.

Groups are written as plain text, stemmed at build time into data/vocabulary.json (used while its
signature matches these groups and the stemmer; else stemmed on first use). `EQUIVALENT` groups
name the same thing (abbreviations, spellings, exact synonyms); `RELATED` groups are concept
neighbourhoods that a user's words point at without naming (a paraphrase finds the tool's
vocabulary). Nothing here names a plugin or a query: it is a thesaurus of the domain, applied to
every query alike.
"""

from __future__ import annotations

import json
import os
import zlib
from functools import lru_cache
from typing import TYPE_CHECKING

from agentops_lite.search import tokens
from agentops_lite.search.tokens import terms

if TYPE_CHECKING:
    from pathlib import Path

# A str: every read command loads the file, and pathlib (with the urllib.parse and ipaddress it
# imports) would cost it more than the load. `VOCABULARY_FILE`, the Path the build script writes
# (and tests point elsewhere), is made on first use by the module's __getattr__.
_VOCABULARY = os.path.join(
    os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "data", "vocabulary.json"
)


def __getattr__(name: str) -> Path:
    if name == "VOCABULARY_FILE":
        from pathlib import Path

        return Path(_VOCABULARY)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


EQUIVALENT = """
kubernetes, k8s, kube
typescript, ts
javascript, js, ecmascript
python, py
golang, go
postgres, postgresql, psql, pg
mysql, mariadb
mongodb, mongo
database, db, databases, rdbms
sql, structured query language
continuous integration, ci
continuous delivery, continuous deployment, cd
cicd, ci/cd, pipeline
end to end, e2e, end-to-end
accessibility, a11y, wcag, screen reader, aria
internationalization, i18n, localization, l10n, translation
localize, localise, translate
large language model, llm, llms, language model
retrieval augmented generation, rag, retrieval
evaluation, evals, eval, benchmark
machine learning, ml
artificial intelligence, ai
user interface, ui
user experience, ux
pull request, pr, merge request, mr, prs
repository, repo, codebase
documentation, docs, doc
authentication, auth, authn, login, sign in, oauth, sso
authorization, authz, permissions, rbac
infrastructure as code, iac, terraform, opentofu
amazon web services, aws
google cloud, gcp
azure, microsoft cloud
command line, cli, terminal, shell
application programming interface, api, apis, endpoint, endpoints
rest, restful, rest api
graphql, gql
openapi, swagger, api spec
model context protocol, mcp, mcp server
language server, lsp
object relational mapping, orm, prisma, sqlalchemy, typeorm, drizzle
search engine optimization, seo
customer relationship management, crm
software development kit, sdk
service level objective, slo, sla
site reliability, sre
devops, dev ops, platform engineering
github actions, gh actions, workflow yaml
docker, container, containers, containerized, dockerfile
react, reactjs, react.js
vue, vuejs, vue.js
next.js, nextjs
node, nodejs, node.js
c#, csharp, dotnet, .net
c++, cpp
ios, iphone, ipad, swift, swiftui
android, kotlin
regex, regular expression
spreadsheet, excel, xlsx, sheets
presentation, powerpoint, pptx, slides, deck
word document, docx
pdf, portable document
personally identifiable information, pii, personal data
gdpr, general data protection regulation
ocr, optical character recognition
nlp, natural language processing
rna seq, rnaseq, rna sequencing, transcriptomics
single cell, scrna, scrnaseq
web3, blockchain, onchain, crypto
smart contract, solidity, evm
decentralized finance, defi
tdd, test driven, test first
bdd, behavior driven
xss, cross site scripting
csrf, cross site request forgery
dependencies, deps, packages, libraries
vulnerability, vulnerabilities, cve, cves
secret, secrets, credentials, api keys, tokens, leaked keys
refactor, refactoring, restructure, clean up, tidy up
changelog, release notes
semver, semantic versioning, version bump
adr, architecture decision record
erd, entity relationship
k6, load test, load testing, stress test
ab test, a/b test, experiment
"""

RELATED = """
translation, languages, multilingual, locale, french, german, spanish, japanese, chinese
kubernetes, helm, kustomize, manifests, pods, cluster, kubectl, deployment yaml
helm, chart, charts, kubernetes
terraform, infrastructure, cloud, provisioning, aws, iac, pulumi, cloudformation
cloud, aws, gcp, azure, infrastructure
database, sql, schema, query, postgres, mysql, index, indexes
query optimization, slow query, explain plan, indexing, query performance, database performance
migration, migrations, schema change, alembic, flyway, liquibase, zero downtime
zero downtime, online migration, backward compatible, expand contract
performance, slow, latency, speed, profiling, bottleneck, optimize, load time
slow, performance, latency, profiling, optimize
memory leak, heap, profiling, memory, performance
web performance, core web vitals, lighthouse, page speed, bundle size, lazy loading
testing, test, tests, unit test, qa, quality assurance, coverage, jest, pytest, vitest
unit test, pytest, jest, vitest, test generation, coverage
coverage, test coverage, untested
end to end, playwright, cypress, selenium, browser testing, e2e
flaky, intermittent, nondeterministic, flakiness, test debugging
debugging, debug, bug, troubleshoot, root cause, stack trace, failure, fix
error, errors, exception, crash, failure
code review, review, reviewer, pull request, feedback, critique
pull request, code review, github, merge
security, vulnerability, audit, secure, pentest, owasp, threat
secret scanning, secrets, leaked, credentials, gitleaks, trufflehog
dependency audit, vulnerable dependencies, sca, supply chain, npm audit, snyk, dependabot
smart contract audit, solidity, security audit, foundry, hardhat, slither
deploy, deployment, release, ship, rollout, hosting, vercel, publish
release, versioning, changelog, tag, semver, publish
monitoring, observability, metrics, alerting, prometheus, grafana, dashboards, logs, tracing
alerting, on call, oncall, pager, pagerduty, incident, paged, alerts
incident, outage, postmortem, on call, incident response
production errors, sentry, error tracking, exceptions
logging, logs, log analysis
ci, github actions, pipeline, build, jenkins, gitlab ci, circleci, workflow
monorepo, nx, turborepo, workspaces, pnpm
api design, rest, openapi, endpoints, schema, contract
api documentation, openapi, swagger, reference docs
documentation, readme, docs, technical writing, guide, docstring
explain, understand, onboarding, walkthrough, codebase tour, code explanation, legacy
legacy, old code, modernize, modernization, migration
onboarding, new team member, ramp up, knowledge transfer
refactor, code quality, clean code, simplify, code smell, maintainability, lint
code quality, lint, linter, static analysis, code smell, complexity
formatting, formatter, prettier, black, style
typescript, types, type safety, strict, typing
types, typing, type checking, mypy, type safety
frontend, ui, react, css, components, web
design, figma, ui, mockup, prototype, design system
figma, design to code, mockup, design tokens
accessibility, screen reader, aria, wcag, contrast, keyboard navigation, inclusive
mobile, ios, android, app, react native, flutter
ios, swift, xcode, swiftui, apple
graphql, schema, resolvers, apollo
spec, specification, requirements, prd, design doc, planning, plan
planning, plan, roadmap, spec, architecture, brainstorm, design
brainstorm, ideation, ideas
architecture, system design, design patterns, architect
tdd, test first, red green refactor, test driven
git, commit, branch, merge, rebase, version control
commit message, conventional commits, commit
changelog, release notes, version history
project management, jira, linear, tickets, issues, backlog, tasks, asana, trello
jira, ticket, tickets, issue tracker, atlassian
meeting notes, transcript, minutes, action items, meeting
notes, note taking, obsidian, notion, knowledge base
memory, remember, recall, persistent memory, context, knowledge
context, context window, context engineering, memory
agents, multi agent, orchestration, swarm, subagents, coordinator, team, parallel agents
orchestration, coordinate, coordination, swarm, workflow, multi agent
autonomous, agentic, agent
prompt, prompts, prompt engineering
llm, ai, model, openai, anthropic, gpt, claude api
evaluation, evals, metrics, benchmark, llm as judge, grading
rag, retrieval, embeddings, vector database, vector search, semantic search
embeddings, vector, pinecone, weaviate, chroma, pgvector
machine learning, model training, training, pytorch, tensorflow, scikit, mlops
mlops, experiment tracking, mlflow, weights and biases, wandb, model registry
model serving, inference, serving, fastapi, deployment, endpoint
data analysis, pandas, jupyter, notebook, analytics, statistics, dataframe
jupyter, notebook, ipynb, data science
data visualization, chart, charts, plot, plotting, graph, dashboard, matplotlib
scraping, scraper, crawl, crawler, web scraping, extract, firecrawl, puppeteer
browser automation, playwright, puppeteer, selenium, headless browser
etl, data pipeline, ingestion, airflow, dbt
finance, financial, accounting, valuation, dcf, financial statements, investment, equity research
valuation, dcf, financial model, comps, lbo
marketing, campaign, seo, content, social media, growth, ads, copywriting
email, newsletter, mailchimp, email campaign, outreach
social media, twitter, linkedin, instagram, posts, scheduling, buffer
seo, keywords, search ranking, blog, content marketing
writing, copywriting, blog, article, content, editing, prose, style
humanize, human tone, natural voice, ai writing, ai detection, tone
tone, voice, style guide, brand voice
image generation, images, image, generate images, dall e, stable diffusion, midjourney, illustration
video, video editing, ffmpeg
audio, speech, transcription, whisper, text to speech
compliance, regulation, legal, privacy, gdpr, hipaa, soc2, policy
privacy, personal data, data protection, consent, gdpr
legal, contract, contracts, law, compliance
payments, stripe, billing, checkout, subscription, invoice
slack, notifications, notify, messaging, chat, alerts
notifications, notify, webhook, alerts, slack, discord
hooks, guardrails, safety, block, prevent, dangerous commands, permissions, sandbox
guardrails, safety, safe, protect, block, destructive
dangerous, destructive, rm rf, risky, unsafe
shell, bash, command, commands, terminal
documentation lookup, library docs, api reference, up to date docs, context7, docs search
search, lookup, find, query
bioinformatics, genomics, sequencing, scrna, scanpy, biology, life sciences
chemistry, molecules, rdkit, drug discovery
science, scientific, research, papers, literature
research, literature review, papers, arxiv, pubmed, citations
spreadsheet, excel, xlsx, csv, tables
presentation, slides, pptx, deck
rust, cargo, tokio, async, crates
async, asynchronous, concurrency, futures, await
django, python web, drf, django rest framework
fastapi, flask, python api
rails, ruby on rails, ruby
laravel, php
spring, java, spring boot
game, gamedev, unity, godot, unreal
web app, webapp, website, web application, full stack
containerized, docker, compose, image, container
serverless, lambda, cloud functions
cost, finops, cloud cost, billing, spend
workflow, automation, automate, pipeline, n8n, zapier
productivity, tasks, todo, organize, planner
customer support, helpdesk, zendesk, support tickets
sales, crm, leads, prospecting, outreach, hubspot, salesforce
hr, hiring, recruiting, interview, resume
education, learning, tutor, teach, course
"""

# Query words that carry no topic: the user's framing, not what they want found.
QUERY_FILLER = frozenset(
    terms(
        """want need help please claude something thing things able way ways like let lets
        me my mine our us get getting got give go going just really also sure new one some
        anyone everything anything every should would could might make makes making made
        tool tools plugin plugins skill skills set setup step
        steps same time using work works working good best better easy quick quickly without
        within whether across otherwise else when whenever while then done doing does
        """
    )
)

# Generic actions: kept, but they weigh less than the nouns naming the need.
GENERIC = frozenset(
    terms(
        """write create build add run check find look do use generate implement improve manage
        handle start open turn code app application project file files data system service
        """
    )
)


def _parse(block: str) -> list[list[tuple[tuple[str, ...], bool]]]:
    """Groups of (stemmed member, whether it can stand in for the others in a search).

    A phrase that stopwords shrink to one word ("clean up" -> "clean", "look up" -> "look")
    still leads to its group when typed, but is never searched for in its place: alone, the
    word has lost the meaning the phrase had."""
    groups: list[list[tuple[tuple[str, ...], bool]]] = []
    for line in block.strip().splitlines():
        group = []
        for m in line.split(","):
            member = tuple(terms(m.replace("/", "")))
            if member:
                group.append((member, not (len(member) == 1 and len(m.split()) > 1)))
        groups.append(group)
    return groups


def _direct(block: str, weight: float) -> dict[tuple[str, ...], dict[str, float]]:
    out: dict[tuple[str, ...], dict[str, float]] = {}
    for group in _parse(block):
        for member, _ in group:
            target = out.setdefault(member, {})
            for other, searchable in group:
                # A phrase stands in as its joined term; the index joins the same phrases.
                term = "".join(other)
                if not searchable or other == member or term in member:
                    continue
                if target.get(term, 0.0) < weight:
                    target[term] = weight
    return out


@lru_cache(maxsize=1)
def vocabulary() -> dict[tuple[str, ...], dict[str, float]]:
    """Stemmed phrase -> {expansion term: weight}; equivalents inherit each other's neighbours.

    Stemming every group costs a read command about as much as its query, so the packaged,
    prebuilt copy is used when it was built from these very groups and this stemmer."""
    return _packaged() or build_vocabulary()


def signature() -> str:
    """What the vocabulary is made from: the groups and the tokenizer's code.

    Two 32-bit checksums, not a sha256: every read command checks it, and loading OpenSSL for
    hashlib would cost it more than the check (this guards a build artefact, not secrets)."""
    with open(tokens.__file__, "rb") as fh:
        data = f"{EQUIVALENT}\0{RELATED}\0".encode() + fh.read()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}-{len(data)}"


def _packaged() -> dict[tuple[str, ...], dict[str, float]] | None:
    # A VOCABULARY_FILE set on the module (a test's stale copy) wins over the packaged one.
    where = globals().get("VOCABULARY_FILE", _VOCABULARY)
    try:
        with open(where, encoding="utf-8") as fh:
            doc = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("signature") != signature():
        return None
    return {tuple(key): expansions for key, expansions in doc["entries"]}


def vocabulary_document() -> str:
    """data/vocabulary.json as `scripts/build_snapshot.py` writes it (sorted, so reproducible)."""
    entries = [[list(k), v] for k, v in sorted(build_vocabulary().items())]
    return json.dumps({"signature": signature(), "entries": entries}, separators=(",", ":"))


def build_vocabulary() -> dict[tuple[str, ...], dict[str, float]]:
    """The vocabulary stemmed from the groups above (what `vocabulary` returns)."""
    equal = _direct(EQUIVALENT, 0.9)
    related = _direct(RELATED, 0.45)
    joined_key = {"".join(k): k for k in (*equal, *related)}
    out: dict[tuple[str, ...], dict[str, float]] = {}
    for key in {*equal, *related}:
        merged = dict(related.get(key, {}))
        for term, w in equal.get(key, {}).items():
            merged[term] = max(merged.get(term, 0.0), w)
            for t2, w2 in related.get(joined_key.get(term, ()), {}).items():
                if merged.get(t2, 0.0) < w * w2:
                    merged[t2] = w * w2
        merged.pop("".join(key), None)
        out[key] = merged
    return out


@lru_cache(maxsize=1)
def phrases() -> frozenset[tuple[str, ...]]:
    """Multi-word vocabulary entries; the index adds their joined form as one more term."""
    return frozenset(k for k in vocabulary() if len(k) > 1)


@lru_cache(maxsize=1)
def _phrase_heads() -> frozenset[str]:
    return frozenset(k[0] for k in phrases())


def join_phrases(toks: list[str]) -> list[str]:
    """The joined terms of every vocabulary phrase occurring in `toks` (stemmed)."""
    heads = _phrase_heads()
    # Only positions holding a phrase's first word can start one: the index calls this on
    # thousands of tokens per plugin, nearly all of which start none.
    starts = [i for i, t in enumerate(toks) if t in heads]
    if not starts:
        return []
    known = phrases()
    out: list[str] = []
    for n in (2, 3):
        last = len(toks) - n
        grams = (tuple(toks[i : i + n]) for i in starts if i <= last)
        out.extend("".join(gram) for gram in grams if gram in known)
    return out
