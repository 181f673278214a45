#!/usr/bin/env python3
"""Build agentops_lite/data/snapshot.json.gz (the embedded default catalog) from marketplaces.

Usage (a release refreshes the snapshot with one command):

    .venv/bin/python scripts/build_snapshot.py                 # ../shared/corpus/marketplaces
    .venv/bin/python scripts/build_snapshot.py DIR [DIR...] [--date 2026-11-24] [-o FILE]

Each DIR is a folder of marketplace folders, or one marketplace folder. A marketplace folder is
a subset of a repo at one commit with a `_meta.json` naming `repo`, `commit`, `commit_date` and
`marketplace_path` (the corpus layout; the GitHub crawler writes the same), optionally
`fetched_at` and `metrics` (stars, pushed_at, archived, license, ...). Only repos in
`agentops_lite.sources.default_repos.DEFAULT_REPOS` are included unless `--all` is given.

Deterministic: the same folders and date give the same bytes. The snapshot's date is `--date`,
else the `generated_at` of a `stats.json` beside the folders, else the newest `fetched_at` or
commit date.

Star counts: `popularity.json` beside the folders (`{"repos": {"owner/repo": {"stars": N,
"stars_fetched_at": ISO}}}`) gives a repo its stargazer count with the date it was recorded,
carried into the snapshot as is; repos it does not list stay unknown (never 0).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from agentops_lite.sources.default_repos import DEFAULT_REPOS  # noqa: E402
from agentops_lite.sources.local import load_local  # noqa: E402
from agentops_lite.sources.snapshot import DATA_FILE, encode_marketplace, encode_snapshot  # noqa: E402

DEFAULT_INPUT = REPO_ROOT.parent / "shared" / "corpus" / "marketplaces"
DEFAULT_OUTPUT = REPO_ROOT / "agentops_lite" / "data" / DATA_FILE


def marketplace_folders(inputs: list[Path]) -> list[Path]:
    """Every folder holding a `_meta.json`, sorted by name for a stable order."""
    found: list[Path] = []
    for base in inputs:
        if (base / "_meta.json").is_file():
            found.append(base)
        elif base.is_dir():
            found.extend(p for p in sorted(base.iterdir()) if (p / "_meta.json").is_file())
        else:
            raise SystemExit(f"error: {base} is not a folder")
    return found


def default_date(inputs: list[Path], metas: list[dict[str, Any]]) -> str:
    for base in inputs:
        stats = base.parent / "stats.json"
        if stats.is_file():
            generated = json.loads(stats.read_text()).get("generated_at")
            if isinstance(generated, str) and generated:
                return generated[:10]
    dates = [str(m.get("fetched_at") or m.get("commit_date") or "")[:10] for m in metas]
    return max((d for d in dates if d), default="1970-01-01")


def _unread_when_capped(result: Any) -> Any:
    """A capped folder kept the manifests but dropped component files: a plugin with no
    command, agent or skill file found was not read (unknown), which is not shipping nothing
    (what plugin.json alone declares, such as an LSP server, is not the whole of it)."""
    m = result.manifest
    plugins = tuple(
        e
        if any(c.kind in ("command", "agent", "skill") for c in e.components)
        else e.model_copy(update={"components_read": False})
        for e in m.plugins
    )
    return result.model_copy(update={"manifest": m.model_copy(update={"plugins": plugins})})


def popularity(inputs: list[Path]) -> dict[str, dict[str, Any]]:
    """owner/repo (lower case) -> {"stars", "stars_fetched_at"} from popularity.json files."""
    found: dict[str, dict[str, Any]] = {}
    for base in inputs:
        for candidate in (base / "popularity.json", base.parent / "popularity.json"):
            if candidate.is_file():
                repos = json.loads(candidate.read_text()).get("repos", {})
                found.update({k.lower(): v for k, v in repos.items() if isinstance(v, dict)})
    return found


def _with_stars(result: Any, repo: str, commit_date: str | None, known: dict[str, Any]) -> Any:
    """The marketplace's repo metrics, and those of plugin repos, with recorded star counts."""
    from agentops_lite.models import RepoMetrics

    def merged(name: str, metrics: RepoMetrics | None, pushed: str | None) -> RepoMetrics | None:
        fact = known.get(name.lower())
        if fact is None or not isinstance(fact.get("stars"), int):
            return metrics
        base = metrics or RepoMetrics.model_validate({"repo": name, "pushed_at": pushed})
        if base.stars is not None:  # a count fetched with the metrics is newer: keep it
            return base
        recorded = {"stars": fact["stars"], "stars_at": fact.get("stars_fetched_at")}
        return RepoMetrics.model_validate({**base.model_dump(), **recorded})

    update: dict[str, Any] = {"repo_metrics": merged(repo, result.repo_metrics, commit_date)}
    plugin_metrics = dict(result.plugin_repo_metrics)
    for entry in result.manifest.plugins:
        other = entry.source.repo
        if other and other.lower() != repo.lower() and other.lower() in known:
            m = merged(other, plugin_metrics.get(other), None)
            if m is not None:
                plugin_metrics[other] = m
    update["plugin_repo_metrics"] = plugin_metrics
    return result.model_copy(update=update)


def build(inputs: list[Path], *, when: str | None, all_repos: bool) -> tuple[bytes, list[str]]:
    wanted = {r.lower() for r in DEFAULT_REPOS}
    chosen: list[tuple[Path, dict[str, Any]]] = []
    for folder in marketplace_folders(inputs):
        meta = json.loads((folder / "_meta.json").read_text())
        if all_repos or str(meta.get("repo", "")).lower() in wanted:
            chosen.append((folder, meta))
    seen: dict[str, Path] = {}
    for folder, meta in chosen:
        key = str(meta["repo"]).lower()
        if key in seen:
            raise SystemExit(f"error: {meta['repo']} appears twice ({seen[key]}, {folder})")
        seen[key] = folder
    date = when or default_date(inputs, [m for _, m in chosen])
    stars = popularity(inputs)
    records = []
    for folder, meta in chosen:
        manifest_path = meta.get("marketplace_path") or ".claude-plugin/marketplace.json"
        result = load_local(folder / manifest_path, repo=meta["repo"], repo_root=folder)
        if meta.get("capped"):
            result = _unread_when_capped(result)
        if isinstance(meta.get("metrics"), dict):
            from agentops_lite.models import RepoMetrics

            metrics = RepoMetrics.model_validate({**meta["metrics"], "repo": meta["repo"]})
            result = result.model_copy(update={"repo_metrics": metrics})
        result = _with_stars(result, meta["repo"], meta.get("commit_date"), stars)
        records.append(
            encode_marketplace(
                result,
                repo=meta["repo"],
                commit=meta.get("commit"),
                commit_date=meta.get("commit_date"),
                snapshot_date=meta.get("fetched_at") or date,
                manifest_path=manifest_path,
            )
        )
    missing = sorted(wanted - set(seen)) if not all_repos else []
    return encode_snapshot(records, date), missing


def build_seed(out: Path, snapshot: Path | None = None) -> int:
    """Store the snapshot in a fresh catalog with the normal code path and pack it (xz)."""
    import lzma

    from agentops_lite.catalog import Catalog
    from agentops_lite.catalog.meta import SEEDED_KEY, SETUP_KEY, SIGNATURE_KEY
    from agentops_lite.refresh.defaults import load_defaults
    from agentops_lite.refresh.seed import signature
    from agentops_lite.sources.snapshot import info

    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "catalog.db"
        with Catalog.open(db_file) as cat:
            load_defaults(cat)
            when = info(snapshot).date.isoformat()
            conn = cat.conn
            # Fixed timestamps make the file depend only on its inputs (same inputs, same bytes).
            conn.execute("UPDATE marketplaces SET added_at = ?, refreshed_at = ?", (when, when))
            conn.execute("UPDATE repo_metrics SET fetched_at = ?", (when,))
            conn.execute("UPDATE plugin_surfaces SET recorded_at = ?", (when,))
            conn.execute("UPDATE _migrations SET applied_at = 0")
            conn.execute("DELETE FROM meta WHERE key = ?", (SETUP_KEY,))
            conn.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [(SIGNATURE_KEY, signature(snapshot)), (SEEDED_KEY, "seed-db")],
            )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("VACUUM")
        packed = lzma.compress(db_file.read_bytes(), preset=9 | lzma.PRESET_EXTREME)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".tmp").write_bytes(packed)
    out.with_suffix(".tmp").replace(out)
    return len(packed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, help="marketplace folders (or parents)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--date", help="snapshot date, YYYY-MM-DD (default: from the inputs)")
    parser.add_argument("--all", action="store_true", help="include repos not in DEFAULT_REPOS")
    args = parser.parse_args(argv)
    inputs = args.inputs or [DEFAULT_INPUT]
    data, missing = build(inputs, when=args.date, all_repos=args.all)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.output)
    sys.stderr.write(f"wrote {args.output} ({len(data):,} bytes)\n")
    if args.output == DEFAULT_OUTPUT:
        # The stemmed synonym vocabulary, so no read command re-stems it (search/synonyms.py).
        from agentops_lite.search.synonyms import VOCABULARY_FILE, vocabulary_document

        VOCABULARY_FILE.write_text(vocabulary_document(), "utf-8")
        sys.stderr.write(f"wrote {VOCABULARY_FILE}\n")
        # The root --help text, so `agentops-lite --help` does not build the typer app.
        from agentops_lite.cli.fast import HELP_FILE, help_document

        Path(HELP_FILE).write_text(help_document(), "utf-8")
        sys.stderr.write(f"wrote {HELP_FILE}\n")
        # The prebuilt catalog of the packaged snapshot (first-run speed); see refresh/seed.py.
        from agentops_lite.refresh.seed import seed_path

        size = build_seed(seed_path())
        sys.stderr.write(f"wrote {seed_path()} ({size:,} bytes)\n")
    for repo in missing:
        sys.stderr.write(f"warning: default {repo} not found in the inputs\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
