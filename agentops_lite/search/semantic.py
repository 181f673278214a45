"""The semantic stage: listing vectors from a model shipped inside a package (`[semantic]`).

The model is WordLlama's static 256-d token embeddings (`wordllama` 0.4.0.post1, MIT): a text's
vector is the mean of its tokens' rows, so encoding needs only numpy, `tokenizers` and
`safetensors`, and the weights and tokenizer are files inside the installed wheel. We read those
files ourselves instead of importing `wordllama`: its package import pulls in `requests` (about
0.3 s of start-up per discover), configures the root logger at INFO, and its `WordLlama.load()`
looks for `tokenizer/` while the wheel ships `tokenizers/`, then tries to reach a model hub.
Nothing here ever opens a socket; without the extra every function answers "not available".

Vectors are computed at index time and stored in `listing_vectors` (float16, keyed by listing,
model id and a hash of the text embedded), so a query costs one short encode and one product.
"""

from __future__ import annotations

import hashlib
import heapq
import importlib.util
import json
import math
import operator
import re
import sqlite3
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from agentops_lite.settings import semantic_disabled

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

PACKAGE = "wordllama"
PACKAGE_VERSION = "0.4.0.post1"  # pinned exactly in pyproject: the shipped seed's vectors are its
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
# Up to this many listings a query is scored in plain Python (about 30 ms for 3,000), which is
# cheaper than importing numpy (about 80 ms, at every discover); beyond, numpy is.
PYTHON_SCAN_LIMIT = 8000
# Names the model and the recipe of the text embedded: change it when either changes, and every
# stored vector is recomputed (index time, or the first discover that finds them missing).
MODEL_ID = f"{PACKAGE}-{PACKAGE_VERSION}/l2_supercat_256/text-1"
DIM = 256
_TENSOR = "embedding.weight"  # (vocabulary, DIM) float16
_ROW_BYTES = 2 * DIM
_HALF = struct.Struct(f"<{DIM}e")  # one stored vector: DIM little-endian float16
MAX_TEXT_CHARS = 4000  # a giant bundle's component list must not drown its own blurb
_ENCODE_BATCH = 256
_SEPARATORS = re.compile(r"[-_/]+")


def _model_folder() -> Path | None:
    """The installed model package's folder when it and the encoding libraries are there."""
    return None if semantic_disabled() else _installed_folder()


@lru_cache(maxsize=1)
def _installed_folder() -> Path | None:
    try:
        spec = importlib.util.find_spec(PACKAGE)
        libraries = all(importlib.util.find_spec(m) for m in ("numpy", "tokenizers", "safetensors"))
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not libraries:
        return None
    folder = Path(spec.origin).parent
    if not _pinned_version(folder):
        return None
    if not (folder / WEIGHTS).is_file() or not (folder / TOKENIZER).is_file():
        return None
    return folder


def _pinned_version(folder: Path) -> bool:
    """The installed package is the version MODEL_ID names (another one may ship other weights)."""
    if (folder.parent / f"{PACKAGE}-{PACKAGE_VERSION}.dist-info").is_dir():
        return True  # a pip install: one stat instead of scanning every distribution
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE) == PACKAGE_VERSION
    except PackageNotFoundError:
        return False


def available() -> bool:
    """True when the `[semantic]` extra is installed (and not turned off)."""
    return _model_folder() is not None


class Model:
    """The static embedding model, read from the package's own files.

    Listings are encoded in bulk at index time with `tokenizers` and the whole table; a query is
    encoded by `encode_query`, which reads only the vocabulary, the merges and its tokens' rows
    (loading `tokenizers`' own BPE costs about 3x as long, at every discover)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._tokenizer: Any = None
        self._table: Any = None
        self._bpe: _Bpe | None = None

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors (float32, one row a text): the mean of the text's token vectors."""
        import numpy as np

        if self._tokenizer is None:
            from safetensors import safe_open
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER))
            self._tokenizer.no_padding()
            self._tokenizer.no_truncation()
            with safe_open(str(self.folder / WEIGHTS), framework="np") as fh:
                self._table = fh.get_tensor(_TENSOR)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        last = self._table.shape[0] - 1
        for start in range(0, len(texts), _ENCODE_BATCH):
            chunk = [_clean(t) for t in texts[start : start + _ENCODE_BATCH]]
            for i, enc in enumerate(self._tokenizer.encode_batch(chunk, add_special_tokens=False)):
                if enc.ids:
                    ids = np.clip(np.asarray(enc.ids, dtype=np.int64), 0, last)
                    out[start + i] = self._table[ids].astype(np.float32).mean(axis=0)
        return _unit(out)

    def query_ids(self, text: str) -> list[int]:
        """The token ids of `text`, exactly as the package's tokenizer gives them."""
        if self._bpe is None:
            self._bpe = _Bpe(self.folder / TOKENIZER)
        return self._bpe.encode(_clean(text))

    def encode_query(self, text: str) -> list[float]:
        """The unit vector of one text, from its tokens' rows read straight from the weights
        file (plain Python: importing numpy would cost more than the whole query)."""
        counts = Counter(self.query_ids(text))
        total = [0.0] * DIM
        with open(self.folder / WEIGHTS, "rb") as fh:
            start, rows = _tensor_offset(fh)
            for i, n in sorted(counts.items()):
                fh.seek(start + min(i, rows - 1) * _ROW_BYTES)
                row = _HALF.unpack(fh.read(_ROW_BYTES))
                total = [t + n * x for t, x in zip(total, row, strict=True)]
        return _unit_list(total)


def _tensor_offset(fh: BinaryIO) -> tuple[int, int]:
    """(byte offset of the embedding table, its row count) in a safetensors file: an 8-byte
    little-endian header length, a JSON header, then the raw tensors."""
    size = int.from_bytes(fh.read(8), "little")
    header = json.loads(fh.read(size))
    entry = header[_TENSOR]
    if entry["dtype"] != "F16" or entry["shape"][1] != DIM:
        raise ValueError(f"unexpected {_TENSOR} in {WEIGHTS}: {entry['dtype']} {entry['shape']}")
    return 8 + size + int(entry["data_offsets"][0]), int(entry["shape"][0])


def _unit_list(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def _clean(text: str) -> str:
    # One space between words: runs of "\u2581" (and newlines) are merged across words, which
    # would make the two encoders disagree, and mean nothing here.
    return " ".join(text[:MAX_TEXT_CHARS].split())


def _unit(rows: Matrix) -> Matrix:
    import numpy as np

    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Matrix = rows / norms
    return unit


class _Bpe:
    """The package tokenizer's BPE (Llama's: "▁" for spaces, byte fallback), for short texts.

    It has no pre-tokenizer, and no merge joins across a "▁", so each word is merged alone;
    tests/search/test_semantic.py checks it gives `tokenizers`' ids on real listing texts."""

    def __init__(self, path: Path) -> None:
        model = json.loads(path.read_bytes())["model"]
        self.vocab: dict[str, int] = model["vocab"]
        merges = model["merges"]
        if merges and not isinstance(merges[0], str):  # newer files list pairs
            merges = [" ".join(m) for m in merges]
        self.ranks: dict[str, int] = dict(zip(merges, range(len(merges)), strict=True))
        self.cache: dict[str, list[int]] = {}

    def encode(self, text: str) -> list[int]:
        if not text:
            return []
        ids: list[int] = []
        for word in ("\u2581" + text.replace(" ", "\u2581")).split("\u2581")[1:]:
            ids += self._word("\u2581" + word)
        return ids

    def _word(self, word: str) -> list[int]:
        if word in self.cache:
            return self.cache[word]
        parts: list[str] = []
        for ch in word:
            if ch in self.vocab:
                parts.append(ch)
            else:
                parts += [f"<0x{b:02X}>" for b in ch.encode("utf-8")]
        while len(parts) > 1:
            pairs = [self.ranks.get(f"{a} {b}") for a, b in zip(parts, parts[1:], strict=False)]
            best = min((r for r in pairs if r is not None), default=None)
            if best is None:
                break
            merged: list[str] = []
            i = 0
            while i < len(parts):
                if i < len(parts) - 1 and pairs[i] == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        out = [self.vocab.get(p, 0) for p in parts]
        self.cache[word] = out
        return out


@lru_cache(maxsize=1)
def _cached_model(folder: str) -> Model:
    return Model(Path(folder))


def load_model() -> Model | None:
    """The model when the extra is installed, else None (loaded once per process)."""
    folder = _model_folder()
    return _cached_model(str(folder)) if folder else None


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


def index_vectors(conn: sqlite3.Connection, marketplace_id: int) -> int:
    """The vector step of indexing one marketplace, inside the caller's transaction.

    Runs with or without the extra: the stored rows of removed listings go either way (their
    ids may be reused by new listings), and unchanged listings keep their vectors. Returns how
    many listings were encoded."""
    rows = conn.execute(_ROWS + "FROM plugins WHERE marketplace_id = ?", (marketplace_id,))
    encoded = _store(conn, rows.fetchall(), load_model())
    conn.execute("DELETE FROM listing_vectors WHERE plugin_id NOT IN (SELECT id FROM plugins)")
    return encoded


def fill_missing(conn: sqlite3.Connection, model: Model) -> int:
    """Encode the listings that have no vector of this model (a catalog indexed before the
    extra was installed, or by another model); returns how many. One indexed read when none."""
    # Two counts over small indexes (about 1 ms); equal unless a listing lacks a vector or a
    # removed marketplace left some behind (both are put right below).
    counts = "SELECT (SELECT COUNT(*) FROM plugins), (SELECT COUNT(*) FROM listing_vectors)"
    plugins, vectors = conn.execute(counts).fetchone()
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
@dataclass(frozen=True)
class Ranking:
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
        fb = [_HALF.unpack(b) for (b,) in conn.execute(sql, [MODEL_ID, *feedback])]
        if fb:
            mean = [sum(col) / len(fb) for col in zip(*fb, strict=True)]
            vector = _unit_list([q + beta * m for q, m in zip(vector, mean, strict=True)])
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
    mul, unpack = operator.mul, _HALF.unpack
    return [sum(map(mul, vector, unpack(blob))) for blob in blobs]


def vector_count(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT COUNT(*) FROM listing_vectors WHERE model = ?", (MODEL_ID,))
    return int(row.fetchone()[0])
