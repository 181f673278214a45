"""Read the `name` / `description` YAML frontmatter of command, agent and skill Markdown files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agentops_lite.parse.names import clean_text

MAX_FRONTMATTER_CHARS = 16_000
_FENCE_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_LINE_RE = re.compile(r"^(name|description)\s*:\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Frontmatter:
    name: str | None
    description: str | None
    present: bool  # a `---` block was found
    valid: bool  # the block parsed as a YAML mapping


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text, _, _ = clean_text(str(value), 1024)
        return text or None
    return None


def _first_paragraph(body: str) -> str | None:
    for block in re.split(r"\n\s*\n", body):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        text = " ".join(ln.lstrip("#").strip() for ln in lines if ln)
        if text:
            return clean_text(text, 300)[0]
    return None


def parse_frontmatter(text: str, *, fallback_description: bool = False) -> Frontmatter:
    """Parse the leading `---` block. Never raises.

    A malformed YAML block falls back to plain `key: value` lines, since many community files
    have unquoted colons in descriptions that strict YAML rejects but Claude Code tolerates.
    """
    text = text.lstrip("\ufeff")
    m = _FENCE_RE.match(text)
    if not m:
        desc = _first_paragraph(text) if fallback_description else None
        return Frontmatter(name=None, description=desc, present=False, valid=False)
    block = m.group(1)[:MAX_FRONTMATTER_CHARS]
    data: Any = None
    try:
        import yaml

        # The C loader (libyaml, in PyYAML's wheels) is ~20x faster; same safe constructors.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(block, Loader=loader)  # noqa: S506 - a safe loader
    except Exception:  # noqa: BLE001 - any YAML failure means "use the line fallback"
        data = None
    if isinstance(data, dict):
        return Frontmatter(
            name=_scalar(data.get("name")),
            description=_scalar(data.get("description")),
            present=True,
            valid=True,
        )
    found = {k: v.strip("'\"") for k, v in _LINE_RE.findall(block)}
    return Frontmatter(
        name=_scalar(found.get("name")),
        description=_scalar(found.get("description")),
        present=True,
        valid=False,
    )
