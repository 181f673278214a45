"""A fake GitHub (API, raw host, archives, code search) on loopback, with fault injection."""

from __future__ import annotations

import base64
import fnmatch
import gzip
import hashlib
import io
import json
import socket
import tarfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SKIP_FILES = {"_meta.json"}  # corpus bookkeeping, not part of the snapshotted repo


@dataclass
class Repo:
    """One fake repository: files from a folder (and/or `files`), plus what /repos/{o}/{r} says."""

    folder: Path | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    stars: int = 42
    pushed_at: str = "2026-01-01T00:00:00Z"
    archived: bool = False
    license: str | None = "MIT"
    default_branch: str = "main"
    description: str | None = None
    sha: str = ""

    def all_files(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        if self.folder is not None:
            out.update(_read_folder(self.folder))
        out.update(self.files)
        return out


_FOLDER_CACHE: dict[Path, dict[str, bytes]] = {}
_FOLDER_LOCK = threading.Lock()


def _read_folder(folder: Path) -> dict[str, bytes]:
    with _FOLDER_LOCK:
        if folder not in _FOLDER_CACHE:
            files = {}
            for path in sorted(folder.rglob("*")):
                rel = path.relative_to(folder).as_posix()
                if path.is_file() and not path.is_symlink() and rel not in SKIP_FILES:
                    files[rel] = path.read_bytes()
            _FOLDER_CACHE[folder] = files
        return _FOLDER_CACHE[folder]


def repo_from_corpus(folder: Path, **overrides: Any) -> Repo:
    """A Repo for a corpus folder, with commit, date and default branch from its _meta.json."""
    meta = (
        json.loads((folder / "_meta.json").read_text()) if (folder / "_meta.json").exists() else {}
    )
    digest = int(hashlib.sha256(folder.name.encode()).hexdigest()[:6], 16)
    fields: dict[str, Any] = {
        "folder": folder,
        "sha": meta.get("commit") or hashlib.sha1(folder.name.encode()).hexdigest(),
        "default_branch": meta.get("default_branch") or "main",
        "stars": digest % 5000,
        "pushed_at": _iso(meta.get("commit_date")) or "2026-01-01T00:00:00Z",
    }
    fields.update(overrides)
    return Repo(**fields)


def _iso(text: str | None) -> str | None:
    if not text:
        return None
    return datetime.fromisoformat(text).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Fault:
    """What to do instead of answering. `times`: how many requests fail (-1: all of them).

    kinds: error (status, default 500), hang (sleep `seconds`), rate-limit (403, remaining 0, reset
    in `seconds`), retry-after (429 + Retry-After `seconds`), not-found, malformed-json,
    oversize (`size` bytes; `declared` says whether Content-Length announces it), redirect-loop,
    body (200 with `body` as it is: garbage, or a tarball cut short with a matching length).
    """

    kind: str
    times: int = -1
    status: int = 500
    seconds: float = 30.0
    size: int = 64 * 1024 * 1024
    declared: bool = True
    body: bytes = b""
    hits: int = 0


@dataclass(frozen=True)
class Hit:
    path: str
    query: str
    host: str
    status: int
    body_bytes: int
    authorization: str | None


class FakeGitHub:
    """Serves `repos` ({"owner/repo": Repo}) at `api_base` / `raw_base`; archives on `archive_host`
    (another host name for the same server, like codeload.github.com: tokens must not go there).
    """

    def __init__(
        self,
        repos: Mapping[str, Repo] | None = None,
        *,
        latency: float = 0.0,
        archive_host: str = "localhost",
        search_per_minute: int | None = None,
    ) -> None:
        self.repos: dict[str, Repo] = {k.lower(): v for k, v in (repos or {}).items()}
        self.names = {k.lower(): k for k in (repos or {})}
        self.latency = latency
        self.archive_host = archive_host
        self.faults: dict[str, Fault] = {}
        self.hits: list[Hit] = []
        self.search_extra: list[tuple[str, str, int]] = []  # (repo, path, size) without content
        self.search_per_minute = search_per_minute
        self._search_times: list[float] = []
        self._tarballs: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def raw_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/raw"

    def env(self) -> dict[str, str]:
        return {"AGENTOPS_GITHUB_API": self.api_base, "AGENTOPS_GITHUB_RAW": self.raw_base}

    @staticmethod
    def closed_port_url() -> str:
        """A loopback URL nothing listens on: connecting is refused."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}"

    # -- test helpers ----------------------------------------------------------------------
    def add_repo(self, name: str, repo: Repo) -> None:
        with self._lock:
            self.repos[name.lower()] = repo
            self.names[name.lower()] = name

    def fault(self, pattern: str, kind: str, **kw: Any) -> Fault:
        """Inject a fault for request paths matching the glob `pattern` (e.g. "/raw/o/r/*")."""
        f = Fault(kind, **kw)
        self.faults[pattern] = f
        return f

    def push(self, name: str, path: str, content: bytes) -> None:
        """Simulate a commit: change a file, move the sha and pushed_at."""
        repo = self.repos[name.lower()]
        with self._lock:
            repo.files[path] = content
            repo.sha = hashlib.sha1(repo.sha.encode() + content).hexdigest()
            repo.pushed_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self._tarballs.clear()

    def reset_counts(self) -> None:
        with self._lock:
            self.hits.clear()

    def count(self, prefix: str = "") -> int:
        return sum(1 for h in self.hits if h.path.startswith(prefix))

    def wait_for(self, prefix: str, n: int = 1, timeout: float = 5.0) -> None:
        """Wait until `n` requests under `prefix` are recorded (aborted ones finish late)."""
        deadline = time.monotonic() + timeout
        while self.count(prefix) < n and time.monotonic() < deadline:
            time.sleep(0.01)

    def body_bytes(self, prefix: str = "") -> int:
        return sum(h.body_bytes for h in self.hits if h.path.startswith(prefix))

    # -- content ---------------------------------------------------------------------------
    def repo_json(self, name: str) -> dict[str, Any]:
        repo = self.repos[name.lower()]
        full = self.names[name.lower()]
        lic = None
        if repo.license:
            lic = {"key": repo.license.lower(), "spdx_id": repo.license, "name": repo.license}
        return {
            "id": int(hashlib.sha1(full.encode()).hexdigest()[:8], 16),
            "full_name": full,
            "name": full.split("/")[1],
            "owner": {"login": full.split("/")[0]},
            "private": False,
            "html_url": f"https://github.com/{full}",
            "description": repo.description,
            "fork": False,
            "stargazers_count": repo.stars,
            "watchers_count": repo.stars,
            "subscribers_count": repo.stars // 10,
            "pushed_at": repo.pushed_at,
            "updated_at": repo.pushed_at,
            "archived": repo.archived,
            "disabled": False,
            "license": lic,
            "default_branch": repo.default_branch,
            "topics": [],
        }

    def tarball(self, name: str) -> bytes:
        repo = self.repos[name.lower()]
        # Copies of one folder (benchmarks) share an archive; only its top dir name would differ.
        shared = repo.folder is not None and not repo.files
        key = (str(repo.folder) if shared else name.lower(), repo.sha)
        with self._lock:
            cached = self._tarballs.get(key)
        if cached is not None:
            return cached
        repo = self.repos[name.lower()]
        owner, short = self.names[name.lower()].split("/")
        prefix = f"{owner}-{short}-{repo.sha[:7]}/"
        raw = io.BytesIO()
        # git archive writes the full commit id into a pax global header; GitHub's tarballs have it.
        with tarfile.open(
            fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": repo.sha}
        ) as tar:
            dirs: set[str] = set()
            for rel, data in sorted(repo.all_files().items()):
                parts = rel.split("/")
                for i in range(1, len(parts)):
                    d = "/".join(parts[:i])
                    if d not in dirs:
                        dirs.add(d)
                        info = tarfile.TarInfo(prefix + d)
                        info.type, info.mode = tarfile.DIRTYPE, 0o755
                        tar.addfile(info)
                info = tarfile.TarInfo(prefix + rel)
                info.size, info.mode, info.mtime = len(data), 0o644, 1_700_000_000
                tar.addfile(info, io.BytesIO(data))
        body = gzip.compress(raw.getvalue(), compresslevel=1, mtime=0)
        with self._lock:
            self._tarballs[key] = body
        return body

    def warm(self) -> None:
        """Build every archive now, so benchmarks time the crawler, not the fake's gzip."""
        for name in list(self.repos):
            self.tarball(name)

    def search(self, query: str) -> list[dict[str, Any]]:
        terms = query.split()
        lo, hi = 0, 1 << 40
        for t in terms:
            if t.startswith("size:"):
                lo, hi = _size_range(t[5:])
        found: list[tuple[str, str, int]] = []
        for key, repo in sorted(self.repos.items()):
            for rel, data in repo.all_files().items():
                if rel.endswith(".claude-plugin/marketplace.json"):
                    found.append((self.names[key], rel, len(data)))
        found += self.search_extra
        return [
            {
                "name": "marketplace.json",
                "path": path,
                "sha": hashlib.sha1(f"{name}/{path}".encode()).hexdigest(),
                "repository": {
                    "full_name": name,
                    "name": name.split("/")[1],
                    "owner": {"login": name.split("/")[0]},
                },
            }
            for name, path, size in sorted(found)
            if lo <= size <= hi
        ]


def _size_range(text: str) -> tuple[int, int]:
    if ".." in text:
        a, b = text.split("..")
        return (0 if a == "*" else int(a)), (1 << 40 if b == "*" else int(b))
    if text.startswith(">="):
        return int(text[2:]), 1 << 40
    if text.startswith(">"):
        return int(text[1:]) + 1, 1 << 40
    if text.startswith("<="):
        return 0, int(text[2:])
    if text.startswith("<"):
        return 0, int(text[1:]) - 1
    return int(text), int(text)


def _etag(body: bytes, weak: bool = True) -> str:
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return "W/" + tag if weak else tag


def _http_date(iso: str) -> str:
    when = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return format_datetime(when, usegmt=True)


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) drops SYNs under a burst of new connections, and each
    # dropped SYN costs the client a 1 s retransmit: the fake, not the crawler, would be slow.
    request_queue_size = 256
    daemon_threads = True


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        gh = fake

    return Handler


class _Handler(BaseHTTPRequestHandler):
    gh: FakeGitHub
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # header and body go out in separate writes

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    # -- plumbing --------------------------------------------------------------------------
    def _send(
        self,
        status: int,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        hdrs = dict(headers or {})
        if etag:
            hdrs["ETag"] = etag
        if last_modified:
            hdrs["Last-Modified"] = last_modified
        if status == 200 and (etag or last_modified) and self._fresh(etag, last_modified):
            status, body = 304, b""
        if self.path.startswith("/api/"):
            limit = 5000 if self.headers.get("Authorization") else 60
            hdrs.setdefault("X-RateLimit-Limit", str(limit))
            hdrs.setdefault("X-RateLimit-Remaining", str(limit - 1 - len(self.gh.hits) % limit))
            hdrs.setdefault("X-RateLimit-Reset", str(int(time.time()) + 3600))
        # Recorded before sending so a client that has its answer always sees the hit counted.
        self._record(status, len(body) if status != 304 else 0)
        self.send_response(status)
        for k, v in hdrs.items():
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _fresh(self, etag: str | None, last_modified: str | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag is not None and (
                inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]
            )
        ims = self.headers.get("If-Modified-Since")
        if ims and last_modified:
            try:
                return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
        return False

    def _record(self, status: int, nbytes: int) -> None:
        parts = urlsplit(self.path)
        hit = Hit(
            parts.path,
            parts.query,
            self.headers.get("Host", ""),
            status,
            nbytes,
            self.headers.get("Authorization"),
        )
        with self.gh._lock:
            self.gh.hits.append(hit)

    def _json(self, status: int, doc: Any, **kw: Any) -> None:
        self._send(status, json.dumps(doc).encode(), {"Content-Type": "application/json"}, **kw)

    def _not_found(self) -> None:
        self._json(
            404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
        )

    # -- dispatch --------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.gh.latency:
            time.sleep(self.gh.latency)
        path = urlsplit(self.path).path
        for pattern, fault in list(self.gh.faults.items()):
            if fnmatch.fnmatchcase(path, pattern) and (fault.times < 0 or fault.hits < fault.times):
                fault.hits += 1
                return self._fault(fault)
        try:
            self._route(path, parse_qs(urlsplit(self.path).query))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        parts = path.strip("/").split("/")
        if parts[0] == "raw" and len(parts) >= 5:
            return self._raw(f"{parts[1]}/{parts[2]}", parts[3], "/".join(parts[4:]))
        if parts[0] == "codeload" and len(parts) >= 5:
            return self._archive(f"{parts[1]}/{parts[2]}")
        if parts == ["_fake", "stats"]:  # for benchmarks running the fake in another process
            return self._stats(query)
        if parts[:2] == ["api", "search"] and parts[2:] == ["code"]:
            return self._search(query)
        if parts[:2] == ["api", "repos"] and len(parts) >= 4:
            name, rest = f"{parts[2]}/{parts[3]}", parts[4:]
            if name.lower() not in self.gh.repos:
                return self._not_found()
            ref = query.get("ref", ["HEAD"])[0]
            if not rest:
                repo = self.gh.repos[name.lower()]
                return self._json(
                    200,
                    self.gh.repo_json(name),
                    etag=_etag(json.dumps(self.gh.repo_json(name)).encode()),
                    last_modified=_http_date(repo.pushed_at),
                )
            if rest[0] == "contents":
                return self._contents(name, ref, "/".join(rest[1:]))
            if rest[0] == "tarball":
                return self._tarball_redirect(name, rest[1] if len(rest) > 1 else "HEAD")
        return self._not_found()

    def _stats(self, query: dict[str, list[str]]) -> None:
        with self.gh._lock:
            hits = list(self.gh.hits)
            if query.get("reset"):
                self.gh.hits.clear()
        statuses: dict[str, int] = {}
        for h in hits:
            statuses[str(h.status)] = statuses.get(str(h.status), 0) + 1
        doc = {
            "requests": len(hits),
            "body_bytes": sum(h.body_bytes for h in hits),
            "bodies": sum(1 for h in hits if h.body_bytes),
            "statuses": statuses,
        }
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _ref_ok(self, name: str, ref: str) -> bool:
        repo = self.gh.repos[name.lower()]
        return ref in {"HEAD", repo.default_branch, repo.sha} or (
            len(ref) >= 7 and repo.sha.startswith(ref)
        )

    def _raw(self, name: str, ref: str, rel: str) -> None:
        repo = self.gh.repos.get(name.lower())
        if repo is None or not self._ref_ok(name, ref):
            return self._send(404, b"404: Not Found", {"Content-Type": "text/plain"})
        data = repo.all_files().get(rel)
        if data is None:
            return self._send(404, b"404: Not Found", {"Content-Type": "text/plain"})
        self._send(
            200, data, {"Content-Type": "text/plain; charset=utf-8"}, etag=_etag(data, weak=False)
        )

    def _contents(self, name: str, ref: str, rel: str) -> None:
        repo = self.gh.repos[name.lower()]
        if not self._ref_ok(name, ref):
            return self._not_found()
        files = repo.all_files()
        data = files.get(rel)
        if data is None:
            prefix = rel.rstrip("/") + "/" if rel else ""
            children = sorted(
                {p[len(prefix) :].split("/")[0] for p in files if p.startswith(prefix)}
            )
            if not children:
                return self._not_found()
            listing = [
                {"name": c, "path": prefix + c, "type": "file" if prefix + c in files else "dir"}
                for c in children
            ]
            return self._json(200, listing, etag=_etag(json.dumps(listing).encode()))
        accept = self.headers.get("Accept", "")
        if "raw" in accept:
            return self._send(
                200, data, {"Content-Type": "application/vnd.github.raw"}, etag=_etag(data)
            )
        b64 = base64.encodebytes(data).decode()  # GitHub wraps base64 at 60-76 chars too
        doc = {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": rel.split("/")[-1],
            "path": rel,
            "sha": hashlib.sha1(data).hexdigest(),
            "content": b64,
        }
        self._json(200, doc, etag=_etag(data))

    def _tarball_redirect(self, name: str, ref: str) -> None:
        if not self._ref_ok(name, ref):
            return self._not_found()
        repo = self.gh.repos[name.lower()]
        loc = f"http://{self.gh.archive_host}:{self.gh.port}/codeload/{self.gh.names[name.lower()]}/legacy.tar.gz/{repo.sha}"
        self._send(302, b"", {"Location": loc})

    def _archive(self, name: str) -> None:
        if name.lower() not in self.gh.repos:
            return self._send(404, b"404: Not Found")
        self._send(200, self.gh.tarball(name), {"Content-Type": "application/x-gzip"})

    def _search(self, query: dict[str, list[str]]) -> None:
        if not self.headers.get("Authorization"):
            return self._json(401, {"message": "Requires authentication"})
        now = time.time()
        hdrs = {"X-RateLimit-Resource": "search"}
        if self.gh.search_per_minute is not None:
            with self.gh._lock:
                recent = [t for t in self.gh._search_times if t > now - 60]
                recent.append(now)
                self.gh._search_times = recent
            left = self.gh.search_per_minute - len(recent)
            reset = str(int(min(recent) + 61))
            hdrs.update(
                {
                    "X-RateLimit-Limit": str(self.gh.search_per_minute),
                    "X-RateLimit-Remaining": str(max(0, left)),
                    "X-RateLimit-Reset": reset,
                }
            )
            if left < 0:
                return self._send(403, b'{"message":"API rate limit exceeded"}', hdrs)
        per_page = min(100, int(query.get("per_page", ["30"])[0]))
        page = int(query.get("page", ["1"])[0])
        if (page - 1) * per_page >= 1000:
            return self._json(422, {"message": "Only the first 1000 search results are available"})
        items = self.gh.search(query.get("q", [""])[0])
        doc = {
            "total_count": len(items),
            "incomplete_results": False,
            "items": items[(page - 1) * per_page : page * per_page][
                : max(0, 1000 - (page - 1) * per_page)
            ],
        }
        self._send(200, json.dumps(doc).encode(), {**hdrs, "Content-Type": "application/json"})

    # -- faults ----------------------------------------------------------------------------
    def _fault(self, fault: Fault) -> None:
        k = fault.kind
        if k == "error":
            return self._json(fault.status, {"message": "Server Error"})
        if k == "not-found":
            return self._not_found()
        if k == "hang":
            self.gh._stopping.wait(fault.seconds)
            self.close_connection = True
            return self._record(0, 0)
        if k == "rate-limit":
            reset = str(int(time.time() + fault.seconds))
            return self._send(
                403,
                b'{"message":"API rate limit exceeded for 127.0.0.1."}',
                {
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": reset,
                    "X-RateLimit-Limit": "60",
                    "Content-Type": "application/json",
                },
            )
        if k == "retry-after":
            return self._send(
                429, b'{"message":"Too Many Requests"}', {"Retry-After": str(int(fault.seconds))}
            )
        if k == "malformed-json":
            return self._send(
                200,
                b'{"name": "broken", "plugins": [ {"name": ',
                {"Content-Type": "application/json"},
            )
        if k == "redirect-loop":
            return self._send(302, b"", {"Location": urlsplit(self.path).path})
        if k == "oversize":
            return self._oversize(fault)
        if k == "body":
            return self._send(200, fault.body, {"Content-Type": "application/x-gzip"})
        raise ValueError(f"unknown fault {k}")

    def _oversize(self, fault: Fault) -> None:
        self.send_response(200)
        if fault.declared:
            self.send_header("Content-Length", str(fault.size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        chunk, sent = b"x" * 65536, 0
        try:
            while sent < fault.size and not self.gh._stopping.is_set():
                self.wfile.write(chunk[: fault.size - sent])
                sent += min(len(chunk), fault.size - sent)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self._record(200, sent)


def iter_corpus(marketplaces: Path) -> Iterator[tuple[str, Path]]:
    """(owner/repo, folder) for every folder of the corpus's `marketplaces/`."""
    for folder in sorted(marketplaces.iterdir()):
        meta = folder / "_meta.json"
        if meta.exists():
            yield json.loads(meta.read_text())["repo"], folder
