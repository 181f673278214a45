"""One fitting plugin per need: each need is searched on its own words, a plugin that fits
several needs serves them all, and a need nothing fits says so instead of taking a random one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import Field

from agentops_lite.discovery.fit import FIT_ORDER, FitLevel, fits
from agentops_lite.discovery.goal import Need, Role, undoes
from agentops_lite.discovery.rank_models import Hit
from agentops_lite.errors import NotFoundError, UsageError
from agentops_lite.models import OutputModel
from agentops_lite.search.synonyms import GENERIC, QUERY_FILLER
from agentops_lite.search.tokens import raw_tokens, stem, terms

_FRAMING = GENERIC | QUERY_FILLER

if TYPE_CHECKING:
    from agentops_lite.catalog.store import Catalog
    from agentops_lite.models import Component, PluginRecord

ALTERNATIVES = 3
# A plugin already chosen for an earlier need serves this one too when it scores at least this
# share of this need's best score: fewer plugins (less always-on context) for nearly the fit.
REUSE_SHARE = 0.9
GOAL_WEIGHT = 0.1  # per other topic word of the goal a result also names


class Invocation(OutputModel):
    kind: str = Field(description="command | skill | agent")
    name: str = Field(description="The component's name in the plugin")
    usage: str = Field(description="How to invoke it: `/plugin:command`, `plugin:agent`, …")


class NeedPick(OutputModel):
    """What serves one need of the goal."""

    need: str = Field(description="The need, in the user's words")
    query: str = Field(description="The search run for it")
    role: Role = Field(description="step | gate (a test the next steps depend on) | then | else")
    parallel_group: int | None = Field(description="Needs sharing a group run side by side")
    added: bool = Field(description="Implied by the goal rather than named in it")
    check: str | None = Field(
        default=None, description="A gate's result its branches test: passed, or found"
    )
    plugin: Hit | None = Field(description="The fitting plugin; null when nothing fits")
    fit: FitLevel | None = Field(description="strong | partial | weak; null when nothing matched")
    coverage: float | None = Field(description="Share of the need's words the plugin matched")
    use: Invocation | None = Field(description="The component of the plugin that does the need")
    shared: bool = Field(default=False, description="The plugin also serves an earlier need")
    alternatives: list[Hit] = Field(default_factory=list, description="Next best, fitting ones")
    reason: str


def _component_for(record: PluginRecord, need: Need) -> Invocation | None:
    """The command, skill or agent whose name and description best match the need's own words.

    A plugin with one component: that one. Otherwise None when no component names any of the
    need's words, or when several match equally well: "use /nextjs-expert:add-auth" for
    "deploy it", or for "build a SaaS with Next.js" only because add-auth is listed first of
    three Next.js commands, would be a made-up instruction. Words borrowed for "it" count a
    quarter; generic actions ("add", "run") half."""
    usable = [c for c in record.entry.components if c.kind in ("command", "skill", "agent")]
    own = set(terms(need.text)) - QUERY_FILLER
    borrowed = set(terms(" ".join(need.context))) - own
    best: tuple[float, Component] | None = None
    tied = False
    for c in usable:
        name = set(terms(c.name.replace("-", " ").replace("_", " ")))
        words = name | set(terms(c.description or ""))
        if not (own - GENERIC) & words and not own & GENERIC & name:
            continue
        score = _matched(own, name, words) + 0.25 * _matched(borrowed, name, words)
        if best is None or score > best[0]:
            best, tied = (score, c), False
        elif score == best[0]:
            tied = True
    chosen = usable[0] if len(usable) == 1 else best[1] if best and not tied else None
    if chosen is None:
        return None
    if chosen.kind == "command":
        usage = f"/{record.name}:{chosen.name}"
    elif chosen.kind == "agent":
        usage = f"{record.name}:{chosen.name}"
    else:
        usage = f"the {chosen.name} skill"
    return Invocation(kind=chosen.kind, name=chosen.name, usage=usage)


def _matched(wanted: set[str], name: set[str], words: set[str]) -> float:
    """Words of the need a component names: twice in its name, half for generic actions."""
    return sum((2.0 if w in name else 1.0) * (0.5 if w in GENERIC else 1.0) for w in wanted & words)


def pick_for_needs(
    catalog: Catalog, needs: Sequence[Need], *, use: Sequence[str] = ()
) -> list[NeedPick]:
    """A pick per need, in order. `use`: plugins the user chose (`name` or `name@marketplace`),
    each given to the need it fits best; they are preferred over searched ones."""
    from agentops_lite.catalog.read import query_plugins
    from agentops_lite.discovery.rank import discover

    if not needs:
        raise UsageError("no needs to plan", hint='e.g. --need "write terraform for a VPC"')
    for need in needs:
        if not need.query.strip():
            raise UsageError("a need is empty", hint="every need needs words")
    pinned = _resolve_use(catalog, use)
    chosen_ids = set().union(*pinned.values()) if pinned else set()
    picks: list[NeedPick] = []
    taken: dict[str, int] = {}  # plugin name -> first need index it serves
    for i, need in enumerate(needs):
        if need.added and need.check == "found":
            # A check the goal implies but nothing in it does ("check whether the build is
            # broken"): Claude answers it; a plugin found for its words would be a guess.
            picks.append(_need_pick(need, "a check the goal's condition needs"))
            continue
        result = discover(catalog, need.query, limit=50 if chosen_ids else 10)
        hits = result.results
        # A need's fit is how much of its own words a plugin matches; the words borrowed for
        # "it" only help find candidates ("deploy it" is about deploying the contract).
        own = _own_words(need) if need.context else None
        levels = fits(result, hits, own or None)
        rated = [(h, lvl, share) for h, (lvl, share) in zip(hits, levels, strict=True)]
        fitting = _by_goal([f for f in rated if f[1] != "weak"], need, needs)
        fitting = _not_only_borrowed(fitting, need, taken)
        if own:  # of two fitting plugins, the one that matches more of the need's own words
            fitting.sort(key=lambda f: -FIT_ORDER[f[1]])
        preferred = next((f for f in rated if f[0].plugin_id in chosen_ids), None)
        pick, shared = (preferred, False) if preferred else _choose(fitting, taken)
        gate = next((p for p in reversed(picks) if p.role == "gate"), None)
        if pick is None and need.role != "step" and undoes(need.text) and gate and gate.plugin:
            # "deploy; if it fails, roll back": the plugin that deployed is the one to undo
            # it with, when no plugin fits "roll back" on its own.
            pick, shared = (gate.plugin, gate.fit or "partial", gate.coverage or 0.0), True
        if pick is None:  # nothing fits: say so, with the closest (weak) matches
            closest = rated[0] if rated else None
            plugin: Hit | None = None
            invocation: Invocation | None = None
            level: FitLevel | None = closest[1] if closest else None
            share: float | None = closest[2] if closest else None
            alternatives = [f[0] for f in rated[:ALTERNATIVES]]
            reason = (
                "nothing in the catalog fits this need well; the best matches are weak"
                if closest
                else "nothing in the catalog matches this need"
            )
        else:
            plugin, level, share = pick
            taken.setdefault(plugin.plugin.lower(), i)
            record = next(iter(query_plugins(catalog.conn, ids=[plugin.plugin_id])), None)
            invocation = _component_for(record, need) if record is not None else None
            alternatives = [f[0] for f in fitting if f[0] is not plugin][:ALTERNATIVES]
            reason = (
                "you chose it"
                if preferred
                else f"also serves need {taken[plugin.plugin.lower()] + 1}"
                if shared
                else f"best {level} fit for this need"
            )
        picks.append(
            _need_pick(
                need,
                reason,
                plugin=plugin,
                fit=level,
                coverage=share,
                use=invocation,
                shared=shared,
                alternatives=alternatives,
            )
        )
    used = {p.plugin.plugin_id for p in picks if p.plugin is not None}
    for item, ids in pinned.items():
        if not ids & used:
            raise NotFoundError(
                f"--use {item}: it fits none of the needs, so the plan would not use it",
                hint="add a need it serves (--need), or drop --use",
            )
    return picks


def _choose(
    fitting: list[tuple[Hit, FitLevel, float]], taken: dict[str, int]
) -> tuple[tuple[Hit, FitLevel, float] | None, bool]:
    """The pick among the fitting results, and whether an earlier need already uses it.

    A plugin already chosen serves this need too when it scores nearly as well as the best
    (REUSE_SHARE) at no lower fit; otherwise the best plugin not used yet, else the best."""
    if not fitting:
        return None, False
    top = fitting[0]
    for f in fitting[:ALTERNATIVES]:
        if (
            f[0].plugin.lower() in taken
            and f[0].score >= REUSE_SHARE * top[0].score
            and FIT_ORDER[f[1]] >= FIT_ORDER[top[1]]
        ):
            return f, f is not top
    pick = next((f for f in fitting if f[0].plugin.lower() not in taken), top)
    return pick, pick[0].plugin.lower() in taken


def _need_pick(
    need: Need,
    reason: str,
    *,
    plugin: Hit | None = None,
    fit: FitLevel | None = None,
    coverage: float | None = None,
    use: Invocation | None = None,
    shared: bool = False,
    alternatives: Sequence[Hit] = (),
) -> NeedPick:
    """The pick of `need`: the need's own fields, and what serves it (nothing, by default)."""
    return NeedPick(
        need=need.text,
        query=need.query,
        role=need.role,
        parallel_group=need.parallel_group,
        added=need.added,
        check=need.check if need.role == "gate" else None,
        plugin=plugin,
        fit=fit,
        coverage=coverage,
        use=use,
        shared=shared,
        alternatives=list(alternatives),
        reason=reason,
    )


def _own_words(need: Need) -> frozenset[str]:
    """Stems of the need's own topical words (not those borrowed for its pronouns)."""
    return frozenset(stem(w) for w in raw_tokens(need.text)) - _FRAMING


def _not_only_borrowed(
    fitting: list[tuple[Hit, FitLevel, float]], need: Need, taken: dict[str, int]
) -> list[tuple[Hit, FitLevel, float]]:
    """Drop a plugin an earlier need chose that matches this one only through the words
    borrowed for "it": in "scan for security vulnerabilities, …, then deploy it", the scanner
    matches "deploy security vulnerabilities" through "security vulnerabilities" alone, which
    says nothing of whether it can deploy."""
    if not need.context:
        return fitting
    own = _own_words(need)
    return [
        f
        for f in fitting
        if f[0].plugin.lower() not in taken or own & {stem(m) for m in f[0].matched}
    ]


def _by_goal(
    fitting: list[tuple[Hit, FitLevel, float]], need: Need, needs: Sequence[Need]
) -> list[tuple[Hit, FitLevel, float]]:
    """Fitting results, those that also speak of the rest of the goal first (mildly).

    A need is one step of one piece of work: of two plugins that fit "chart it" about as well,
    the one that also knows the goal's "product data" fits the work better than a Helm chart
    tool. Each of the goal's other topic words a plugin's blurb names adds GOAL_WEIGHT to its
    score, so a clearly better match for the need itself still comes first."""
    own = set(terms(need.query))
    rest = {t for n in needs if n is not need for t in terms(n.query)} - own - _FRAMING
    if not rest or len(fitting) < 2:
        return fitting

    def boosted(f: tuple[Hit, FitLevel, float]) -> float:
        h = f[0]
        names = h.component_names or []
        blurb = set(terms(" ".join([h.plugin, h.description or "", *names])))
        return h.score * (1 + GOAL_WEIGHT * len(rest & blurb))

    return sorted(fitting, key=lambda f: -boosted(f))


def _resolve_use(catalog: Catalog, use: Sequence[str]) -> dict[str, set[int]]:
    """Row ids of every listing of each plugin the user named; an unknown one is an error."""
    ids: dict[str, set[int]] = {}
    for item in use:
        name, _, market = item.strip().partition("@")
        if not name:
            raise UsageError(f"--use {item!r}: give a plugin name (NAME or NAME@MARKETPLACE)")
        rows = catalog.conn.execute(
            "SELECT p.id FROM plugins p JOIN marketplaces m ON m.id = p.marketplace_id "
            "WHERE lower(p.name) = lower(?) AND (? = '' OR lower(m.key) = lower(?) "
            "OR lower(m.name) = lower(?))",
            (name, market, market, market),
        ).fetchall()
        if not rows:
            raise NotFoundError(
                f"--use {item}: no such plugin in the catalog",
                hint=f'agentops-lite discover "{name}"',
            )
        ids[item] = {int(r[0]) for r in rows}
    return ids


def needs_from_texts(texts: Sequence[str]) -> list[Need]:
    """Needs given directly (`--need`, or Claude's own split of the goal), in order; their
    structure words ("deploy if the tests pass", "otherwise …") still make gates and branches."""
    from agentops_lite.discovery.goal import clean, given_needs

    for text in texts:
        if not (clean(text) if isinstance(text, str) else ""):
            raise UsageError("a need is empty", hint="every need needs words")
    needs = given_needs(texts)
    if not needs:
        raise UsageError("no need found in the needs given", hint="say what to do in each")
    return needs


class SetCost(OutputModel):
    """The always-on context the chosen plugins add to every session, as far as it is known."""

    plugins: int = Field(description="Distinct plugins in the plan")
    tokens: int = Field(description="Estimated tokens of the plugins whose components were read")
    not_read: list[str] = Field(description="Plugins whose components were never read: unknown")


def set_cost(catalog: Catalog, picks: Sequence[NeedPick]) -> SetCost:
    from agentops_lite.catalog.read import query_plugins
    from agentops_lite.discovery.compare import context_cost

    ids = list(dict.fromkeys(p.plugin.plugin_id for p in picks if p.plugin is not None))
    records = query_plugins(catalog.conn, ids=ids) if ids else []
    costs = [(r, context_cost(r).tokens) for r in records]
    return SetCost(
        plugins=len(records),
        tokens=sum(tokens for _, tokens in costs if tokens is not None),
        not_read=[r.name for r, tokens in costs if tokens is None],
    )
