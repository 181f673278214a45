"""The `[semantic]` extra's model: WordLlama's static embeddings, read from its wheel's files.

The model is WordLlama's static 256-d token embeddings (`wordllama` 0.4.0.post1, MIT): a text's
vector is the mean of its tokens' rows, so encoding needs only numpy, `tokenizers` and
`safetensors`, and the weights and tokenizer are files inside the installed wheel. We read those
files ourselves instead of importing `wordllama`: its package import pulls in `requests` (about
0.3 s of start-up per discover), configures the root logger at INFO, and its `WordLlama.load()`
looks for `tokenizer/` while the wheel ships `tokenizers/`, then tries to reach a model hub.
Nothing here ever opens a socket; without the extra, `load_model()` is None.
"""

from __future__ import annotations

import json
import math
import struct
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, BinaryIO

from agentops_lite.settings import semantic_disabled

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

PACKAGE = "wordllama"
PACKAGE_VERSION = "0.4.0.post1"  # pinned exactly in pyproject: the shipped seed's vectors are its
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
# Names the model and the recipe of the text embedded: change it when either changes, and every
# stored vector is recomputed (index time, or the first discover that finds them missing).
MODEL_ID = f"{PACKAGE}-{PACKAGE_VERSION}/l2_supercat_256/text-1"
DIM = 256
_TENSOR = "embedding.weight"  # (vocabulary, DIM) float16
_ROW_BYTES = 2 * DIM
HALF = struct.Struct(f"<{DIM}e")  # one stored vector: DIM little-endian float16
MAX_TEXT_CHARS = 4000  # a giant bundle's component list must not drown its own blurb
_ENCODE_BATCH = 256


def _model_folder() -> Path | None:
    """The installed model package's folder when it and the encoding libraries are there."""
    return None if semantic_disabled() else _installed_folder()


@lru_cache(maxsize=1)
def _installed_folder() -> Path | None:
    import importlib.util  # here: with the stage off (AGENTOPS_SEMANTIC=0) it is never needed

    try:
        spec = importlib.util.find_spec(PACKAGE)
        libraries = all(importlib.util.find_spec(m) for m in ("numpy", "tokenizers", "safetensors"))
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not libraries:
        return None
    from pathlib import Path  # here: with the stage off, a warm discover never imports it

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
        # The bulk encoder may be loaded on a thread while a refresh crawls (see `load`).
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load what `encode` needs (numpy, the tokenizer, the whole table), once; safe to call
        from another thread."""
        with self._lock:
            if self._tokenizer is not None:
                return
            import numpy  # noqa: F401 - imported here so a warming thread pays for it
            from safetensors import safe_open
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            with safe_open(str(self.folder / WEIGHTS), framework="np") as fh:
                self._table = fh.get_tensor(_TENSOR)
            self._tokenizer = tokenizer

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors (float32, one row a text): the mean of the text's token vectors."""
        import numpy as np

        self.load()
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        last = self._table.shape[0] - 1
        for start in range(0, len(texts), _ENCODE_BATCH):
            chunk = [_clean(t) for t in texts[start : start + _ENCODE_BATCH]]
            for i, enc in enumerate(self._tokenizer.encode_batch(chunk, add_special_tokens=False)):
                if enc.ids:
                    ids = np.clip(np.asarray(enc.ids, dtype=np.int64), 0, last)
                    out[start + i] = self._table[ids].mean(axis=0, dtype=np.float32)
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
                row = HALF.unpack(fh.read(_ROW_BYTES))
                total = [t + n * x for t, x in zip(total, row, strict=True)]
        return unit_list(total)


def _tensor_offset(fh: BinaryIO) -> tuple[int, int]:
    """(byte offset of the embedding table, its row count) in a safetensors file: an 8-byte
    little-endian header length, a JSON header, then the raw tensors."""
    size = int.from_bytes(fh.read(8), "little")
    header = json.loads(fh.read(size))
    entry = header[_TENSOR]
    if entry["dtype"] != "F16" or entry["shape"][1] != DIM:
        raise ValueError(f"unexpected {_TENSOR} in {WEIGHTS}: {entry['dtype']} {entry['shape']}")
    return 8 + size + int(entry["data_offsets"][0]), int(entry["shape"][0])


def unit_list(vector: list[float]) -> list[float]:
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
    from pathlib import Path

    return Model(Path(folder))


def load_model() -> Model | None:
    """The model when the extra is installed, else None (loaded once per process)."""
    folder = _model_folder()
    return _cached_model(str(folder)) if folder else None
