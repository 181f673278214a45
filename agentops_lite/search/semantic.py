"""The semantic stage: listing vectors kept at index time, and the model's ranking of a query.

Vectors come from the `[semantic]` extra's model (search/encoder.py) and are stored in
`listing_vectors` (float16, keyed by listing, model id and a hash of the text embedded), so a
query costs one short encode and one pass over the stored vectors.
"""

from __future__ import annotations

import heapq
import json
import operator
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from agentops_lite.search.encoder import (
    DIM,
    HALF,
    MAX_TEXT_CHARS,
    MODEL_ID,
    Model,
    available,
    load_model,
    unit_list,
)

__all__ = ["DIM", "MODEL_ID", "Model", "available", "load_model"]

# Up to this many listings a query is scored in plain Python (about 30 ms for 3,000), which is
# cheaper than importing numpy (about 80 ms, at every discover); beyond, numpy is.
PYTHON_SCAN_LIMIT = 8000
_SEPARATORS = re.compile(r"[-_/]+")


# -- the text of a listing ---------------------------------------------------------------------
def _words(text: str) -> str:
    return _SEPARATORS.sub(" ", text).strip()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


def listing_text(
    name: str,
    description: str | None,
    category: str | None,
    keywords: Iterable[str],
    component_names: Iterable[str],
) -> str:
    """What the model reads of a listing: name, description, keywords/tags, category, components."""
    parts = [
        _words(name),
        (description or "").strip(),
        ", ".join(_words(k) for k in keywords if k),
        _words(category or ""),
        ", ".join(_words(c) for c in component_names if c),
    ]
    return ". ".join(p for p in parts if p)[:MAX_TEXT_CHARS]


def text_hash(text: str) -> str:
    import hashlib  # here: OpenSSL's load costs a warm discover more than it ever hashes

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def _row_text(row: tuple[Any, ...]) -> str:
    _, name, desc, category, kw_json, tags_json, comp_json = row
    components = [c for c in json.loads(comp_json) if isinstance(c, dict)]
    return listing_text(
        name,
        desc,
        category,
        [*_strings(json.loads(kw_json)), *_strings(json.loads(tags_json))],
        [str(c.get("name") or "") for c in components],
    )


_ROWS = "SELECT id, name, description, category, keywords_json, tags_json, components_json "


# -- storing -----------------------------------------------------------------------------------
def warm_in_background() -> threading.Thread | None:
    """Start loading the model for `index_vectors` on a thread; None without the extra.

    Loading (numpy, the tokenizer, the table) is a third of a second of CPU that a refresh
    otherwise spends in its first store, with sockets unread; begun when the crawl starts, it
    fills the crawl's network waits instead. Join the thread before the process exits. A failed
    load is left for `encode` to meet again (and report) on the storing thread."""
    model = load_model()
    if model is None:
        return None

    def run() -> None:
        try:
            model.load()
        except Exception:  # noqa: BLE001 - the store that needs it raises it again, reported
            pass

    thread = threading.Thread(target=run, name="agentops-model-load", daemon=True)
    thread.start()
    return thread


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _store(conn: sqlite3.Connection, rows: list[tuple[Any, ...]], model: Model | None) -> int:
    """(Re)write the vectors of `rows` (plugins rows, see _ROWS); returns how many were encoded.

    A listing whose text is unchanged gets its old vector back (found by text hash, whatever
    listing id it had), so only new or edited listings are encoded; without the model, those
    stay without a vector and the rest keep theirs."""
    texts = {int(r[0]): _row_text(r) for r in rows}
    hashes = {pid: text_hash(t) for pid, t in texts.items()}
    known: dict[str, bytes] = {}
    for part in _chunks(sorted(set(hashes.values()))):
        sql = "SELECT text_hash, vector FROM listing_vectors WHERE model = ? AND text_hash IN "
        sql += f"({','.join('?' * len(part))})"
        known.update(conn.execute(sql, [MODEL_ID, *part]))
    fresh = [pid for pid, h in hashes.items() if h not in known]
    if model is not None and fresh:
        import numpy as np

        vectors = model.encode([texts[pid] for pid in fresh]).astype(np.float16)
        for pid, vec in zip(fresh, vectors, strict=True):
            known[hashes[pid]] = vec.tobytes()
    ids = list(texts)
    for part in _chunks([str(i) for i in ids]):
        conn.execute(f"DELETE FROM listing_vectors WHERE plugin_id IN ({','.join(part)})")
    conn.executemany(
        "INSERT INTO listing_vectors VALUES (?, ?, ?, ?)",
        [(pid, MODEL_ID, h, known[h]) for pid, h in hashes.items() if h in known],
    )
    return len(fresh) if model is not None else 0


def index_vectors(
    conn: sqlite3.Connection, marketplace_id: int, *, drop_orphans: bool = True
) -> int:
    """The vector step of indexing one marketplace, inside the caller's transaction.

    Runs with or without the extra: the stored rows of removed listings go either way (their
    ids may be reused by new listings), and unchanged listings keep their vectors. Returns how
    many listings were encoded. `drop_orphans=False` leaves the removed listings' rows to one
    `drop_orphan_vectors` before the transaction commits: that step reads the whole table, so
    a refresh storing many marketplaces in one transaction does it once, not once each. (Until
    then an orphan's vector may be found again by its text hash: the same text, the same bytes.)
    """
    rows = conn.execute(_ROWS + "FROM plugins WHERE marketplace_id = ?", (marketplace_id,))
    encoded = _store(conn, rows.fetchall(), load_model())
    if drop_orphans:
        drop_orphan_vectors(conn)
    return encoded


def drop_orphan_vectors(conn: sqlite3.Connection) -> None:
    """Delete the vectors of listings no longer stored."""
    conn.execute("DELETE FROM listing_vectors WHERE plugin_id NOT IN (SELECT id FROM plugins)")


def fill_missing(conn: sqlite3.Connection, model: Model) -> int:
    """Encode the listings that have no vector of this model (a catalog indexed before the
    extra was installed, or by another model); returns how many. One indexed read when none."""
    # Two counts over small indexes (about 1 ms); equal unless a listing lacks a vector of this
    # model or a removed marketplace left some behind (both are put right below).
    counts = "SELECT (SELECT COUNT(*) FROM plugins), "
    counts += "(SELECT COUNT(*) FROM listing_vectors WHERE model = ?)"
    plugins, vectors = conn.execute(counts, (MODEL_ID,)).fetchone()
    if plugins == vectors:
        return 0
    from agentops_lite.catalog import db

    sql = (
        "FROM plugins p WHERE NOT EXISTS (SELECT 1 FROM listing_vectors v "
        "WHERE v.plugin_id = p.id AND v.model = ?)"
    )
    with db.write(conn):
        conn.execute("DELETE FROM listing_vectors WHERE plugin_id NOT IN (SELECT id FROM plugins)")
        conn.execute("DELETE FROM listing_vectors WHERE model != ?", (MODEL_ID,))
        rows = conn.execute(_ROWS.replace("SELECT ", "SELECT p.") + sql, (MODEL_ID,)).fetchall()
        return _store(conn, rows, model)


# -- querying ----------------------------------------------------------------------------------
class Ranking(NamedTuple):
    """The model's ranking of the catalog's listings for one query (best first)."""

    ids: list[int]
    similarity: dict[int, float]


def rank_listings(
    conn: sqlite3.Connection,
    model: Model,
    query: str,
    *,
    feedback: Sequence[int],
    beta: float,
    depth: int,
    marketplace_ids: Sequence[int] = (),
    category: str | None = None,
    exclude: frozenset[int] = frozenset(),
) -> Ranking | None:
    """The `depth` listings nearest the query, over the whole (filtered) catalog.

    The query vector moves towards the mean of `feedback` (our own best matches) by `beta`:
    the model's reading of a short query is noisy, the best lexical matches say what it means.
    None when no listing has a vector of this model."""
    # `+v.model`: a full scan of the table reads its rows in order, several times faster than
    # following the (model, text_hash) index to each one.
    sql = "SELECT v.plugin_id, v.vector FROM listing_vectors v WHERE +v.model = ?"
    args: list[Any] = [MODEL_ID]
    if marketplace_ids:
        sql += " AND v.plugin_id IN (SELECT id FROM plugins WHERE marketplace_id IN "
        sql += f"({','.join('?' * len(marketplace_ids))}))"
        args.extend(marketplace_ids)
    if category:
        sql += " AND v.plugin_id IN (SELECT id FROM plugins WHERE LOWER(category) = LOWER(?))"
        args.append(category)
    rows = conn.execute(sql, args).fetchall()
    if exclude:
        rows = [r for r in rows if r[0] not in exclude]
    if not rows:
        return None
    vector = model.encode_query(query)
    if feedback and beta > 0:
        marks = ",".join("?" * len(feedback))
        sql = f"SELECT vector FROM listing_vectors WHERE model = ? AND plugin_id IN ({marks})"
        fb = [HALF.unpack(b) for (b,) in conn.execute(sql, [MODEL_ID, *feedback])]
        if fb:
            mean = [sum(col) / len(fb) for col in zip(*fb, strict=True)]
            vector = unit_list([q + beta * m for q, m in zip(vector, mean, strict=True)])
    sims = _similarities([r[1] for r in rows], vector)
    top = heapq.nlargest(depth, range(len(rows)), key=sims.__getitem__)
    return Ranking(
        ids=[int(rows[i][0]) for i in top],
        similarity={int(rows[i][0]): round(sims[i], 4) for i in top},
    )


def _similarities(blobs: list[bytes], vector: list[float]) -> list[float]:
    """Dot product of `vector` with each stored vector (unit vectors: the cosine)."""
    if len(blobs) > PYTHON_SCAN_LIMIT:
        import numpy as np

        matrix = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(-1, DIM)
        sims: list[float] = (matrix.astype(np.float32) @ np.asarray(vector, np.float32)).tolist()
        return sims
    mul, unpack = operator.mul, HALF.unpack
    return [sum(map(mul, vector, unpack(blob))) for blob in blobs]


def vector_count(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT COUNT(*) FROM listing_vectors WHERE model = ?", (MODEL_ID,))
    return int(row.fetchone()[0])
