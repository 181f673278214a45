"""One check for every path a manifest names: no NUL, no control characters, bounded length."""

from __future__ import annotations

import re

# Linux caps a path at 4,096 bytes and a name at 255; real plugin paths are a few dozen chars.
# Past these the OS refuses the path anyway (ENAMETOOLONG), so they are refused up front.
MAX_PATH_CHARS = 1024
MAX_SEGMENT_CHARS = 255
# C0 controls (NUL included), DEL and C1 controls: `open()` raises on NUL, the rest are never
# in a real file name and would reach terminals inside problem messages.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def path_issue(path: str) -> str | None:
    """Why `path` (from a manifest) cannot name a file, or None when it can."""
    if (m := _CONTROL.search(path)) is not None:
        what = "a NUL byte" if m.group() == "\x00" else f"control character U+{ord(m.group()):04X}"
        return f"path contains {what}"
    if len(path) > MAX_PATH_CHARS:
        return f"path is {len(path):,} characters; the limit is {MAX_PATH_CHARS:,}"
    longest = max((len(part) for part in re.split(r"[\\/]", path)), default=0)
    if longest > MAX_SEGMENT_CHARS:
        return f"a path segment is {longest:,} characters; the limit is {MAX_SEGMENT_CHARS}"
    return None


def shown(path: str, limit: int = 80) -> str:
    """`path` safe to put in a message: controls escaped, cut at `limit`."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", path)
    return text if len(text) <= limit else text[:limit] + "…"
