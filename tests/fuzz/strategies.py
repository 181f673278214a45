"""Hostile inputs built from the shapes the reliability battery broke us with (issue 16)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

HOSTILE_PIECES = [
    "\x00",
    "\x1b[2J\x1b[31m",
    "\x07",
    "\x85",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ud800",  # a lone surrogate: valid in JSON text, not encodable as UTF-8
    "..",
    "../",
    "../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows",
    "\\..\\",
    "~",
    "./",
    "${a.output}",
    "$(rm -rf /)",
    "<script>alert(1)</script>",
    "[bold]x[/bold]",
    "%00",
]
# Over-long names and paths, built lazily so hypothesis's reprs stay short.
LONG_PIECES = st.sampled_from([("x", 300), ("é", 200), ("a/", 600)]).map(lambda p: p[0] * p[1])

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_PIECES),
    LONG_PIECES,
    st.text(max_size=40),
    st.lists(st.sampled_from(HOSTILE_PIECES) | LONG_PIECES | st.text(max_size=8), max_size=4).map(
        "".join
    ),
)

hostile_path = st.one_of(
    hostile_text,
    hostile_text.map(lambda t: "./" + t),
    hostile_text.map(lambda t: "./plugins/" + t),
)


DEPTHS = (70, 300, 5000)


def deep_marker(depth: int) -> str:
    """A string that `dumps` turns into `depth` nested arrays (json.dumps itself would overflow)."""
    return f"__deep_{depth}__"


def dumps(value: Any, *, ensure_ascii: bool = True) -> str:
    text = json.dumps(value, ensure_ascii=ensure_ascii)
    for depth in DEPTHS:
        text = text.replace(json.dumps(deep_marker(depth)), "[" * depth + "]" * depth)
    return text


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(hostile_text, kids, max_size=4),
    max_leaves=12,
) | st.sampled_from(DEPTHS).map(deep_marker)

ENTRY_KEYS = [
    "name", "source", "description", "version", "author", "keywords", "tags", "strict",
    "commands", "agents", "skills", "hooks", "mcpServers", "lspServers", "category",
]  # fmt: skip


def hostile_source() -> st.SearchStrategy[Any]:
    return st.one_of(
        hostile_path,
        json_values,
        st.fixed_dictionaries(
            {"source": st.sampled_from(["github", "url", "git-subdir", "npm", "x"])},
            optional={"repo": hostile_text, "url": hostile_text, "path": hostile_path},
        ),
    )


hostile_entry = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"name": hostile_text.map(lambda t: "h" + t), "source": hostile_source()},
        optional={
            k: st.one_of(hostile_path, st.lists(hostile_path, max_size=3), json_values)
            for k in ENTRY_KEYS
            if k not in ("name", "source")
        },
    ),
)


def good_entry(i: int) -> dict[str, Any]:
    return {"name": f"good-{i}", "source": f"./plugins/good-{i}", "description": f"good {i}"}


@st.composite
def manifests(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """(marketplace.json bytes, names of the good entries it holds)."""
    n_good = draw(st.integers(0, 3))
    hostile = draw(st.lists(hostile_entry, max_size=5))
    entries: list[Any] = [good_entry(i) for i in range(n_good)] + hostile
    order = draw(st.permutations(range(len(entries))))
    doc: dict[str, Any] = {
        "name": draw(st.sampled_from(["fuzz-market", "x"]) | hostile_text),
        # Deep values outside the entries make the whole file unreadable (by design), so they
        # stay in the entries, where they must fail alone.
        "owner": draw(st.sampled_from([{"name": "o"}, {"name": "o"}, "o", None, {"n": 1}])),
        "plugins": [entries[i] for i in order],
    }
    if draw(st.booleans()):
        doc["metadata"] = {"pluginRoot": draw(hostile_path), "x": draw(json_scalars)}
    text = dumps(doc, ensure_ascii=draw(st.booleans()))
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate with ensure_ascii=False
        data = dumps(doc).encode()
    if draw(st.booleans()):
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b" \n", b""])) + data
    return data, [f"good-{i}" for i in range(n_good)]
