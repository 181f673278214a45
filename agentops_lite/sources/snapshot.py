"""The embedded default catalog: a compressed snapshot of well-known marketplaces in the package.

Source kind "embedded": `load_embedded("owner/repo")` turns the packaged copy of one marketplace
into a LoadResult, exactly as a live source would. `encode_snapshot` is the inverse, used by
`scripts/build_snapshot.py`; its output is deterministic (same inputs, same bytes).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from agentops_lite.errors import SourceError
from agentops_lite.models import MarketplaceManifest, PluginEntry, Problem, RepoMetrics
from agentops_lite.sources.base import LoadResult

FORMAT = 1
DATA_FILE = "snapshot.json.gz"
# Long SKILL.md descriptions add size, not findability; the ranker reads the first sentences.
MAX_DESCRIPTION = 600


def snapshot_path() -> Path:
    """Where the packaged snapshot lives (inside the installed package)."""
    return Path(__file__).resolve().parent.parent / "data" / DATA_FILE


@dataclass(frozen=True)
class SnapshotInfo:
    """What the packaged snapshot holds and how old it is."""

    date: datetime
    marketplaces: int
    plugins: int
    repos: tuple[str, ...]
    size_bytes: int

    def age_days(self, today: dt.date | None = None) -> int:
        """Whole days since the snapshot was taken (never negative)."""
        ref = today or datetime.now(timezone.utc).date()
        return max(0, (ref - self.date.date()).days)


def _parse_dt(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@lru_cache(maxsize=4)
def _document(path: str) -> dict[str, Any]:
    """The decompressed snapshot; cached because seeding and `info()` both read it."""
    try:
        raw = Path(path).read_bytes()
        doc = json.loads(gzip.decompress(raw))
    except FileNotFoundError as exc:
        raise SourceError(
            "this installation has no embedded snapshot",
            hint="reinstall agentops-lite, or add marketplaces with `marketplace add`",
        ) from exc
    except (OSError, ValueError, EOFError) as exc:
        raise SourceError(f"the embedded snapshot at {path} is damaged: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SourceError(f"the embedded snapshot at {path} has an unknown format")
    return doc


def _doc(path: Path | None) -> dict[str, Any]:
    return _document(str(path or snapshot_path()))


def available(path: Path | None = None) -> bool:
    return (path or snapshot_path()).is_file()


def info(path: Path | None = None) -> SnapshotInfo:
    """Date, counts and size of the snapshot. Raises SourceError when there is none."""
    target = path or snapshot_path()
    doc = _doc(target)
    markets = doc["marketplaces"]
    return SnapshotInfo(
        date=_parse_dt(doc.get("date")) or datetime(1970, 1, 1, tzinfo=timezone.utc),
        marketplaces=len(markets),
        plugins=sum(len(m.get("plugins", ())) for m in markets),
        repos=tuple(m["repo"] for m in markets),
        size_bytes=target.stat().st_size,
    )


def _metrics(repo: str, data: object) -> RepoMetrics | None:
    if not isinstance(data, dict):
        return None
    return RepoMetrics.model_validate({**data, "repo": repo})


def _decode(item: dict[str, Any], default_date: datetime | None) -> LoadResult:
    repo = str(item["repo"])
    manifest = MarketplaceManifest(
        name=item.get("name"),
        owner=item.get("owner"),
        description=item.get("description"),
        version=item.get("version"),
        plugin_root=item.get("plugin_root"),
        plugins=tuple(PluginEntry.model_validate(p) for p in item.get("plugins", ())),
        problems=tuple(Problem.model_validate(p) for p in item.get("problems", ())),
    )
    metrics = _metrics(repo, item.get("metrics"))
    if metrics is None and item.get("commit_date"):
        # Without GitHub metrics, the snapshot commit's date still says how recently it moved.
        metrics = RepoMetrics(repo=repo, pushed_at=_parse_dt(item["commit_date"]))
    plugin_metrics = {
        name: m
        for name, data in sorted((item.get("plugin_metrics") or {}).items())
        if (m := _metrics(name, data)) is not None
    }
    return LoadResult(
        spec_kind="embedded",
        location=repo,
        manifest=manifest,
        repo_metrics=metrics,
        plugin_repo_metrics=plugin_metrics,
        commit=item.get("commit"),
        snapshot_date=_parse_dt(item.get("snapshot_date")) or default_date,
    )


def load_embedded(repo: str, path: Path | None = None) -> LoadResult:
    """The packaged copy of one marketplace (`owner/repo`, any case) as a LoadResult."""
    doc = _doc(path)
    wanted = repo.lower()
    for item in doc["marketplaces"]:
        if str(item["repo"]).lower() == wanted:
            return _decode(item, _parse_dt(doc.get("date")))
    raise SourceError(
        f"{repo} is not in the embedded snapshot",
        hint="`agentops-lite defaults status` lists what it holds",
    )


def load_all(path: Path | None = None) -> list[LoadResult]:
    """Every marketplace in the snapshot, in the snapshot's (repo) order."""
    doc = _doc(path)
    when = _parse_dt(doc.get("date"))
    return [_decode(item, when) for item in doc["marketplaces"]]


# -- building ---------------------------------------------------------------------------------


def _cap(text: object) -> object:
    if isinstance(text, str) and len(text) > MAX_DESCRIPTION:
        return text[: MAX_DESCRIPTION - 1].rstrip() + "…"
    return text


def encode_entry(entry: PluginEntry) -> dict[str, Any]:
    """The fields the catalog and ranker use; the entry's raw JSON stays behind."""
    data = entry.model_dump(mode="json", exclude={"raw"}, exclude_defaults=True)
    data["index"] = entry.index
    # Always written: an entry without it is read as "read when it has components" (the rule
    # for catalogs stored before the flag), which would undo a deliberate `false`.
    data["components_read"] = entry.components_read
    if "description" in data:
        data["description"] = _cap(data["description"])
    for comp in data.get("components", ()):
        if "description" in comp:
            comp["description"] = _cap(comp["description"])
    return data


def encode_marketplace(
    result: LoadResult,
    *,
    repo: str,
    commit: str | None,
    commit_date: str | None,
    snapshot_date: str | None = None,
    manifest_path: str | None = None,
) -> dict[str, Any]:
    """One marketplace's snapshot record: where it came from, and its normalised plugins."""
    m = result.manifest
    item: dict[str, Any] = {
        "repo": repo,
        "commit": commit,
        "commit_date": commit_date,
        "manifest_path": manifest_path,
        "snapshot_date": snapshot_date,
        "name": m.name,
        "owner": m.owner,
        "description": _cap(m.description),
        "version": m.version,
        "plugin_root": m.plugin_root,
        "problems": [p.model_dump(mode="json") for p in m.problems],
        "plugins": [encode_entry(e) for e in m.plugins],
    }
    if result.repo_metrics is not None:
        item["metrics"] = result.repo_metrics.model_dump(mode="json", exclude={"repo"})
    if result.plugin_repo_metrics:
        item["plugin_metrics"] = {
            k: v.model_dump(mode="json", exclude={"repo"})
            for k, v in sorted(result.plugin_repo_metrics.items())
        }
    return {k: v for k, v in item.items() if v not in (None, [], {})}


def encode_snapshot(marketplaces: list[dict[str, Any]], when: str) -> bytes:
    """Gzipped JSON, byte-for-byte reproducible: sorted keys, fixed mtime, no file name."""
    ordered = sorted(marketplaces, key=lambda m: str(m["repo"]).lower())
    doc = {"format": FORMAT, "date": when, "marketplaces": ordered}
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return buf.getvalue()
