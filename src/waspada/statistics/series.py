"""Reading ``area,period,count`` series from CSV text (strict, line-numbered errors)."""

from __future__ import annotations

import re

from waspada.platform.files import FileError, read_csv

from .periods import Period, PeriodError, parse_period

__all__ = ["MAX_AREA_CHARS", "MAX_COUNT", "MAX_SPAN", "read_series"]

COLUMNS = ("area", "period", "count")
MAX_AREA_CHARS = 100
MAX_COUNT = 1_000_000_000
MAX_SPAN = 10_000
"""Longest series, first to last period (gaps are filled with zeros)."""
_DIGITS = re.compile(r"[0-9]{1,10}")


def read_series(text: str) -> dict[str, dict[Period, int]]:
    """Series by area. Raises :class:`FileError` naming the line of the first bad row.

    Every area uses one kind of period; an (area, period) pair appears once; counts are
    whole numbers from 0 to 1,000,000,000.
    """
    table = read_csv(text, required=COLUMNS, allowed=COLUMNS)
    pos = {name: table.header.index(name) for name in COLUMNS}
    series: dict[str, dict[Period, int]] = {}
    seen: dict[tuple[str, Period], int] = {}
    for row in table.rows:
        if len(row.values) != len(COLUMNS):
            raise FileError(f"expected {len(COLUMNS)} fields, found {len(row.values)}",
                            row.line, code="field_count", expected=len(COLUMNS),
                            found=len(row.values))
        area = row.values[pos["area"]].strip()
        label = row.values[pos["period"]].strip()
        raw = row.values[pos["count"]].strip()
        if not area:
            raise FileError("area is empty", row.line, code="empty_value", column="area")
        if len(area) > MAX_AREA_CHARS:
            raise FileError(f"area is longer than {MAX_AREA_CHARS} characters", row.line,
                            code="bad_value", column="area")
        try:
            period = parse_period(label)
        except PeriodError as exc:
            raise FileError(str(exc), row.line, code="bad_value", column="period") from None
        if not _DIGITS.fullmatch(raw) or int(raw) > MAX_COUNT:
            raise FileError(f"count {raw[:20]!r} is not a whole number from 0 to {MAX_COUNT:,}",
                            row.line, code="bad_value", column="count")
        points = series.setdefault(area, {})
        if points:
            some = next(iter(points))
            if some.kind != period.kind:
                raise FileError(f"area {area[:40]!r} mixes {some.kind}s and {period.kind}s",
                                row.line, code="bad_value", column="period")
            lo = min(some.index, period.index, min(points).index)
            hi = max(period.index, max(points).index)
            if hi - lo + 1 > MAX_SPAN:
                raise FileError(f"area {area[:40]!r} spans more than {MAX_SPAN:,} periods",
                                row.line, code="bad_value", column="period")
        key = (area, period)
        if key in seen:
            raise FileError(f"area {area[:40]!r}, period {period.label} appears twice (first "
                            f"on line {seen[key]})", row.line, code="bad_value",
                            column="period")
        seen[key] = row.line
        points[period] = int(raw)
    return series
