"""Storing crawl results on a worker thread, so the event loop keeps reading sockets meanwhile.

Storing and indexing one marketplace takes 25-200 ms of CPU; done inside the crawler's result
callback it stalled every connection for that long. The worker has its own SQLite connection
(WAL: the loop's cache reads never wait for it) and runs jobs in order, so a source's HTTP
cache entries are written only after its result was stored, as when storing inline: if storing
fails because the catalog itself is failing, no later cache write happens and the error is
raised to the refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from agentops_lite.catalog.http_cache import HttpCache
from agentops_lite.catalog.store import Catalog
from agentops_lite.sources.http import CacheEntry, CacheTxn, ValidatorStore


class BackgroundStore:
    """One worker thread with its own catalog connection; jobs run in submission order."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agentops-store")
        self._catalog: Catalog | None = None
        self._jobs: list[Future[None]] = []
        self.failed: BaseException | None = None

    @property
    def catalog(self) -> Catalog:
        """The worker's catalog handle (open it, and use it, only on the worker thread)."""
        if self._catalog is None:
            self._catalog = Catalog.open(self._path)
        return self._catalog

    def submit(self, job: Callable[[Catalog], None]) -> None:
        """Run `job(catalog)` on the worker, unless an earlier job failed."""

        def run() -> None:
            if self.failed is not None:
                return
            try:
                job(self.catalog)
            except BaseException as exc:  # kept for `finish` to raise on the caller's thread
                self.failed = exc

        self._jobs.append(self._pool.submit(run))

    def cache(self, reads: ValidatorStore) -> ValidatorStore:
        """An HTTP cache that reads through `reads` and writes on the worker, in job order."""
        return _DeferredCache(reads, self)

    def finish(self) -> None:
        """Wait for every job, close the worker's connection; raise what a job raised."""
        try:
            for job in self._jobs:
                job.result()
        finally:
            self._pool.submit(self._close).result()
            self._pool.shutdown(wait=True)
        if self.failed is not None:
            raise self.failed

    def _close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None


class _DeferredCache:
    def __init__(self, reads: ValidatorStore, store: BackgroundStore) -> None:
        self._reads = reads
        self._store = store
        self.max_body = reads.max_body

    def get(self, url: str, variant: str = "") -> CacheEntry | None:
        return self._reads.get(url, variant)

    def put_many(self, entries: dict[tuple[str, str], CacheEntry]) -> None:
        if not entries:
            return
        pending = dict(entries)  # the transaction clears its dict once this returns
        max_body = self.max_body
        self._store.submit(lambda cat: HttpCache(cat.conn, max_body=max_body).put_many(pending))

    def begin(self) -> CacheTxn:
        return CacheTxn(self)
