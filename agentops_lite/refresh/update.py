"""Load marketplace sources and store each in one transaction; one failure never stops the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from agentops_lite.catalog.store import Catalog, now
from agentops_lite.errors import AgentOpsError, SourceError, UsageError
from agentops_lite.models import (
    MarketplaceRecord,
    RefreshOutcome,
    RefreshReport,
)
from agentops_lite.parse.names import is_valid_id
from agentops_lite.refresh.store import outcome_of, store_result, unreadable
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.claude_code import (
    install_counts,
    installed_plugins,
    known_marketplaces,
    manifest_location,
)

# progress(done, total, label): called after each marketplace; the CLI draws a bar from it.
Progress = Callable[[int, int, str], None]

REMOTE_KINDS = ("github", "url", "git")


def load_local_record(record: MarketplaceRecord) -> LoadResult:
    from agentops_lite.sources.local import load_local

    return load_local(Path(record.source), repo=record.repo)


def refresh(
    catalog: Catalog,
    keys: Sequence[str] = (),
    *,
    offline: bool = False,
    concurrency: int = 16,
    progress: Progress | None = None,
    log: bool = True,
    deadline: float | None = None,
) -> RefreshReport:
    """Refresh the named marketplaces (all when none are named); `log`: add it to the history.

    `deadline` (a `time.monotonic()` value) bounds the remote fetches: those not done by then
    are reported as timed out and keep their stored data."""
    started = now()
    records = [catalog.marketplace(k) for k in keys] if keys else catalog.marketplaces()
    outcomes: list[RefreshOutcome] = []
    remote = [r for r in records if r.source_kind in REMOTE_KINDS]
    others = [r for r in records if r.source_kind not in REMOTE_KINDS]
    total = len(records)
    for record in others:
        result: LoadResult | AgentOpsError
        try:
            if record.source_kind == "local":
                result = load_local_record(record)
            elif record.source_kind == "embedded":
                from agentops_lite.sources.snapshot import load_embedded

                result = load_embedded(record.source)
            else:
                result = SourceError(f"unknown source kind {record.source_kind!r}")
        except AgentOpsError as exc:
            result = exc
        except Exception as exc:  # noqa: BLE001 - one bad marketplace must not stop the rest
            result = SourceError(f"{record.key}: unexpected {type(exc).__name__}: {exc}"[:500])
        outcomes.append(store_result(catalog, record, result))
        if progress:
            progress(len(outcomes), total, record.key)
    rate_limited_until = None
    if remote and offline:
        outcomes.extend(outcome_of(r, "unchanged", "offline: kept stored data") for r in remote)
    elif remote:
        from agentops_lite.refresh.remote import refresh_remote

        remote_outcomes, rate_limited_until = refresh_remote(
            catalog,
            remote,
            concurrency=concurrency,
            progress=progress,
            done=len(outcomes),
            total=total,
            deadline=deadline,
        )
        outcomes.extend(remote_outcomes)
    report = RefreshReport(
        started_at=started,
        finished_at=now(),
        outcomes=tuple(outcomes),
        offline=offline,
        rate_limited_until=rate_limited_until,
    )
    if outcomes and log:
        catalog.record_refresh(report)
    return report


def add_source(
    catalog: Catalog, text: str, *, name: str | None = None, load: bool = True
) -> tuple[MarketplaceRecord, RefreshOutcome | None]:
    """`marketplace add`: register a source and, for local ones, load it at once."""
    from agentops_lite.sources.base import parse_source

    spec = parse_source(text)
    if name is not None and not is_valid_id(name):
        raise UsageError(
            f"--name {name!r} is not a valid id",
            hint="use letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    if spec.kind == "local":
        # Fail before registering anything when the folder holds no marketplace: bad input,
        # so a usage error (exit 2), as for `validate`.
        from agentops_lite.parse.marketplace_json import parse_marketplace
        from agentops_lite.sources.local import find_manifest

        try:
            _, manifest_file = find_manifest(Path(spec.location))
            manifest = parse_marketplace(manifest_file.read_bytes())  # no plugin files read
        except SourceError as exc:
            raise UsageError(exc.message, hint=exc.hint) from exc
        except OSError as exc:
            raise UsageError(f"cannot read {spec.location}: {exc.strerror or exc}") from exc
        if fatal := unreadable(manifest):  # bad input: refused before anything is stored
            raise UsageError(
                f"{spec.location}: {fatal.message}",
                hint=f"see `agentops-lite validate {spec.location}`",
            )
    record = catalog.add_marketplace(spec, origin="user", key_hint=name, pin_key=name is not None)
    if not load or spec.kind != "local":
        return record, None
    try:
        report = refresh(catalog, [record.key])
    except BaseException:
        _forget(catalog, record)
        raise
    outcome = report.outcomes[0]
    if outcome.status == "error":
        # A row that never loaded is no marketplace: leaving it would make adding it again
        # say "already in the catalog".
        _forget(catalog, record)
        raise SourceError(f"cannot load {spec.location}: {outcome.message}")
    return catalog.marketplace(outcome.key), outcome


def _forget(catalog: Catalog, record: MarketplaceRecord) -> None:
    try:
        catalog.remove_marketplace(record.key)
    except AgentOpsError:
        pass  # already gone (another process), or the catalog is failing: the error says so


def import_claude(catalog: Catalog) -> tuple[list[RefreshOutcome], int]:
    """Register and load every marketplace Claude Code knows; mark installed plugins.

    Loads from Claude Code's local copies, so it works offline. Returns the outcomes and the
    number of installed plugins recorded.
    """
    existing = {(m.source_kind, m.source) for m in catalog.marketplaces()}
    outcomes: list[RefreshOutcome] = []
    for known in known_marketplaces():
        location = manifest_location(known)
        if location is None:
            continue
        spec = SourceSpec(kind="local", location=str(location.resolve()))
        if (spec.kind, spec.location) in existing:
            record = next(m for m in catalog.marketplaces() if m.source == spec.location)
        else:
            record = catalog.add_marketplace(spec, origin="claude", key_hint=known.name)
            if known.source_type == "github":
                catalog.conn.execute(
                    "UPDATE marketplaces SET repo = ? WHERE id = ?", (known.location, record.id)
                )
        result: LoadResult | AgentOpsError
        try:
            result = load_local_record(catalog.marketplace(record.key))
        except AgentOpsError as exc:
            result = exc
        outcomes.append(store_result(catalog, record, result))
    installed = installed_plugins()
    catalog.set_installed((i.plugin, i.marketplace, i.scope, i.version) for i in installed)
    return outcomes, len(installed)


def import_install_counts(catalog: Catalog) -> int | None:
    """Store the install counts Claude Code knows for its marketplaces' plugins.

    Claude Code caches them from its own plugin-stats download; `claude plugin list --json
    --available` prints them as `installCount`. Returns how many were stored, or None when
    `claude` is missing or knew none (the ranker then treats installs as unknown).
    """
    rows = install_counts()
    if not rows:
        return None
    catalog.set_install_counts(rows)
    return len(rows)
