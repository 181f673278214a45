"""Terminal and JSON rendering: the one place that turns results into rich output.

Everything a marketplace wrote is untrusted: it reaches the terminal only through `untrusted()`,
which strips escape sequences and bidi controls and never interprets rich markup.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

# rich is imported inside the functions that draw: `--json` output never needs it, and it is a
# fifth of a warm `discover --json`'s start-up.

# C0 (except \t, \n), DEL, C1 (which includes the 8-bit CSI/OSC introducers), bidi controls.
_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The same characters inside JSON output become \u escapes (json.dumps already escapes C0).
_JSON_UNSAFE_RE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

MESSAGE_CHARS = 400
_stdout: Console | None = None
_stderr: Console | None = None


def _console(**options: Any) -> Console:
    # NO_COLOR means plain text here: rich alone would drop the colours but keep bold, dim and
    # italic escape codes in a terminal.
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    return Console(highlight=False, color_system=None if plain else "auto", **options)


def out() -> Console:
    global _stdout
    if _stdout is None:
        _stdout = _console(soft_wrap=False)
    return _stdout


def err() -> Console:
    global _stderr
    if _stderr is None:
        # soft_wrap: a message stays one line however narrow the terminal (and in logs).
        _stderr = _console(stderr=True, soft_wrap=True)
    return _stderr


def reset_consoles() -> None:
    """Forget cached consoles (tests swap stdout/stderr between invocations)."""
    global _stdout, _stderr
    _stdout = _stderr = None


def safe_text(value: object, max_chars: int | None = None) -> str:
    """Untrusted text made inert: no escape sequences, no bidi tricks, one line, capped."""
    text = "" if value is None else str(value)
    text = _UNSAFE_RE.sub("", text.replace("\t", " ").replace("\n", " "))
    text = re.sub(r"\s{2,}", " ", text).strip()
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return text


def untrusted(value: object, max_chars: int | None = None, style: str = "") -> Text:
    """A rich Text that is never parsed as markup."""
    from rich.text import Text

    return Text(safe_text(value, max_chars), style=style)


def json_text(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def emit_json(payload: Any) -> None:
    """Exactly one JSON document on stdout."""
    if hasattr(payload, "model_dump"):
        payload = payload.model_dump(mode="json")
    sys.stdout.write(json_text(payload) + "\n")
    sys.stdout.flush()


# Counts, scores, dates and problem tallies ("1,234", "0.88", "2026-11-25 07:12", "3E 1W", "—").
_FIGURE_RE = re.compile(r"[0-9.,:%/+\-\u2014 EW]{1,16}")


_table_class: type[Table] | None = None


def _figure_safe_table() -> type[Table]:
    """A table whose columns of figures (counts, scores, dates) are never split mid-value
    ("2026-11-2" / "5" misleads); the text columns give way instead. Built on first use, so
    rich loads only when something is drawn."""
    global _table_class
    if _table_class is None:
        from rich.console import ConsoleOptions, RenderResult
        from rich.table import Table
        from rich.text import Text

        class _Table(Table):
            def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
                for column in self.columns:
                    cells = [c.plain if isinstance(c, Text) else str(c) for c in column.cells]
                    column.no_wrap = bool(cells) and all(_FIGURE_RE.fullmatch(c) for c in cells)
                return super().__rich_console__(console, options)

        _table_class = _Table
    return _table_class


def plugin_header(plugin: str, marketplace: str) -> str:
    """`plugin@marketplace` as a column header: two lines, so a narrow column breaks it at the
    @ rather than inside a name."""
    return f"{safe_text(plugin, 40)}\n@{safe_text(marketplace, 40)}"


def table(*columns: str, title: str | None = None) -> Table:
    t = _figure_safe_table()(title=title, show_lines=False, header_style="bold", expand=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def _flush_stdout() -> None:
    # Keep stdout and stderr in order on a shared terminal (stdout is block-buffered in pipes).
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass


def note(message: str) -> None:
    """A status line on stderr (never stdout, so --json output stays clean)."""
    from rich.text import Text

    _flush_stdout()
    err().print(Text(message, style="dim"))


def warn(message: str) -> None:
    from rich.text import Text

    _flush_stdout()
    err().print(Text("warning: ", style="yellow bold") + Text(message))


def error_line(message: str, hint: str | None) -> None:
    from rich.text import Text

    _flush_stdout()
    # Capped: a message may quote user input or marketplace text of any length.
    err().print(Text("error: ", style="red bold") + Text(safe_text(message, MESSAGE_CHARS)))
    if hint:
        err().print(Text("hint: ", style="cyan") + Text(safe_text(hint, MESSAGE_CHARS)))
