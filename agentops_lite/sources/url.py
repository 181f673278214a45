"""URL source: an https address of a marketplace.json, fetched directly (no plugin files)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from agentops_lite.errors import SourceError
from agentops_lite.parse.marketplace_json import parse_marketplace
from agentops_lite.parse.safejson import MAX_MANIFEST_BYTES
from agentops_lite.sources.base import LoadResult, SourceSpec
from agentops_lite.sources.http import CacheTxn, HttpClient

_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")


def redact(text: str) -> str:
    """`text` without the `user:password@` of URLs in it (never echo embedded credentials)."""
    return _USERINFO.sub(r"\1", text)


async def load_url(spec: SourceSpec, client: HttpClient, txn: CacheTxn | None) -> LoadResult:
    url = spec.location
    if urlsplit(url).scheme not in {"http", "https"}:
        raise SourceError(f"{redact(url)} is not an http(s) URL")
    resp = await client.get(
        url, accept="application/json", max_bytes=MAX_MANIFEST_BYTES + 1, txn=txn
    )
    if resp.status == 404:
        raise SourceError(f"{redact(url)}: not found (HTTP 404)")
    if not resp.ok:
        raise SourceError(f"{redact(url)}: HTTP {resp.status}")
    return LoadResult(
        spec_kind="url",
        location=url,
        manifest=parse_marketplace(resp.body),
        not_modified=resp.revalidated,
    )
