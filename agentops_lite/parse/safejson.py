"""Bounded JSON loading: size cap, BOM, strict UTF-8, nesting depth; failures become problems."""

from __future__ import annotations

import json
import re
from typing import Any

from agentops_lite.models import Problem

# marketplace.json files seen in the wild stay under 1 MB (the largest corpus one is ~0.5 MB);
# 8 MiB leaves room for growth while bounding memory for hostile input.
MAX_MANIFEST_BYTES = 8 * 1024 * 1024

# Real manifests nest fewer than 10 levels. Far deeper values decode but then break whatever
# walks them (pydantic refuses to serialise past ~255 levels, repr() overflows the stack), so
# JSON deeper than this is refused where it is read, as if the decoder had overflowed.
MAX_JSON_DEPTH = 64

_BOM = b"\xef\xbb\xbf"
# The codes of load_json's problems: each means nothing of the file could be read.
UNREADABLE_CODES = frozenset(
    {"file-too-large", "invalid-utf8", "empty-file", "too-deep", "invalid-json"}
)


def _problem(code: str, message: str, path: str = "") -> Problem:
    return Problem(severity="error", path=path, message=message, code=code)


# "\ud800" is valid JSON but decodes to a lone surrogate, which is no text: SQLite, UTF-8
# output and files all refuse it ("internal error" on store, found by the fuzz harness).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _without_lone_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD.
    Pairs were already joined by the decoder, so any surrogate left is a lone one."""
    if isinstance(value, str):
        return _clean(value)
    root: list[Any] = [value]
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    node[i] = _clean(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
        else:
            for key in list(node):
                item = node.pop(key)
                if isinstance(item, str):
                    item = _clean(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
                node[_clean(key)] = item
    return root[0]


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when `value` nests more than `limit` arrays/objects (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


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
        value = json.loads(text)
        if too_deep(value):
            raise RecursionError
        if _SURROGATE_ESCAPE.search(text):
            value = _without_lone_surrogates(value)
        return value, None
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


# Strings whole (so brackets inside them do not count) and the structural characters.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]', re.S)


def _array_spans(text: str, key: str) -> tuple[tuple[int, int], list[tuple[int, int]]] | None:
    """Where the top-level `key` array is, and where each of its elements is, found without
    recursion (the document is too deep for the decoder). None when there is no such array."""
    depth, last, current = 0, "", ""
    found: tuple[tuple[int, int], list[tuple[int, int]]] | None = None
    start = elem = -1
    elements: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        tok, pos = m.group(), m.start()
        if tok[0] == '"':
            last = tok
        elif tok == ":" and depth == 1:
            current = last
        elif tok in "[{":
            if depth == 1 and tok == "[" and current == f'"{key}"':
                start, elem, elements = pos, pos + 1, []
            depth += 1
        elif tok in "]}":
            depth -= 1
            if depth == 1 and start >= 0:
                if text[elem:pos].strip():
                    elements.append((elem, pos))
                found, start = ((start, pos + 1), elements), -1
            elif depth < 0:
                return None
        elif tok == ",":
            if depth == 2 and start >= 0:
                elements.append((elem, pos))
                elem = pos + 1
            elif depth == 1:
                current = ""
    return found


def load_json_isolating(
    data: bytes, key: str, *, max_bytes: int = MAX_MANIFEST_BYTES
) -> tuple[Any, Problem | None, frozenset[int]]:
    """`load_json`, but when the document is too deep only because some elements of its
    top-level `key` array are, those elements alone are dropped: (value with None in their
    places, None, their indexes). One entry nested too deeply then fails that entry only."""
    value, problem = load_json(data, max_bytes=max_bytes)
    if problem is None or problem.code != "too-deep":
        return value, problem, frozenset()
    text = data[len(_BOM) :] if data.startswith(_BOM) else data
    decoded = text.decode("utf-8")  # load_json checked it
    spans = _array_spans(decoded, key)
    if spans is None:
        return None, problem, frozenset()
    (start, end), elements = spans
    try:
        top = json.loads(decoded[:start] + "[]" + decoded[end:])
    except (RecursionError, ValueError):
        return None, problem, frozenset()  # too deep (or broken) outside the array as well
    if not isinstance(top, dict) or too_deep(top):
        return None, problem, frozenset()
    items: list[Any] = []
    deep: set[int] = set()
    for i, (a, b) in enumerate(elements):
        item, ok = _decode_element(decoded[a:b])
        if item is _BROKEN:
            return None, problem, frozenset()
        items.append(item if ok else None)
        if not ok:
            deep.add(i)
    top[key] = items
    if _SURROGATE_ESCAPE.search(decoded):
        top = _without_lone_surrogates(top)
    return top, None, frozenset(deep)


_BROKEN = object()


def _decode_element(text: str) -> tuple[Any, bool]:
    """(value, True), (None, False) when too deep, or (_BROKEN, False) when not JSON."""
    try:
        value = json.loads(text)
        return (None, False) if too_deep(value) else (value, True)
    except RecursionError:
        return None, False
    except ValueError:
        return _BROKEN, False
