"""The refresh counts on the server: the rows it writes equal an independent computation in
Python (``region_of`` + ``rollups``) on awkward inputs, and a period is recounted without
reading its groups back into Python (what made the national first build take 25 minutes).

Rows are written in 2003 with destination codes of their own, so the counts are exact
although the database is shared."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select

from waspada.platform.db import get_engine, session_scope
from waspada.platform.security.models import Unit
from waspada.statistics.periods import period_of
from waspada.statistics.refresh import REFERRED, refresh, region_of, rollups
from waspada.statistics.store import StatCount, StatRegencyCount

WHEN = datetime(2003, 7, 9, 10, tzinfo=UTC)
#: (nik, destination as entered, level, final action, seen before)
ROWS: list[tuple[str | None, str, str, str | None, bool]] = [
    ("3501019901700001", "ZQA", "high", "postpone", True),
    ("3501019901700002", "zqa", "medium", "refer_kp2mi", True),
    ("3599019901700003", "ZQA", "low", "allow", True),     # known province, unknown regency
    ("35a1019901700004", "ZQB", "high", "refer_police", False),  # not digits
    ("350101990170000", "ZQB", "medium", None, True),      # 15 digits
    ("3501", "ZQB", "low", None, False),
    (None, "ZQC", "high", "postpone", False),
    ("0001019901700005", " zq", "high", "postpone", False),  # no such province; padded code
    ("9501019901700006", "ZQC", "low", "postpone", True),   # Papua Pegunungan (2022)
    ("7371019901700007", "", "medium", "postpone", True),   # empty destination
]


def _expected(unit_id: int, grain: str) -> tuple[Counter[tuple[Any, ...]], Counter[Any]]:
    counts: Counter[tuple[str, str, str, int]] = Counter()
    regency: Counter[tuple[str, str, int]] = Counter()
    for nik, dest, level, final, seen in ROWS:
        prov, reg = region_of(nik[:4] if nik else None, len(nik) if nik else None)
        d = dest.strip().upper()[:8] or "??"
        names = ["screenings"]
        if final == "postpone":
            names.append("screenings_postponed")
        if final in REFERRED:
            names.append("screenings_referred")
        if level == "high":
            names.append("screenings_high_risk")
        if seen and level in ("medium", "high"):
            names.append("returning_flagged")
        for name in names:
            counts[(name, prov, d, unit_id)] += 1
            regency[(name, reg, unit_id)] += 1
            regency[(name, reg, -1)] += 1  # over all units
    return rollups(counts, grain), regency  # type: ignore[arg-type]


def _add() -> int:
    from waspada.screening.store import Screening, ScreeningPerson

    with session_scope() as db:
        unit = Unit(code="TEST-STAT-SQL", name="Unit uji statistik SQL", kind="checkpoint",
                    is_synthetic=True)
        person = ScreeningPerson(full_name="Uji statistik SQL", is_synthetic=True)
        db.add_all([unit, person])
        db.flush()
        for i, (nik, dest, level, final, seen) in enumerate(ROWS):
            db.add(Screening(record_no=f"TEST-STAT-SQL-{i}", kind="departure",
                             unit_id=unit.id, person_id=person.id, status="decided",
                             created_at=WHEN, updated_at=WHEN, full_name="Uji statistik",
                             nik=nik, destination_country=dest, level=level,
                             final_action=final, prior_json="[{}]" if seen else "[]",
                             is_synthetic=True))
        db.commit()
        return unit.id


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_server_side_counts_equal_an_independent_python_rollup() -> None:
    unit_id = _add()
    with _statements() as seen, session_scope() as db:
        refresh(db)
        db.commit()
    # the screenings' groups are counted and rolled up by the server: every statement that
    # groups screenings writes its result (INSERT ... SELECT), none returns groups to Python
    grouping = [s for s in seen if "FROM screenings" in s and "GROUP BY" in s]
    assert grouping and all("INSERT INTO stats_" in s for s in grouping)

    for grain in ("month", "week"):
        period = period_of(WHEN.date(), grain).label  # type: ignore[arg-type]
        want, want_regency = _expected(unit_id, grain)
        with session_scope() as db:
            rows = db.execute(select(
                StatCount.indicator, StatCount.province, StatCount.destination,
                StatCount.unit_id, StatCount.n).where(
                StatCount.grain == grain, StatCount.period == period)).all()
            got = Counter({(i, p, d, u): n for i, p, d, u, n in rows})
            if grain == "month":
                regency = db.execute(select(
                    StatRegencyCount.indicator, StatRegencyCount.regency,
                    StatRegencyCount.unit_id, StatRegencyCount.n).where(
                    StatRegencyCount.period == period)).all()
                assert Counter({(i, r, u): n for i, r, u, n in regency}) == want_regency
        assert got == want  # no other test writes 2003: the month and week are this test's

