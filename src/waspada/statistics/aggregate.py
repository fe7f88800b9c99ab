"""Counting facts into period x dimension tables (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .periods import Kind, Period, period_of

__all__ = ["UNKNOWN", "Fact", "count_by", "province_of_nik"]

UNKNOWN = "??"


@dataclass(frozen=True, slots=True)
class Fact:
    """Counted events: which indicator, when, their dimensions and how many (no personal data)."""

    indicator: str
    day: date
    province: str = UNKNOWN
    destination: str = UNKNOWN
    unit: str = UNKNOWN
    n: int = 1
    """how many events (1 for one record; more for a pre-aggregated row)"""


def province_of_nik(nik: str | None, known: Iterable[str]) -> str:
    """The province code (first two digits) of a 16-digit NIK, or ``??``."""
    if nik and len(nik) == 16 and nik.isascii() and nik.isdigit() and nik[:2] in known:
        return nik[:2]
    return UNKNOWN


def count_by(facts: Iterable[Fact], indicator: str, kind: Kind, dimension: str | None
             ) -> dict[str, dict[Period, int]]:
    """{dimension value: {period: count}} (dimension None: one series keyed ``ALL``)."""
    counts: Counter[tuple[str, Period]] = Counter()
    for f in facts:
        if f.indicator != indicator:
            continue
        key = "ALL" if dimension is None else getattr(f, dimension)
        counts[(key, period_of(f.day, kind))] += f.n
    out: dict[str, dict[Period, int]] = {}
    for (key, period), n in counts.items():
        out.setdefault(key, {})[period] = n
    return out
