"""The pre-aggregated tables: incremental refresh by watermark (new rows, new decisions,
anonymisation), equality with a full rebuild, medians from histograms, regency suppression.

Rows are written in months no other test uses (2001/2002) with a destination code of their
own, so the counts are exact although the database is shared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from waspada.platform.db import session_scope
from waspada.platform.security.models import Unit
from waspada.platform.security.policy import CLI_PRINCIPAL, Principal
from waspada.platform.security.roles import Role
from waspada.statistics import queries, service
from waspada.statistics.refresh import refresh, region_of
from waspada.statistics.store import StatCount, StatDuration, StatRegencyCount

ANALYST = Principal(user_id=None, username="t", role=Role.ANALYST, unit_id=None, via="session")


def _unit_id() -> int:
    with session_scope() as db:
        unit = db.scalar(select(Unit).where(Unit.kind == "checkpoint").order_by(Unit.id))
        assert unit is not None
        return unit.id


def _count(indicator: str, period: str, province: str, destination: str) -> int:
    with session_scope() as db:
        rows = db.scalars(select(StatCount.n).where(
            StatCount.indicator == indicator, StatCount.grain == "month",
            StatCount.period == period, StatCount.province == province,
            StatCount.destination == destination)).all()
        return sum(rows)


def _add_screenings(when: datetime, nik: str, dest: str, n: int, *, level: str = "low",
                    final: str | None = None, prior: bool = False) -> list[int]:
    from waspada.screening.store import Screening, ScreeningPerson

    unit_id = _unit_id()
    ids = []
    with session_scope() as db:
        person = ScreeningPerson(full_name="Uji statistik", is_synthetic=True)
        db.add(person)
        db.flush()
        for i in range(n):
            s = Screening(record_no=f"TEST-STAT-{dest}-{when:%Y%m%d}-{i}-{person.id}",
                          kind="departure", unit_id=unit_id, person_id=person.id,
                          status="decided" if final else "open", created_at=when,
                          updated_at=when, full_name="Uji statistik", nik=nik,
                          destination_country=dest, level=level, final_action=final,
                          prior_json="[{}]" if prior else "[]", is_synthetic=True)
            db.add(s)
            db.flush()
            ids.append(s.id)
        db.commit()
    return ids


def _refresh(full: bool = False) -> None:
    with session_scope() as db:
        refresh(db, full=full)
        db.commit()


def test_region_of_nik_prefix() -> None:
    assert region_of("3501", 16) == ("35", "3501")
    assert region_of("3599", 16) == ("35", "35??")
    assert region_of("0001", 16) == ("??", "????")
    assert region_of("3501", 15) == ("??", "????")
    assert region_of("35a1", 16) == ("??", "????")
    assert region_of(None, None) == ("??", "????")


def test_new_screenings_and_decisions_are_counted_incrementally() -> None:
    _refresh()
    when = datetime(2001, 3, 14, 9, tzinfo=UTC)
    ids = _add_screenings(when, "3501019901700001", "ZZA", 13, level="high", prior=True)
    _refresh()
    assert _count("screenings", "2001-03", "35", "ZZA") == 13
    assert _count("screenings_high_risk", "2001-03", "35", "ZZA") == 13
    assert _count("returning_flagged", "2001-03", "35", "ZZA") == 13
    assert _count("screenings_postponed", "2001-03", "35", "ZZA") == 0
    # a decision signed later changes the old month's counts (screening_decisions watermark)
    from waspada.screening.store import Screening, ScreeningDecision

    with session_scope() as db:
        for sid in ids[:4]:
            db.get(Screening, sid).final_action = "postpone"  # type: ignore[union-attr]
            db.add(ScreeningDecision(screening_id=sid, action="postpone",
                                     recommended_action="postpone",
                                     verification_code=f"T{sid}"))
        db.commit()
    _refresh()
    assert _count("screenings_postponed", "2001-03", "35", "ZZA") == 4
    with session_scope() as db:
        regency = db.scalar(select(StatRegencyCount.n).where(
            StatRegencyCount.indicator == "screenings_postponed",
            StatRegencyCount.period == "2001-03", StatRegencyCount.regency == "3501"))
        assert regency is not None and regency >= 4
        week = db.scalar(select(StatCount.n).where(
            StatCount.indicator == "screenings", StatCount.grain == "week",
            StatCount.period == "2001-W11", StatCount.province == "35",
            StatCount.destination == "*", StatCount.unit_id == _unit_id()))
        assert week is not None and week >= 13
        # destinations are kept by month only; province x destination over all units only
        assert db.scalar(select(StatCount.n).where(
            StatCount.grain == "week", StatCount.destination == "ZZA")) is None


def test_incremental_refresh_equals_a_full_rebuild() -> None:
    _add_screenings(datetime(2001, 5, 2, tzinfo=UTC), "3201019901700001", "ZZB", 3)
    _refresh()

    def snapshot() -> set[tuple[object, ...]]:
        with session_scope() as db:
            return {tuple(r) for r in db.execute(select(
                StatCount.indicator, StatCount.grain, StatCount.period, StatCount.province,
                StatCount.destination, StatCount.unit_id, StatCount.n))}

    before = snapshot()
    _refresh(full=True)
    assert snapshot() == before


def test_nothing_changed_recomputes_nothing() -> None:
    _refresh()
    with session_scope() as db:
        result = refresh(db)
        db.commit()
    assert sum(result.periods.values()) == 0


def _case_with_victim(nik: str, reported: datetime, dest: str) -> int:
    from waspada.cases.models import Case, CaseTransition, CaseUnitAccess, Person

    unit_id = _unit_id()
    with session_scope() as db:
        case = Case(reference=f"TEST-STAT-{reported:%Y%m%d%H%M%S}-{dest}", status="closed",
                    owner_unit_id=unit_id, destination_country=dest,
                    exploitation_type="ForcedLabour", reported_at=reported,
                    state_entered_at=reported, last_update_at=reported,
                    closed_at=reported + timedelta(days=3), is_synthetic=True)
        db.add(case)
        db.flush()
        db.add(CaseUnitAccess(unit_id=unit_id, case_id=case.id, kind="owner"))
        db.add(Person(case_id=case.id, role="victim", identity_number=nik, citizenship="ID"))
        db.add(CaseTransition(case_id=case.id, transition="t", to_status="located",
                              actor="test", at=reported + timedelta(days=5, hours=2)))
        db.commit()
        return case.id


def test_anonymised_cases_keep_their_province_in_the_statistics() -> None:
    """Retention clears the victim's NIK; the counts by province must not move to "??"."""
    from waspada.cases.models import Case
    from waspada.cases.store.retention import anonymise_case

    reported = datetime(2002, 2, 10, tzinfo=UTC)
    ids = [_case_with_victim("5301019901700001", reported + timedelta(hours=i), "ZY")
           for i in range(12)]
    _refresh()
    assert _count("cases_reported", "2002-02", "53", "ZY") == 12
    assert _count("cases_other_exploitation", "2002-02", "53", "ZY") == 12
    with session_scope() as db:
        for cid in ids:
            case = db.get(Case, cid)
            assert case is not None
            anonymise_case(db, case, datetime.now(UTC))
            case.last_update_at = datetime.now(UTC)  # as if edited after anonymisation
        db.commit()
    _refresh()
    assert _count("cases_reported", "2002-02", "53", "ZY") == 12
    _refresh(full=True)
    assert _count("cases_reported", "2002-02", "53", "ZY") == 12
    assert _count("cases_reported", "2002-02", "??", "ZY") == 0
    with session_scope() as db:
        by_province = service.series(db, ANALYST, "cases_reported", "month", "province")
    assert by_province["53"][next(p for p in by_province["53"] if p.label == "2002-02")] >= 12


def test_stage_durations_are_medians_of_whole_days() -> None:
    reported = datetime(2002, 6, 3, tzinfo=UTC)
    for i in range(3):
        _case_with_victim("3301019901700001", reported + timedelta(minutes=i), "ZX")
    _refresh()
    with session_scope() as db:
        rows = db.execute(select(StatDuration.days, StatDuration.n).where(
            StatDuration.measure == "case_located_days", StatDuration.period == "2002-06",
            StatDuration.unit_id != -1)).all()  # -1: the rollup over all units
        hist = queries.durations(db, "case_located_days", unit=None, since="2002-06")
    assert sum(n for d, n in rows if d == 5) == 3
    assert {(p, d) for p, d, _n in hist if p == "2002-06"} == {("2002-06", 5)}


def test_median_of_histogram() -> None:
    assert service.median_of({}) is None
    assert service.median_of({3: 1}) == 3
    assert service.median_of({1: 1, 5: 1}) == 3
    assert service.median_of({1: 2, 9: 1}) == 1
    assert service.median_of({0: 1, 2: 2, 10: 1}) == 2


def test_regency_table_hides_small_cells() -> None:
    with session_scope() as db:
        tab = service._regency_table(db, None, "screenings", 11, "35")
    assert tab is not None
    r, c = tab.shape
    shown = [tab.published(i, j) for i in range(r + 1) for j in range(c + 1)]
    assert all(v is None or v == 0 or v >= 11 for v in shown)
    assert any(v is None for v in shown) and any(v is not None and v >= 11 for v in shown)


def test_refresh_needs_its_action_and_is_audited() -> None:
    from waspada.platform.audit import AuditEntry

    officer = Principal(user_id=None, username="t", role=Role.AUDITOR, unit_id=None,
                        via="session")
    with session_scope() as db, pytest.raises(service.AccessDenied):
        service.refresh(db, officer)
    with session_scope() as db:
        service.refresh(db, CLI_PRINCIPAL)
        last = db.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        assert last is not None and last.action == "stats.refresh"


def test_reads_refresh_only_when_no_process_refreshed_recently(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from waspada.statistics import refresh as refresher
    from waspada.statistics.store import StatWatermark

    calls: list[int] = []
    real = refresher.refresh

    def counting(db, *, full=False):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(db, full=full)

    _refresh()  # records the run now
    monkeypatch.setattr(refresher, "refresh", counting)
    monkeypatch.setattr(service, "_last_refresh", [float("-inf")])
    with session_scope() as db:
        service._fresh(db)
    assert calls == []  # another process (here: the test) refreshed seconds ago
    with session_scope() as db:
        row = db.get(StatWatermark, refresher.RUN)
        assert row is not None
        row.refreshed_at = datetime.now(UTC) - timedelta(seconds=service.REFRESH_EVERY_SECONDS + 5)
        db.commit()
    monkeypatch.setattr(service, "_last_refresh", [float("-inf")])
    with session_scope() as db:
        service._fresh(db)
    assert calls == [1]
