"""Small static SVG charts (horizontal bars, lines) for the HTML report; every label is escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

WIDTH = 640
BAR_H = 18
GAP = 5
LABEL_W = 200
VALUE_W = 64
PALETTE = ("#3b6fb6", "#e0803a", "#4c9a5b", "#b8464f", "#7a5fb0", "#8c6d4e", "#c760a8", "#6b7280")

# C0/C1 controls and bidi overrides: never useful in a label, sometimes used to spoof one.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: object, max_chars: int | None = None) -> str:
    """Untrusted text as one plain line (not yet HTML-escaped)."""
    text = _CONTROL_RE.sub(" ", "" if value is None else str(value))
    text = re.sub(r"\s{2,}", " ", text).strip()
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return text


def esc(value: object, max_chars: int | None = None) -> str:
    """Untrusted text made safe for HTML text and attribute positions."""
    return escape(clean(value, max_chars), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _frame(title: str, height: float, body: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" height="{_num(height)}">'
        f"<title>{esc(title)}</title>{body}</svg>"
    )


def empty(title: str, message: str) -> str:
    """A placeholder chart, so the layout (and print) stays the same when there is no data."""
    body = (
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="59" rx="6" class="empty"/>'
        f'<text x="{WIDTH / 2}" y="35" text-anchor="middle" class="muted">{esc(message)}</text>'
    )
    return _frame(title, 60, body)


def hbars(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    fmt: str = "{:,.0f}",
    maximum: float | None = None,
    colour: str = PALETTE[0],
) -> str:
    """Horizontal bars: one row per (label, value), the label left, the value right."""
    if not items:
        return empty(title, "no data yet")
    top = maximum if maximum is not None else max((v for _, v in items), default=0)
    scale = (WIDTH - LABEL_W - VALUE_W - 10) / top if top > 0 else 0.0
    rows: list[str] = []
    for i, (label, value) in enumerate(items):
        y = i * (BAR_H + GAP)
        length = max(value * scale, 1.0 if value > 0 else 0.0)
        shown = fmt.format(value)
        rows.append(
            f'<g class="bar"><title>{esc(label)}: {esc(shown)}</title>'
            f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 5}" text-anchor="end">'
            f"{esc(label, 28)}</text>"
            f'<rect x="{LABEL_W}" y="{y}" width="{_num(length)}" height="{BAR_H}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{_num(LABEL_W + length + 6)}" y="{y + BAR_H - 5}" class="value">'
            f"{esc(shown)}</text></g>"
        )
    return _frame(title, len(items) * (BAR_H + GAP), "".join(rows))


def lines(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    height: int = 220,
) -> str:
    """A line chart over ordered labels (dates); each series gets its own colour and legend."""
    if not labels or not series:
        return empty(title, "no refresh history yet")
    left, right, top, bottom = 56, 16, 28, 36
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max((max(v, default=0) for _, v in series), default=0) or 1
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" '
        'class="axis"/>'
    ]
    for frac in (0, 0.5, 1):
        value = peak * frac
        parts.append(
            f'<text x="{left - 6}" y="{_num(y(value) + 4)}" text-anchor="end" class="muted">'
            f"{value:,.0f}</text>"
            f'<line x1="{left}" y1="{_num(y(value))}" x2="{WIDTH - right}" '
            f'y2="{_num(y(value))}" class="grid"/>'
        )
    ticks = sorted({0, n - 1, *range(0, n, max(1, n // 6))})
    parts.extend(
        f'<text x="{_num(x(i))}" y="{height - 14}" text-anchor="middle" class="muted">'
        f"{esc(labels[i])}</text>"
        for i in ticks
    )
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{_num(x(i))},{_num(y(v))}" for i, v in enumerate(values))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        parts.extend(
            f'<circle cx="{_num(x(i))}" cy="{_num(y(v))}" r="3" fill="{colour}">'
            f"<title>{esc(name)} on {esc(labels[i])}: {v:,.0f}</title></circle>"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<rect x="{left + k * 160}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + k * 160 + 18}" y="16">{esc(name)}</text>'
        )
    return _frame(title, height, "".join(parts))
