"""Load many remote sources at once: one HttpClient, bounded concurrency, one failure never
spreads to the other sources, and HTTP cache entries are kept only for sources that loaded."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence

from agentops_lite.errors import SourceError
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.github import GitHubLoader, GitHubOptions
from agentops_lite.sources.http import CacheTxn, HttpClient, ValidatorStore

# progress_cb(index in specs, spec, result). It runs before the source's HTTP cache entries are
# committed: if it raises (say, storing the result failed) they are dropped, so the next refresh
# does not take the source for "not modified".
ProgressCallback = Callable[[int, SourceSpec, "LoadResult | SourceError"], None]


async def load_one(
    spec: SourceSpec,
    client: HttpClient,
    txn: CacheTxn | None = None,
    *,
    force: bool = False,
    options: GitHubOptions | None = None,
) -> LoadResult:
    """Load a single source of any kind; raises SourceError."""
    if spec.kind == "github":
        return await GitHubLoader(client, txn, options).load(spec, force=force)
    if spec.kind == "url":
        from agentops_lite.sources.url import load_url

        return await load_url(spec, client, txn)
    if spec.kind == "git":
        from agentops_lite.sources.git import load_git

        return await load_git(spec)
    if spec.kind == "local":
        from pathlib import Path

        from agentops_lite.sources.local import load_local

        return await asyncio.to_thread(load_local, Path(spec.location))
    raise SourceError(f"{spec.display()}: {spec.kind} sources are not loaded over the network")


async def fetch_many(
    specs: Sequence[SourceSpec],
    *,
    client: HttpClient,
    cache: ValidatorStore | None = None,
    concurrency: int | None = None,
    progress_cb: ProgressCallback | None = None,
    force: bool | Collection[SourceSpec] = False,
    options: GitHubOptions | None = None,
    collect: bool = True,
) -> list[LoadResult | SourceError]:
    """Results in the order of `specs`. `force` (all, or a set of specs) ignores "not modified":
    a full reload, still revalidating each file; use it for sources with nothing stored yet.
    Every failure comes back as a SourceError (RateLimited and NetworkError are subclasses) in
    its slot; nothing is raised. With `collect=False` results only go to `progress_cb` and the
    list comes back empty, so a long crawl does not hold every manifest in memory at once."""
    cache = cache if cache is not None else client.cache
    # Sources in flight at once; HTTP requests are bounded separately by the client. Bounding
    # sources too bounds memory (each may hold a tarball).
    gate = asyncio.Semaphore(max(1, concurrency or client.config.concurrency * 2))

    async def run(index: int, spec: SourceSpec) -> LoadResult | SourceError | None:
        async with gate:
            txn = cache.begin() if cache is not None else None
            full = force if isinstance(force, bool) else spec in force
            try:
                out: LoadResult | SourceError = await load_one(
                    spec, client, txn, force=full, options=options
                )
            except SourceError as exc:
                out = exc
            except Exception as exc:  # noqa: BLE001 - one bad source must not fail the others
                out = SourceError(f"{spec.display()}: unexpected {type(exc).__name__}: {exc}")
            try:
                if progress_cb is not None:
                    progress_cb(index, spec, out)
            except BaseException:
                if txn is not None:
                    txn.discard()
                raise
            if txn is not None:
                if isinstance(out, LoadResult):
                    txn.commit()
                else:
                    txn.discard()
            return out if collect else None

    found = await asyncio.gather(*(run(i, s) for i, s in enumerate(specs)))
    return [r for r in found if r is not None]
