"""Load many remote sources at once: one HttpClient, bounded concurrency, one failure never
spreads to the other sources, and HTTP cache entries are kept only for sources that loaded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Sequence

from agentops_lite.errors import NetworkError, SourceError
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
    deadline: float | None = None,
) -> list[LoadResult | SourceError]:
    """Results in the order of `specs`. `force` (all, or a set of specs) ignores "not modified":
    a full reload, still revalidating each file; use it for sources with nothing stored yet.
    Every failure comes back as a SourceError (RateLimited and NetworkError are subclasses) in
    its slot; nothing is raised. With `collect=False` results only go to `progress_cb` and the
    list comes back empty, so a long crawl does not hold every manifest in memory at once.

    `deadline` (a `time.monotonic()` value) bounds the whole crawl: a source still loading, or
    still waiting for its turn, then fails as timed out, so one hanging host costs at most the
    deadline however many retries and read timeouts it would take."""
    cache = cache if cache is not None else client.cache
    # Sources in flight at once; HTTP requests are bounded separately by the client. Bounding
    # sources too bounds memory (each may hold a tarball).
    gate = asyncio.Semaphore(max(1, concurrency or client.config.concurrency * 2))

    async def run(index: int, spec: SourceSpec) -> LoadResult | SourceError | None:
        txn: CacheTxn | None = None

        async def attempt() -> LoadResult:
            nonlocal txn
            async with gate:
                txn = cache.begin() if cache is not None else None
                full = force if isinstance(force, bool) else spec in force
                return await load_one(spec, client, txn, force=full, options=options)

        try:
            if deadline is None:
                out: LoadResult | SourceError = await attempt()
            else:
                out = await asyncio.wait_for(attempt(), max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            out = NetworkError(f"{spec.display()}: timed out: the refresh deadline passed")
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
