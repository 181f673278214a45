"""Untrusted text as JavaScript data, and the fixed runtime every exported workflow starts with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# After json.dumps(ensure_ascii=True) a string holds no raw control, U+2028/U+2029 or non-ASCII
# character; `<`, `>` and `&` are escaped too, so `</script>` or `<!--` in a plugin description
# stays inert even if the script is ever embedded in HTML.
_HTML_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def js_value(value: Any) -> str:
    """A JSON value as a JS literal expression that can only ever be data."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=False, allow_nan=False)
    for raw, esc in _HTML_SAFE.items():
        text = text.replace(raw, esc)
    return text


def js_string(text: str) -> str:
    return js_value(str(text))


# The fixed runtime of every exported workflow (plain JavaScript, no interpolation).
PRELUDE = (Path(__file__).resolve().parents[1] / "data" / "workflow_runtime.js").read_text("utf-8")
