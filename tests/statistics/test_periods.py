"""Period labels: strict parsing, linear indices, round trips (property-based)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waspada.statistics.periods import (
    MAX_YEAR,
    MIN_YEAR,
    PeriodError,
    parse_period,
    period_of,
)

years = st.integers(MIN_YEAR, MAX_YEAR - 1)


@given(years, st.integers(1, 12))
def test_month_round_trip_and_linear(year: int, month: int) -> None:
    p = parse_period(f"{year:04d}-{month:02d}")
    assert p.label == f"{year:04d}-{month:02d}" and p.season == month
    nxt = p.shift(1)
    assert nxt.label == (f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}")
    assert parse_period(nxt.label).index == p.index + 1


@given(years, st.integers(1, 4))
def test_quarter_round_trip_and_linear(year: int, q: int) -> None:
    p = parse_period(f"{year:04d}-Q{q}")
    assert p.label == f"{year:04d}-Q{q}" and p.season == q
    assert p.monday == date(year, 3 * q - 2, 1)
    assert parse_period(p.shift(1).label).index == p.index + 1


@given(st.dates(date(MIN_YEAR, 1, 8), date(MAX_YEAR, 12, 20)))
def test_iso_week_round_trip_and_linear(day: date) -> None:
    iso = day.isocalendar()
    p = parse_period(f"{iso.year:04d}-W{iso.week:02d}")
    assert p == period_of(day, "week")
    assert p.monday == day - timedelta(days=day.weekday())
    nxt = (day + timedelta(days=7)).isocalendar()
    assert parse_period(f"{nxt.year:04d}-W{nxt.week:02d}").index == p.index + 1
    assert p.label == f"{iso.year:04d}-W{iso.week:02d}"


@given(st.text(max_size=12))
def test_arbitrary_text_parses_or_raises_period_error(text: str) -> None:
    try:
        p = parse_period(text)
    except PeriodError:
        return
    assert p.label == text


@pytest.mark.parametrize("label", [
    "2024-13", "2024-00", "2024-1", "24-01", "2024-Q0", "2024-Q5", "2024-q1", "2021-W53",
    "2024-W00", "2024-W1", " 2024-01", "2024-01 ", "2024/01", "0999-01", "3000-01", "",
    "2024-W54", "２０２４-01", "2024-Q1\n",
])
def test_bad_labels_refused(label: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(label)


def test_week_53_only_in_long_years() -> None:
    assert parse_period("2020-W53").shift(1).label == "2021-W01"
    assert parse_period("2026-W53").label == "2026-W53"
