"""Crawler benchmarks against the loopback fake GitHub: `python benchmarks/refresh.py`.

1. Every corpus marketplace with 150 ms added to each response: wall time of `fetch_many` (the
   crawl alone: no start-up, store or index; `refresh_cli.py` times the whole command) and its
   speedup against requests x latency (what the same requests would cost one at a time), then
   the second (all-304) refresh. Never against the durations the client observed: those include
   its own queueing and stalls, so the more the crawler blocked, the better that figure looked.
2. Scale: 2,500 marketplaces (corpus copies under new names) with 50 ms latency: wall time, peak
   RSS of the crawler process, requests per marketplace.

The fake runs in a child process so RSS and CPU figures are the crawler's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._corpus import CORPUS  # noqa: E402
from tests.fake_github import FakeGitHub, iter_corpus, repo_from_corpus  # noqa: E402


def _serve(conn: Any, copies: int, latency: float) -> None:
    repos = {}
    corpus = list(iter_corpus(CORPUS))
    for i in range(copies):
        name, folder = corpus[i % len(corpus)]
        owner, short = name.split("/")
        new = name if i < len(corpus) else f"{owner}-copy{i // len(corpus)}/{short}"
        repos[new] = repo_from_corpus(folder)
    with FakeGitHub(repos, latency=latency) as fake:
        fake.warm()
        conn.send((fake.api_base, fake.raw_base, list(repos)))
        conn.recv()  # until the parent says stop


def _stats(api: str, reset: bool = True) -> dict[str, Any]:
    base = api.rsplit("/api", 1)[0]
    with urllib.request.urlopen(f"{base}/_fake/stats{'?reset=1' if reset else ''}") as r:
        doc: dict[str, Any] = json.loads(r.read())
    return doc


def _refresh(
    api: str, raw: str, names: list[str], db: Path, concurrency: int, latency: float
) -> dict[str, Any]:
    from agentops_lite.catalog.http_cache import HttpCache
    from agentops_lite.sources.base import LoadResult, SourceSpec
    from agentops_lite.sources.fetch import fetch_many
    from agentops_lite.sources.http import HttpClient, NetConfig

    cache = HttpCache.open(db)
    config = NetConfig(api_base=api, raw_base=raw, concurrency=concurrency)
    specs = [SourceSpec(kind="github", location=n) for n in names]

    tally = {"loaded": 0, "not_modified": 0, "plugins": 0}

    def seen(_index: int, _spec: Any, result: Any) -> None:
        # Like the refresh: each result is consumed as it arrives, not held until the end.
        if isinstance(result, LoadResult):
            tally["loaded"] += 1
            tally["not_modified"] += int(result.not_modified)
            tally["plugins"] += len(result.manifest.plugins)

    async def go() -> Any:
        async with HttpClient(config, token="bench-token", cache=cache) as client:
            await fetch_many(specs, client=client, progress_cb=seen, collect=False)
            return client.stats

    started = time.perf_counter()
    stats = asyncio.run(go())
    wall = time.perf_counter() - started
    server = _stats(api)
    return {
        "wall_s": round(wall, 2),
        "sources": len(specs),
        "loaded": tally["loaded"],
        "not_modified": tally["not_modified"],
        "failed": len(specs) - tally["loaded"],
        "plugins": tally["plugins"],
        "requests": stats.requests,
        "requests_x_latency_s": round(server["requests"] * latency, 2),
        "speedup_vs_requests_x_latency": (
            round(server["requests"] * latency / wall, 1) if wall and latency else None
        ),
        "server_bodies": server["bodies"],
        "server_body_bytes": server["body_bytes"],
        "server_statuses": server["statuses"],
        "requests_per_marketplace": round(stats.requests / len(specs), 2),
    }


def run(copies: int, latency: float, concurrency: int, twice: bool) -> dict[str, Any]:
    parent, child = mp.Pipe()
    proc = mp.get_context("fork").Process(target=_serve, args=(child, copies, latency))
    proc.start()
    api, raw, names = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "cache.db"
            out: dict[str, Any] = {"latency_ms": int(latency * 1000), "concurrency": concurrency}
            out["first"] = _refresh(api, raw, names, db, concurrency, latency)
            if twice:
                out["second"] = _refresh(api, raw, names, db, concurrency, latency)
            out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            return out
    finally:
        parent.send("stop")
        proc.join(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument(
        "--scale", type=int, default=2500, help="marketplaces in the scale run (0: skip)"
    )
    ap.add_argument("--skip-corpus", action="store_true")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS}")
    n = len(list(iter_corpus(CORPUS)))
    if not args.skip_corpus:
        print(json.dumps({"corpus": run(n, 0.150, args.concurrency, twice=True)}, indent=2))
    if args.scale and args.skip_corpus:
        print(json.dumps({"scale": run(args.scale, 0.050, args.concurrency, True)}, indent=2))
    elif args.scale:
        # A fresh process for the scale run keeps its peak RSS its own.
        cmd = [sys.executable, __file__, "--skip-corpus", "--scale", str(args.scale)]
        subprocess.run([*cmd, "--concurrency", str(args.concurrency)], check=True)


if __name__ == "__main__":
    main()
