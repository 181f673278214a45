"""The one httpx seam: timeouts, bounded concurrency, retries, size caps, ETag revalidation,
GitHub rate limits and the token (sent only to the configured GitHub hosts)."""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from agentops_lite import __version__, settings
from agentops_lite.errors import NetworkError, RateLimited
from agentops_lite.sources.github_token import TOKEN_HINT, Secret

# httpx's package import also imports its command-line client (click, rich, pygments) whenever
# those happen to be installed, which is most of the import's cost; we never run that client, and
# httpx defines a stub when the import fails. Only an unloaded module is stubbed out.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402

GITHUB_JSON = "application/vnd.github+json"
GITHUB_RAW = "application/vnd.github.raw+json"
API_VERSION = "2022-11-28"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class ResponseTooLarge(NetworkError):
    """The body went past the size cap; retrying will not help."""


@dataclass(frozen=True)
class NetConfig:
    """Knobs of the HTTP layer; tests shrink timeouts and backoff, the CLI sets concurrency."""

    api_base: str = settings.DEFAULT_GITHUB_API
    raw_base: str = settings.DEFAULT_GITHUB_RAW
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    concurrency: int = 16
    retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    # JSON and single files; tarballs pass their own, larger cap.
    max_body: int = 16 * 1024 * 1024
    max_redirects: int = 5
    # Waits up to this long are slept through; a reset further away stops GitHub traffic.
    max_rate_wait: float = 60.0
    user_agent: str = f"agentops-lite/{__version__}"

    @classmethod
    def from_env(cls, **overrides: object) -> NetConfig:
        base = cls(api_base=settings.github_api(), raw_base=settings.github_raw())
        return replace(base, **overrides)  # type: ignore[arg-type]


@dataclass
class NetStats:
    """Counters for progress, benchmarks and the "second refresh downloaded nothing" claim."""

    requests: int = 0
    not_modified: int = 0
    body_bytes: int = 0
    retries: int = 0
    elapsed_sum: float = 0.0  # sum of per-request durations: what a serial crawler would wait

    def snapshot(self) -> NetStats:
        return replace(self)


@dataclass(frozen=True)
class Response:
    """A finished GET. `revalidated`: the server said 304 and `body` is the stored copy."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    revalidated: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _Retry(Exception):
    """An attempt failed in a way worth repeating (connection error, 5xx, short rate wait)."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


@dataclass(frozen=True)
class CacheEntry:
    """Validators and body of one earlier 200 response."""

    etag: str | None
    last_modified: str | None
    body: bytes
    stored_at: float


class ValidatorStore(Protocol):
    """Where validators (ETag, Last-Modified) and bodies of earlier 200s are kept.

    The catalog provides the SQLite one (`catalog.http_cache.HttpCache`); this module only
    needs these methods, so the network layer does not depend on the catalog."""

    max_body: int

    def get(self, url: str, variant: str = "") -> CacheEntry | None: ...

    def put_many(self, entries: dict[tuple[str, str], CacheEntry]) -> None: ...

    def begin(self) -> CacheTxn: ...


class CacheTxn:
    """Pending writes for one source: read-your-writes, committed only when the source loaded."""

    def __init__(self, cache: ValidatorStore) -> None:
        self.cache = cache
        self._pending: dict[tuple[str, str], CacheEntry] = {}

    def get(self, url: str, variant: str = "") -> CacheEntry | None:
        pending = self._pending.get((url, variant))
        return pending if pending is not None else self.cache.get(url, variant)

    def put(
        self, url: str, variant: str, etag: str | None, last_modified: str | None, body: bytes
    ) -> None:
        if not (etag or last_modified) or len(body) > self.cache.max_body:
            return
        self._pending[(url, variant)] = CacheEntry(etag, last_modified, body, time.time())

    def commit(self) -> None:
        self.cache.put_many(self._pending)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()


class HttpClient:
    """Async GET with every policy of the crawler. Use as `async with HttpClient(...) as client`."""

    def __init__(
        self,
        config: NetConfig | None = None,
        *,
        token: str | None = None,
        cache: ValidatorStore | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config or NetConfig.from_env()
        self.cache = cache
        self.stats = NetStats()
        self.__token = Secret(token) if token else None
        self._github = {_origin(self.config.api_base), _origin(self.config.raw_base)}
        self._sem = asyncio.Semaphore(max(1, self.config.concurrency))
        # Rate-limit stops per service (API vs raw host have separate limits), not per origin.
        self._blocked: dict[str, RateLimited] = {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                self.config.read_timeout, connect=self.config.connect_timeout, pool=None
            ),
            limits=httpx.Limits(
                max_connections=self.config.concurrency * 2,
                max_keepalive_connections=self.config.concurrency,
            ),
            follow_redirects=False,  # followed by hand so the token never crosses hosts
            headers={"User-Agent": self.config.user_agent},
            transport=transport,
        )

    def __repr__(self) -> str:
        return (
            f"HttpClient(api={self.config.api_base!r}, token={'set' if self.__token else 'none'})"
        )

    @property
    def has_token(self) -> bool:
        return self.__token is not None

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def is_github(self, url: str) -> bool:
        return _origin(url) in self._github

    def _scope(self, url: str) -> str:
        for base in (self.config.api_base, self.config.raw_base):
            if url == base or url.startswith(base.rstrip("/") + "/"):
                return base
        scheme, host, port = _origin(url)
        return f"{scheme}://{host}:{port}"

    def blocked(self, url: str) -> RateLimited | None:
        """The rate-limit error that stopped traffic to this service, if any."""
        scope = self._scope(url)
        err = self._blocked.get(scope)
        if err is not None and err.reset_at is not None and err.reset_at <= time.time():
            del self._blocked[scope]
            return None
        return err

    async def get(
        self,
        url: str,
        *,
        accept: str | None = None,
        conditional: bool = True,
        max_bytes: int | None = None,
        txn: CacheTxn | None = None,
    ) -> Response:
        """GET `url`. Returns any final status below 500 except rate limits (callers judge 404s);
        raises NetworkError (unreachable, timeout, 5xx after retries, too large, redirect loop) or
        RateLimited (GitHub asked to wait longer than `max_rate_wait`)."""
        variant = accept or ""
        stored = None
        if conditional:
            stored = (
                txn.get(url, variant)
                if txn
                else self.cache.get(url, variant)
                if self.cache
                else None
            )
        last_reason = "no attempt made"
        for attempt in range(self.config.retries + 1):
            blocked = self.blocked(url)
            if blocked is not None:
                raise blocked
            try:
                async with self._sem:
                    resp = await self._attempt(url, accept, stored, max_bytes)
            except _Retry as retry:
                last_reason = retry.reason
                if attempt >= self.config.retries:
                    break
                self.stats.retries += 1
                await asyncio.sleep(
                    retry.wait if retry.wait is not None else self._backoff(attempt)
                )
                continue
            if resp.status == 304 and stored is not None:
                self.stats.not_modified += 1
                return Response(resp.url, 200, stored.body, resp.headers, revalidated=True)
            if resp.status == 200 and conditional:
                etag, modified = resp.headers.get("etag"), resp.headers.get("last-modified")
                if txn is not None:
                    txn.put(url, variant, etag, modified, resp.body)
                elif self.cache is not None and (etag or modified):
                    entry = CacheEntry(etag, modified, resp.body, time.time())
                    self.cache.put_many({(url, variant): entry})
            return resp
        raise NetworkError(f"{_short(url)}: {last_reason}")

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.config.backoff_max, self.config.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)  # jitter spreads out synchronized retries

    def _headers(self, url: str, accept: str | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.is_github(url):
            headers["Accept"] = accept or GITHUB_JSON
            headers["X-GitHub-Api-Version"] = API_VERSION
            if self.__token:
                headers["Authorization"] = f"Bearer {self.__token.reveal()}"
        elif accept:
            headers["Accept"] = accept
        return headers

    async def _attempt(
        self, url: str, accept: str | None, stored: object, max_bytes: int | None
    ) -> Response:
        cap = max_bytes if max_bytes is not None else self.config.max_body
        current = url
        for hop in range(self.config.max_redirects + 1):
            if urlsplit(current).scheme not in {"http", "https"}:
                raise NetworkError(f"{_short(url)}: redirected to a non-HTTP address")
            headers = self._headers(current, accept)
            if hop == 0 and isinstance(stored, CacheEntry):
                if stored.etag:
                    headers["If-None-Match"] = stored.etag
                if stored.last_modified:
                    headers["If-Modified-Since"] = stored.last_modified
            started = time.monotonic()
            self.stats.requests += 1
            try:
                async with self._client.stream("GET", current, headers=headers) as resp:
                    status = resp.status_code
                    rheaders = {k.lower(): v for k, v in resp.headers.items()}
                    if status in _REDIRECTS:
                        location = resp.headers.get("location")
                        if not location:
                            raise NetworkError(f"{_short(url)}: redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if status >= 500:
                        raise _Retry(f"server error {status}")
                    if status in (403, 429):
                        await resp.aread()
                        self._rate_limit(current, status, rheaders, resp.content)
                    body = b"" if status == 304 else await self._read_capped(resp, cap, url)
            except httpx.TimeoutException as exc:
                raise _Retry(f"timed out ({type(exc).__name__})") from None
            except httpx.TransportError as exc:
                raise _Retry(f"cannot connect: {_transport_reason(exc)}") from None
            finally:
                self.stats.elapsed_sum += time.monotonic() - started
            self.stats.body_bytes += len(body)
            return Response(current, status, body, rheaders)
        raise NetworkError(
            f"{_short(url)}: too many redirects (more than {self.config.max_redirects})"
        )

    async def _read_capped(self, resp: httpx.Response, cap: int, url: str) -> bytes:
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise ResponseTooLarge(
                f"{_short(url)}: response is {int(declared):,} bytes; the limit is {cap:,}"
            )
        chunks: list[bytes] = []
        total = 0
        async for chunk in resp.aiter_bytes():
            total += len(chunk)
            if total > cap:
                raise ResponseTooLarge(f"{_short(url)}: response exceeds the {cap:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)

    def _rate_limit(self, url: str, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Decide whether a 403/429 is a rate limit: wait briefly (retry) or stop (raise)."""
        now = time.time()
        wait: float | None = None
        retry_after = headers.get("retry-after", "").strip()
        if retry_after:
            wait = _parse_retry_after(retry_after, now)
        elif headers.get("x-ratelimit-remaining") == "0":
            reset = headers.get("x-ratelimit-reset", "")
            wait = max(0.0, float(reset) - now) if _is_number(reset) else 60.0
        elif status == 429 or b"rate limit" in body.lower():
            # A secondary limit with no hint: exponential backoff, then give up.
            raise _Retry(f"rate limited (HTTP {status})")
        else:
            return  # a plain 403 (private repo, blocked): the caller reports it
        if wait <= self.config.max_rate_wait:
            raise _Retry(f"rate limited (HTTP {status})", wait=wait + random.uniform(0, 0.25))
        reset_at = now + wait
        when = time.strftime("%H:%M", time.localtime(reset_at))
        err = RateLimited(
            f"GitHub rate limit reached at {urlsplit(url).hostname}; retry after {when}"
            f" (in {int(wait // 60)} min)",
            reset_at=reset_at,
            hint=None if self.__token else TOKEN_HINT,
        )
        if self.is_github(url):
            self._blocked[self._scope(url)] = err
        raise err


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_retry_after(value: str, now: float) -> float:
    if _is_number(value):
        return max(0.0, float(value))
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return 60.0


def _transport_reason(exc: httpx.TransportError) -> str:
    """A short reason; httpx wraps the OS error ("All connection attempts failed")."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            break
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, socket.gaierror):
            return "host name not found"
        seen = seen.__cause__ or seen.__context__
    text = str(exc) or type(exc).__name__
    return "connection refused" if "refused" in text.lower() else text[:200]


def _short(url: str) -> str:
    """The URL without its query string (keeps messages short; queries can be long)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
