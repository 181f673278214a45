"""Bounded JSON loading: size cap, BOM, strict UTF-8, nesting depth; failures become problems."""

from __future__ import annotations

import json
from typing import Any

from agentops_lite.models import Problem

# marketplace.json files seen in the wild stay under 1 MB (the largest corpus one is ~0.5 MB);
# 8 MiB leaves room for growth while bounding memory for hostile input.
MAX_MANIFEST_BYTES = 8 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"
# The codes of load_json's problems: each means nothing of the file could be read.
UNREADABLE_CODES = frozenset(
    {"file-too-large", "invalid-utf8", "empty-file", "too-deep", "invalid-json"}
)


def _problem(code: str, message: str, path: str = "") -> Problem:
    return Problem(severity="error", path=path, message=message, code=code)


def load_json(data: bytes, *, max_bytes: int = MAX_MANIFEST_BYTES) -> tuple[Any, Problem | None]:
    """Decode `data` as JSON. Returns (value, None) or (None, problem); never raises."""
    if len(data) > max_bytes:
        return None, _problem(
            "file-too-large", f"file is {len(data):,} bytes; the limit is {max_bytes:,}"
        )
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, _problem("invalid-utf8", f"not valid UTF-8 (byte {exc.start})")
    if not text.strip():
        return None, _problem("empty-file", "file is empty")
    try:
        return json.loads(text), None
    except RecursionError:
        # The C decoder stops at the interpreter's recursion limit, in linear time.
        return None, _problem("too-deep", "JSON nested too deeply to read")
    except json.JSONDecodeError as exc:
        hint = ""
        if "<<<<<<<" in text or ">>>>>>>" in text:
            hint = " (it contains git merge-conflict markers)"
        return None, _problem(
            "invalid-json",
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}",
        )
