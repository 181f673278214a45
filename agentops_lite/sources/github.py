"""GitHub marketplace source: marketplace.json from the raw host (contents API as fallback), repo
metrics, one in-memory tarball per repo for plugin files, and metrics of plugin repos elsewhere."""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from agentops_lite.errors import NetworkError, RateLimited, SourceError
from agentops_lite.models import MarketplaceManifest, Problem, RepoMetrics
from agentops_lite.parse.components import enrich_manifest
from agentops_lite.parse.marketplace_json import parse_marketplace
from agentops_lite.parse.safejson import MAX_MANIFEST_BYTES
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.http import (
    GITHUB_JSON,
    GITHUB_RAW,
    CacheTxn,
    HttpClient,
    ResponseTooLarge,
)
from agentops_lite.sources.tartree import TarLimits, read_tarball

MANIFEST_REL = ".claude-plugin/marketplace.json"


@dataclass(frozen=True)
class GitHubOptions:
    """Per-repo budgets. Tarballs above `tarball_max` are skipped (plugins stay un-enriched)."""

    tarball_max: int = 64 * 1024 * 1024
    tar_limits: TarLimits = field(default_factory=TarLimits)
    plugin_metrics: bool = True
    max_plugin_repos: int = 500  # per marketplace; the official one lists ~250 repos


def split_repo(location: str) -> tuple[str, str]:
    owner, _, name = location.partition("/")
    if not owner or not name or "/" in name:
        raise SourceError(f"{location!r} is not owner/repo")
    return owner, name


def parse_metrics(body: bytes, fallback_name: str) -> RepoMetrics:
    """RepoMetrics from a /repos/{o}/{r} body; SourceError when it is not a JSON object."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        doc = None
    if not isinstance(doc, dict):
        raise SourceError(f"GitHub sent malformed JSON for repository {fallback_name}")
    lic = doc.get("license")
    license_id = None
    if isinstance(lic, dict):
        spdx = lic.get("spdx_id")
        license_id = spdx if isinstance(spdx, str) and spdx != "NOASSERTION" else lic.get("name")
    stars = doc.get("stargazers_count")
    return RepoMetrics(
        repo=_str(doc.get("full_name")) or fallback_name,
        stars=stars if isinstance(stars, int) and not isinstance(stars, bool) else None,
        pushed_at=_date(doc.get("pushed_at")),
        archived=doc.get("archived") is True,
        license=license_id if isinstance(license_id, str) else None,
        default_branch=_str(doc.get("default_branch")),
        description=_str(doc.get("description")),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _pushed_at(body: bytes | None) -> Any:
    try:
        doc = json.loads(body) if body else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return doc.get("pushed_at") if isinstance(doc, dict) else None


class GitHubLoader:
    """Loads one `owner/repo[@ref]` marketplace through a shared HttpClient."""

    def __init__(
        self, client: HttpClient, txn: CacheTxn | None, options: GitHubOptions | None = None
    ) -> None:
        self.client = client
        self.txn = txn
        self.options = options or GitHubOptions()
        self.api = client.config.api_base
        self.raw = client.config.raw_base

    async def fetch_metrics(self, repo: str) -> tuple[RepoMetrics, bool, Any]:
        """(metrics, revalidated, pushed_at stored before this call)."""
        owner, name = split_repo(repo)
        url = f"{self.api}/repos/{quote(owner)}/{quote(name)}"
        before = self._stored(url, GITHUB_JSON)
        resp = await self.client.get(url, accept=GITHUB_JSON, txn=self.txn)
        if resp.status == 404:
            raise SourceError(
                f"GitHub repository {repo} not found",
                hint=None if self.client.has_token else "if it is private, set GITHUB_TOKEN",
            )
        if not resp.ok:
            raise SourceError(f"GitHub answered HTTP {resp.status} for repository {repo}")
        return parse_metrics(resp.body, repo), resp.revalidated, _pushed_at(before)

    def _stored(self, url: str, variant: str) -> bytes | None:
        cache = self.txn if self.txn is not None else self.client.cache
        entry = cache.get(url, variant) if cache is not None else None
        return entry.body if entry is not None else None

    async def fetch_manifest(self, repo: str, ref: str | None) -> tuple[bytes, bool]:
        """(marketplace.json bytes, revalidated). Raw host first, then the contents API."""
        owner, name = split_repo(repo)
        raw_url = f"{self.raw}/{quote(owner)}/{quote(name)}/{quote(ref or 'HEAD')}/{MANIFEST_REL}"
        why = ""
        try:
            resp = await self.client.get(raw_url, max_bytes=MAX_MANIFEST_BYTES + 1, txn=self.txn)
            if resp.ok:
                return resp.body, resp.revalidated
            why = f"HTTP {resp.status}"
        except (NetworkError, RateLimited) as exc:
            # The raw host's limits are undocumented; the API (with a token) is the way round.
            why = exc.message
        contents = f"{self.api}/repos/{quote(owner)}/{quote(name)}/contents/{MANIFEST_REL}"
        if ref:
            contents += f"?ref={quote(ref)}"
        resp = await self.client.get(
            contents, accept=GITHUB_RAW, max_bytes=MAX_MANIFEST_BYTES + 1, txn=self.txn
        )
        if resp.status == 404:
            at = f" at {ref}" if ref else ""
            raise SourceError(f"{repo} has no {MANIFEST_REL}{at}")
        if not resp.ok:
            raise SourceError(
                f"cannot read {MANIFEST_REL} of {repo}: raw host {why}, API HTTP {resp.status}"
            )
        return _maybe_base64(resp.body), resp.revalidated

    async def fetch_tree_and_enrich(
        self, repo: str, ref: str, manifest: MarketplaceManifest
    ) -> tuple[MarketplaceManifest, str | None]:
        owner, name = split_repo(repo)
        url = f"{self.api}/repos/{quote(owner)}/{quote(name)}/tarball/{quote(ref)}"
        keep = {e.source.path or "" for e in manifest.plugins if e.source.kind == "relative"}
        try:
            resp = await self.client.get(url, conditional=False, max_bytes=self.options.tarball_max)
        except ResponseTooLarge as exc:
            return _with_problem(
                manifest, "tarball-too-large", f"plugin files not read: {exc}"
            ), None
        if not resp.ok:
            raise SourceError(f"cannot download the files of {repo}: HTTP {resp.status}")
        limits = self.options.tar_limits

        def work() -> tuple[MarketplaceManifest, str | None]:
            # An unreadable body (garbage, cut short) is a failed fetch like a 500: it raises,
            # so the stored components stay. Stored as a warning, it replaced every plugin's
            # components with none and reported success (issue 16).
            try:
                tree = read_tarball(resp.body, keep_under=keep, limits=limits)
            except SourceError as exc:
                raise SourceError(f"cannot read the files of {repo}: {exc.message}") from None
            if not tree.truncated and MANIFEST_REL not in tree.sizes:
                # Not this repository's archive (an empty or foreign tar): reading plugins from
                # it would find none of them.
                raise SourceError(f"the archive of {repo} does not hold its {MANIFEST_REL}")
            enriched = enrich_manifest(manifest, tree, "")
            if tree.truncated:
                enriched = _with_problem(
                    enriched, "tarball-truncated", "repository too big: some plugin files not read"
                )
            if tree.rejected:
                enriched = _with_problem(
                    enriched,
                    "tarball-unsafe-paths",
                    f"{len(tree.rejected)} archive member(s) with unsafe paths ignored",
                )
            return enriched, tree.commit

        return await asyncio.to_thread(work)

    async def plugin_repo_metrics(
        self, manifest: MarketplaceManifest, own: str
    ) -> dict[str, RepoMetrics]:
        repos = sorted(
            {e.source.repo for e in manifest.plugins if e.source.repo} - {own},
            key=str.lower,
        )[: self.options.max_plugin_repos]

        async def one(repo: str) -> RepoMetrics | None:
            try:
                return (await self.fetch_metrics(repo))[0]
            except RateLimited:
                return None  # the client now refuses further GitHub calls; keep what we have
            except SourceError:
                return None  # a deleted plugin repo is the plugin's problem, not the marketplace's

        found = await asyncio.gather(*(one(r) for r in repos))
        return {r: m for r, m in zip(repos, found, strict=True) if m is not None}

    async def load(self, spec: SourceSpec, *, force: bool = False) -> LoadResult:
        repo = spec.location
        # Both requests always run to completion: a plain gather would leave the sibling of a
        # failed request running unawaited, and asyncio.run then cancels it mid-connection,
        # leaking its socket.
        manifest_or_error, metrics_or_error = await asyncio.gather(
            self.fetch_manifest(repo, spec.ref), self.fetch_metrics(repo), return_exceptions=True
        )
        # A missing repo (its metadata) explains a missing manifest, so it is reported first.
        for outcome in (metrics_or_error, manifest_or_error):
            if isinstance(outcome, BaseException):
                raise outcome
        assert not isinstance(manifest_or_error, BaseException)
        assert not isinstance(metrics_or_error, BaseException)
        manifest_body, manifest_same = manifest_or_error
        metrics, repo_same, pushed_before = metrics_or_error
        manifest = parse_marketplace(manifest_body, repo=repo)
        unchanged = manifest_same and (
            repo_same or (pushed_before is not None and metrics.pushed_at == _date(pushed_before))
        )
        if unchanged and not force:
            return LoadResult(
                spec_kind="github",
                location=repo,
                manifest=manifest,
                repo_metrics=metrics,
                not_modified=True,
            )

        async def files() -> tuple[MarketplaceManifest, str | None]:
            if not any(e.source.kind == "relative" for e in manifest.plugins):
                return manifest, None
            ref = spec.ref or metrics.default_branch or "HEAD"
            return await self.fetch_tree_and_enrich(repo, ref, manifest)

        async def plugin_repos() -> dict[str, RepoMetrics]:
            # Anonymous callers get 60 API calls an hour: one big marketplace's plugin repos
            # would spend them all and starve the marketplaces themselves, so this needs a token.
            if self.options.plugin_metrics and self.client.has_token:
                return await self.plugin_repo_metrics(manifest, repo)
            return {}

        # Both need only the manifest: the plugin repos' lookups ride along with the tarball
        # instead of adding a round trip after it. The tarball is asked for first. As above,
        # both run to completion before a failure is raised.
        files_or_error, repos_or_error = await asyncio.gather(
            files(), plugin_repos(), return_exceptions=True
        )
        for found in (files_or_error, repos_or_error):
            if isinstance(found, BaseException):
                raise found
        assert not isinstance(files_or_error, BaseException)
        assert not isinstance(repos_or_error, BaseException)
        manifest, commit = files_or_error
        plugin_metrics = repos_or_error
        return LoadResult(
            spec_kind="github",
            location=repo,
            manifest=manifest,
            repo_metrics=metrics,
            plugin_repo_metrics=plugin_metrics,
            commit=commit,
        )


def _maybe_base64(body: bytes) -> bytes:
    """The contents API may ignore the raw media type (proxies, mirrors): decode its JSON form."""
    if not body.lstrip().startswith(b"{"):
        return body
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body
    if isinstance(doc, dict) and doc.get("encoding") == "base64" and "content" in doc:
        try:
            return base64.b64decode(str(doc["content"]))
        except ValueError:
            return body
    return body


def _with_problem(manifest: MarketplaceManifest, code: str, message: str) -> MarketplaceManifest:
    problem = Problem(severity="warning", path="", message=message, code=code)
    return manifest.model_copy(update={"problems": (*manifest.problems, problem)})
