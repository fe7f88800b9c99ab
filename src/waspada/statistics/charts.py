"""Server-side SVG charts (pure): a bar chart of a count series, readable without JavaScript.

Pages show the same numbers in a table beside each chart; the SVG carries ``role="img"`` with
a title and description, and one ``<title>`` per bar. Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .tilemap import fmt

__all__ = ["bar_chart"]

WIDTH = 640
HEIGHT = 240
LEFT = 48
BOTTOM = 40
TOP = 12
COLOUR = "#3465a4"
HIDDEN = "#c8c8c8"


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for mult in (1, 2, 2.5, 5, 10):
        top = int(mult * magnitude)
        if top >= value:
            return top
    return value  # pragma: no cover


def bar_chart(labels: Sequence[str], values: Sequence[int | None], *, title: str, desc: str,
              hidden_label: str = "<11", chart_id: str = "chart",
              locale: str | None = None) -> str:
    """Bars for ``values`` (None = suppressed, drawn as a short grey bar marked hidden)."""
    if len(labels) != len(values):
        raise ValueError("one label per value")
    shown = [v for v in values if v is not None]
    top = _nice_max(max(shown, default=0))
    n = max(1, len(values))
    plot_w = WIDTH - LEFT - 8
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / n
    bar = max(2.0, slot * 0.7)
    cid = escape(chart_id)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-labelledby="{cid}-t {cid}-d" class="chart" width="100%" '
             f'font-family="sans-serif">',
             f'<title id="{cid}-t">{escape(title)}</title>',
             f'<desc id="{cid}-d">{escape(desc)}</desc>']
    for frac in (0, 0.5, 1):
        y = TOP + plot_h * (1 - frac)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{escape(fmt(round(top * frac), locale))}</text>')
    every = max(1, round(n / 12))
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + i * slot + (slot - bar) / 2
        if v is None:
            h, colour, text = 3.0, HIDDEN, hidden_label
        else:
            h, colour, text = plot_h * v / top, COLOUR, fmt(v, locale)
        parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                     f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: '
                     f'{escape(text)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                         f'font-size="10" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
