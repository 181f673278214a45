"""`marketplace find`: GitHub code search for .claude-plugin/marketplace.json files, paginated,
sharded by file size past the 1,000-result cap, paced for the 9/min limit, de-duplicated."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from agentops_lite.errors import RateLimited, SourceError
from agentops_lite.sources.github_token import TOKEN_HINT
from agentops_lite.sources.http import GITHUB_JSON, HttpClient

QUERY = "filename:marketplace.json path:.claude-plugin"
ROOT_PATH = ".claude-plugin/marketplace.json"
MAX_INDEXED = 384 * 1024  # code search only indexes files below 384 KB
RESULT_CAP = 1000  # GitHub returns at most 1,000 results per query
PER_PAGE = 100
SEARCH_PACE = 60.0 / 9  # seconds between code-search requests (9 per minute)


@dataclass(frozen=True)
class FoundMarketplace:
    repo: str
    path: str
    stars: int | None = None
    archived: bool = False
    pushed_at: datetime | None = None
    description: str | None = None

    @property
    def addable(self) -> bool:
        """Claude Code (and `marketplace add owner/repo`) read only the root manifest."""
        return self.path == ROOT_PATH


@dataclass
class FindResult:
    found: list[FoundMarketplace] = field(default_factory=list)
    queries: int = 0
    total_hits: int = 0
    incomplete: bool = False  # a shard still over the cap, or GitHub timed out on a query
    rate_limited_until: float | None = None


class _Searcher:
    def __init__(self, client: HttpClient, pace: float, max_queries: int) -> None:
        self.client = client
        self.pace = pace
        self.max_queries = max_queries
        self.queries = 0
        self.incomplete = False
        self._last = 0.0

    async def page(self, lo: int, hi: int, page: int) -> tuple[int, list[tuple[str, str]]]:
        """(total_count, [(repo, path)]) of one result page of the size range lo..hi."""
        if self.queries >= self.max_queries:
            self.incomplete = True
            return 0, []
        wait = self._last + self.pace - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last = time.monotonic()
        self.queries += 1
        params = {"q": f"{QUERY} size:{lo}..{hi}", "per_page": PER_PAGE, "page": page}
        url = f"{self.client.config.api_base}/search/code?{urlencode(params)}"
        resp = await self.client.get(url, accept=GITHUB_JSON, conditional=False)
        if resp.status in (401, 403):
            raise SourceError(
                f"GitHub refused the code search (HTTP {resp.status})", hint=TOKEN_HINT
            )
        if resp.status == 422:  # past the 1,000th result of this query
            self.incomplete = True
            return 0, []
        if not resp.ok:
            raise SourceError(f"GitHub code search failed: HTTP {resp.status}")
        try:
            doc = json.loads(resp.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SourceError("GitHub code search sent malformed JSON") from None
        if not isinstance(doc, dict):
            raise SourceError("GitHub code search sent an unexpected document")
        if doc.get("incomplete_results") is True:
            self.incomplete = True
        hits: list[tuple[str, str]] = []
        for item in doc.get("items") or []:
            repo = (
                (item.get("repository") or {}).get("full_name") if isinstance(item, dict) else None
            )
            path = item.get("path") if isinstance(item, dict) else None
            if isinstance(repo, str) and isinstance(path, str):
                hits.append((repo, path))
        total = doc.get("total_count")
        return (total if isinstance(total, int) else len(hits)), hits

    async def shard(self, lo: int, hi: int, out: dict[str, tuple[str, str]]) -> int:
        """Collect every hit of sizes lo..hi, splitting the range while it exceeds the cap."""
        total, hits = await self.page(lo, hi, 1)
        _merge(out, hits)
        if total > RESULT_CAP and hi > lo:
            mid = (lo + hi) // 2
            return await self.shard(lo, mid, out) + await self.shard(mid + 1, hi, out)
        if total > RESULT_CAP:
            self.incomplete = True  # one exact size with >1,000 files: cannot split further
        pages = (min(total, RESULT_CAP) + PER_PAGE - 1) // PER_PAGE
        for page in range(2, pages + 1):
            _, more = await self.page(lo, hi, page)
            if not more:
                break
            _merge(out, more)
        return total


def _merge(out: dict[str, tuple[str, str]], hits: list[tuple[str, str]]) -> None:
    for repo, path in hits:
        if path != ROOT_PATH and not path.endswith("/" + ROOT_PATH):
            continue
        old = out.get(repo.lower())
        # Prefer the root manifest, else the shallowest one.
        if old is None or (path.count("/"), path) < (old[1].count("/"), old[1]):
            out[repo.lower()] = (repo, path)


async def find_marketplaces(
    client: HttpClient,
    *,
    min_stars: int = 0,
    pace: float = SEARCH_PACE,
    max_queries: int = 200,
    metrics: bool = True,
    progress: Callable[[str], None] | None = None,
) -> FindResult:
    """Search GitHub for marketplaces; needs a token (code search refuses anonymous callers).
    With `metrics` (forced on by `min_stars`), each repository's stars come from /repos."""
    if not client.has_token:
        raise SourceError("marketplace find needs a GitHub token (code search)", hint=TOKEN_HINT)
    searcher = _Searcher(client, pace, max_queries)
    hits: dict[str, tuple[str, str]] = {}
    result = FindResult()
    try:
        result.total_hits = await searcher.shard(0, MAX_INDEXED, hits)
    except RateLimited as exc:
        result.rate_limited_until = exc.reset_at
        result.incomplete = True
    if progress:
        progress(f"{len(hits)} repositories found in {searcher.queries} searches; reading stars")
    from agentops_lite.sources.github import GitHubLoader

    loader = GitHubLoader(client, None)

    async def describe(value: tuple[str, str]) -> FoundMarketplace:
        repo, path = value
        if not metrics and min_stars <= 0:
            return FoundMarketplace(repo=repo, path=path)
        try:
            m, _, _ = await loader.fetch_metrics(repo)
        except SourceError:
            return FoundMarketplace(repo=repo, path=path)
        return FoundMarketplace(
            repo=m.repo,
            path=path,
            stars=m.stars,
            archived=m.archived,
            pushed_at=m.pushed_at,
            description=m.description,
        )

    found = await asyncio.gather(*(describe(v) for v in hits.values()))
    result.queries = searcher.queries
    result.incomplete = result.incomplete or searcher.incomplete
    result.found = sorted(
        (f for f in found if (f.stars or 0) >= min_stars),
        key=lambda f: (-(f.stars or 0), f.repo.lower()),
    )
    return result
