"""Reporting periods: ``YYYY-MM``, ``YYYY-Qn`` and ISO weeks ``YYYY-Www``, parsed strictly.

Each period maps to a linear index (consecutive periods differ by exactly 1, across year
boundaries too) and a season (month 1-12, quarter 1-4, ISO week 1-53), which is what the
spike detector needs for its trend and seasonal terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = ["MAX_YEAR", "MIN_YEAR", "Period", "PeriodError", "parse_period", "period_text"]

Kind = Literal["month", "quarter", "week"]

MIN_YEAR = 1900
MAX_YEAR = 2999
PERIODS_PER_YEAR: dict[str, float] = {"month": 12.0, "quarter": 4.0, "week": 365.2425 / 7}

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")


class PeriodError(ValueError):
    """A period label that is not ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY-Www``."""


@dataclass(frozen=True, slots=True, order=True)
class Period:
    kind: Kind
    index: int
    """Linear index: months since year 0, quarters since year 0, or ISO weeks since 0001-01-01."""

    @property
    def season(self) -> int:
        if self.kind == "month":
            return self.index % 12 + 1
        if self.kind == "quarter":
            return self.index % 4 + 1
        return self.monday.isocalendar().week

    @property
    def monday(self) -> date:
        """First day of the period (a Monday for weeks)."""
        if self.kind == "month":
            return date(self.index // 12, self.index % 12 + 1, 1)
        if self.kind == "quarter":
            return date(self.index // 4, (self.index % 4) * 3 + 1, 1)
        return date.fromordinal(self.index * 7 + 1)

    @property
    def per_year(self) -> float:
        return PERIODS_PER_YEAR[self.kind]

    def shift(self, n: int) -> Period:
        return Period(self.kind, self.index + n)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.index // 12:04d}-{self.index % 12 + 1:02d}"
        if self.kind == "quarter":
            return f"{self.index // 4:04d}-Q{self.index % 4 + 1}"
        iso = self.monday.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"

    def __str__(self) -> str:
        return self.label


#: how a page writes a quarter's and an ISO week's number before the year, per language
_PREFIX: dict[str, dict[str, str]] = {"quarter": {"id": "TW", "en": "Q"},
                                      "week": {"id": "Mg", "en": "W"}}


def period_text(label: str, lang: str = "id") -> str:
    """A period as pages write it, the number before the year like every other date on a
    page (the hotline page's month "12-2025"): a month "2026-11" as "11-2026" in both
    languages, a quarter "2026-Q1" as "TW1-2026" (triwulan) or "Q1-2026", an ISO week
    "2026-W05" as "Mg05-2026" (minggu) or "W05-2026". The period codes stay in downloads and
    forms; anything that is not a period is returned as it is."""
    try:
        period = parse_period(label)
    except PeriodError:
        return label
    year, _sep, number = label.partition("-")
    if period.kind == "month":
        return f"{number}-{year}"
    prefix = _PREFIX[period.kind].get(lang, _PREFIX[period.kind]["en"])
    return f"{prefix}{number[1:]}-{year}"


def _year(text: str, label: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"period {label!r}: year must be between {MIN_YEAR} and {MAX_YEAR}")
    return year


def parse_period(label: str) -> Period:
    """Parse one period label exactly (no spaces, no other spellings)."""
    if not isinstance(label, str) or len(label) > 8:
        raise PeriodError(f"period {str(label)[:20]!r} is not YYYY-MM, YYYY-Qn or YYYY-Www")
    if m := _MONTH.fullmatch(label):
        year, month = _year(m[1], label), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"period {label!r}: month must be 01-12")
        return Period("month", year * 12 + month - 1)
    if m := _QUARTER.fullmatch(label):
        return Period("quarter", _year(m[1], label) * 4 + int(m[2]) - 1)
    if m := _WEEK.fullmatch(label):
        year, week = _year(m[1], label), int(m[2])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise PeriodError(f"period {label!r}: {year} has no ISO week {week:02d}") from None
        return Period("week", (monday - date(1, 1, 1)).days // 7)
    raise PeriodError(f"period {label[:20]!r} is not YYYY-MM, YYYY-Qn or YYYY-Www")


def week_index(day: date) -> int:
    """Linear ISO-week index of the week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return (monday - date(1, 1, 1)).days // 7


def period_of(day: date, kind: Kind) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == "month":
        return Period("month", day.year * 12 + day.month - 1)
    if kind == "quarter":
        return Period("quarter", day.year * 4 + (day.month - 1) // 3)
    return Period("week", week_index(day))
